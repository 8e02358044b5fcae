"""Pairing, export summaries, mirror matching, alerts and AEO status between two in-process administrations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from clearway.declarations import service as declarations
from clearway.declarations.ports import LodgingFacts
from clearway.exchange import mirror, service
from clearway.exchange.sender import drain
from clearway.tariff import service as tariff
from clearway.tariff.model import ExchangeRate
from tests.integration.exchange.conftest import Side
from tests.integration.exchange.docs import EXPORTER, export_doc, import_doc


def lodge(side: Side, doc: dict[str, Any]) -> str:
    r = side.client.post("/api/v1/declarations", headers=side.broker, json=doc)
    assert r.status_code == 201, r.text
    return str(r.json()["mrn"])


def history(side: Side, mrn: str) -> list[dict[str, Any]]:
    r = side.client.get(f"/api/v1/declarations/{mrn}", headers=side.officer)
    assert r.status_code == 200, r.text
    return list(r.json()["history"])


def test_partners_are_listed_with_their_country_and_agreements(paired: tuple[Side, Side]) -> None:
    _, pe = paired
    r = pe.client.get("/api/v1/exchange/partners", headers=pe.officer)
    assert r.status_code == 200
    [p] = r.json()["partners"]
    assert p["country"] == "CL"
    assert {a["kind"] for a in p["agreements"]} == {"export_summary", "alert", "aeo_status", "tree_head"}
    assert p["did"].endswith(":cl-customs")


def test_export_then_import_at_40_percent_carries_the_gap_as_reason(paired: tuple[Side, Side]) -> None:
    cl, pe = paired
    exp = lodge(cl, export_doc("EXP-1", value="48000.00", ucr="CL2026UCR0001"))
    assert cl.drain(pe).sent == 1
    imp = lodge(pe, import_doc("IMP-1", value="19200.00", ucr="CL2026UCR0001"))
    [entry] = [h for h in history(pe, imp) if h["kind"] == "mirror_gap"]
    assert "exported from CL at 48,000 USD FOB, imported at 19,200 USD CIF: −61%" in entry["reason"]
    assert exp in entry["reason"]
    r = pe.client.get(f"/api/v1/exchange/mirror/{imp}", headers=pe.officer)
    value = next(f for f in r.json()["facts"] if f["code"] == "VALUE_GAP")
    assert value["severity"] == "high" and value["basis"] == "ucr"
    with pe.runtime.uow(readonly=True) as uow:
        facts = service.mirror_facts(uow, imp)
        proposal = mirror.MirrorLanes().propose(uow, declarations.get(uow, imp), LodgingFacts())
    assert [f.code for f in facts][0] == "VALUE_GAP"
    assert proposal is not None and proposal.lane.value in {"yellow", "red"}
    assert "−61%" in proposal.reasons[0]


def test_an_import_declared_in_soles_is_compared_at_the_official_rate(paired: tuple[Side, Side]) -> None:
    cl, pe = paired
    with pe.runtime.uow() as uow:  # SUNAT's rate for the US dollar, published before both declarations
        tariff.load_rates(
            uow, [ExchangeRate("USD", date(2026, 11, 1) + timedelta(days=n), Decimal("3.75")) for n in range(60)]
        )
        uow.commit()
    lodge(cl, export_doc("EXP-PEN", value="48000.00", ucr="CL2026UCR0PEN"))
    cl.drain(pe)
    doc = import_doc("IMP-PEN", value="72000.00", ucr="CL2026UCR0PEN")
    doc["invoice"].update(currency="PEN", freight="2250.00", insurance="375.00")
    imp = lodge(pe, doc)
    [entry] = [h for h in history(pe, imp) if h["kind"] == "mirror_gap"]
    # 72,000 PEN CIF less 2,625 PEN of charges = 69,375 PEN against 48,000 USD × 3.75 = 180,000 PEN: −61%
    assert "exported from CL at 48,000 USD FOB, imported at 72,000 PEN CIF: −61%" in entry["reason"]
    assert "1 USD = 3.75 PEN" in entry["reason"]


def test_without_an_official_rate_the_values_are_not_compared(paired: tuple[Side, Side]) -> None:
    cl, pe = paired
    lodge(cl, export_doc("EXP-NORATE", value="48000.00", ucr="CL2026UCR0NOR"))
    cl.drain(pe)
    doc = import_doc("IMP-NORATE", value="72000.00", ucr="CL2026UCR0NOR")
    doc["invoice"].update(currency="PEN", freight="2250.00", insurance="375.00")
    imp = lodge(pe, doc)
    r = pe.client.get(f"/api/v1/exchange/mirror/{imp}", headers=pe.officer).json()
    [f] = [f for f in r["facts"] if f["code"] in {"VALUE_GAP", "CURRENCY_DIFFERS"}]
    assert f["code"] == "CURRENCY_DIFFERS" and "no official rate for USD" in f["reason"]


def test_summary_arriving_after_the_import_matches_by_transport_document(paired: tuple[Side, Side]) -> None:
    cl, pe = paired
    imp = lodge(pe, import_doc("IMP-2", value="47000.00", bl="MAEU-9900002"))
    assert not [h for h in history(pe, imp) if h["kind"].startswith("mirror")]
    lodge(cl, export_doc("EXP-2", value="48000.00", bl="MAEU-9900002"))
    cl.drain(pe)
    [entry] = [h for h in history(pe, imp) if h["kind"].startswith("mirror")]
    # 47,000 CIF less 700 freight and insurance against 48,000 FOB: a small gap, recorded but not a risk
    assert entry["kind"] == "mirror_matched" and "transport document" in entry["reason"]
    with pe.runtime.uow(readonly=True) as uow:
        assert mirror.MirrorLanes().propose(uow, declarations.get(uow, imp), LodgingFacts()) is None


def test_unmatched_lists_and_monthly_aggregates(paired: tuple[Side, Side]) -> None:
    cl, pe = paired
    lodge(cl, export_doc("EXP-3", value="30000.00", bl="MAEU-1"))
    cl.drain(pe)
    lone = import_doc("IMP-3", value="10000.00", bl="MAEU-2")
    lone["exporter"] = {"id": "CL965432108", "name": "Other exporter", "country": "CL"}
    imp = lodge(pe, lone)
    r = pe.client.get("/api/v1/exchange/mirror/unmatched?country=CL", headers=pe.officer).json()
    assert [e["value"] for e in r["exports"]] == ["30000.00"]
    assert [i["import_mrn"] for i in r["imports"]] == [imp]
    months = pe.client.get("/api/v1/exchange/mirror/aggregates/CL", headers=pe.officer).json()["months"]
    [m] = months
    assert m["hs6"] == "220421" and m["exported_value"] == "30000.00" and m["imported_value"] == "10000.00"


def test_a_partner_that_is_down_gets_everything_once_when_back(paired: tuple[Side, Side]) -> None:
    cl, pe = paired
    for i in range(3):
        lodge(cl, export_doc(f"EXP-D{i}", value="1000.00", bl=f"BL-D{i}"))
    with httpx.Client(transport=httpx.MockTransport(lambda req: httpx.Response(503))) as down:
        r = drain(cl.runtime, client=down, ignore_backoff=True)
    assert (r.sent, r.retried) == (0, 1)  # one try per round for a partner that does not answer
    r = drain(cl.runtime, client=pe.client, ignore_backoff=True)
    assert r.sent == 3
    # an answer lost on the way: the sender retries, the receiver says REPLAYED and processes nothing again
    with cl.runtime.uow() as uow:
        uow.conn.execute(service.store.outbox.update().values(status="pending"))
        uow.commit()
    r = drain(cl.runtime, client=pe.client, ignore_backoff=True)
    assert r.sent == 3
    with pe.runtime.uow(readonly=True) as uow:
        assert service.received_count(uow, kind="export_summary", country="CL") == 3
    log = pe.client.get("/api/v1/exchange/deliveries", headers=pe.admin).json()
    assert {x["code"] for x in log["refused"]} == {"REPLAYED"}


def test_alert_published_in_cl_becomes_a_watchlist_hit_in_pe(paired: tuple[Side, Side]) -> None:
    cl, pe = paired
    r = cl.client.post(
        "/api/v1/exchange/alerts",
        headers=cl.officer,
        json={
            "kind": "seizure",
            "what": "cocaine in wine bottles",
            "hs_code": "220421",
            "place": "CLVAP",
            "concealment": "liquid in bottles",
            "detection": "sniffer dog",
            "route": "CLVAP-PECLL",
            "parties": [{"id": EXPORTER["id"], "name": EXPORTER["name"], "role": "exporter"}],
        },
    )
    assert r.status_code == 201, r.text
    cl.drain(pe)
    found = pe.client.get("/api/v1/exchange/alerts?q=cocaine&country=CL", headers=pe.officer).json()["alerts"]
    [alert] = found
    assert pe.client.post(f"/api/v1/exchange/alerts/{alert['id']}/watchlist", headers=pe.officer).status_code == 403
    w = pe.client.post(f"/api/v1/exchange/alerts/{alert['id']}/watchlist", headers=pe.supervisor, json={})
    assert w.status_code == 200, w.text
    again = pe.client.post(f"/api/v1/exchange/alerts/{alert['id']}/watchlist", headers=pe.supervisor, json={})
    assert again.status_code == 409
    imp = lodge(pe, import_doc("IMP-W", value="48000.00", bl="BL-W"))
    [lane] = [h for h in history(pe, imp) if h["kind"] == "lane_assigned"]
    assert f"watchlist '{w.json()['watchlist']}'" in lane["reason"]


def test_aeo_suspended_in_cl_loses_recognition_in_pe_the_same_day(paired: tuple[Side, Side]) -> None:
    cl, pe = paired
    today = date.today().isoformat()

    def publish(status: str) -> None:
        body = {"trader_id": EXPORTER["id"], "trader_name": EXPORTER["name"], "status": status,
                "effective_from": today, "reason": f"{status} by audit"}  # fmt: skip
        r = cl.client.post("/api/v1/ledger/aeo", headers=cl.admin, json=body)
        assert r.status_code == 201, r.text

    publish("granted")
    cl.drain(pe)
    got = pe.client.get(f"/api/v1/ledger/aeo/{EXPORTER['id']}", headers=pe.officer).json()
    assert got["status"] == "granted" and got["recognised"] is True
    publish("suspended")
    assert cl.drain(pe).sent == 1  # only the new change goes
    got = pe.client.get(f"/api/v1/ledger/aeo/{EXPORTER['id']}", headers=pe.officer).json()
    assert got["status"] == "suspended"
