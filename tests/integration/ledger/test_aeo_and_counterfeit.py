"""The shared AEO registry (publish, export, import, MRA) and the anti-counterfeit check of declared products."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from clearway.core.issues import DomainError
from clearway.declarations.examples import example_declaration
from clearway.ledger import aeo, credentials, identity, keys, service
from clearway.ledger.partner import PartnerAdministration
from clearway.ledger.seed import event_subject, passport_subject
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.ledger.conftest import BRAND, EXPORTER, IMPORTER, Orgs

NOW = datetime.now(UTC)


def _register(runtime: Runtime, partner: PartnerAdministration, mra_since: date | None) -> None:
    with runtime.uow() as uow:
        identity.register_partner(
            uow,
            org_id="cl-customs",
            name="Aduana de Chile",
            country="CL",
            did_document=partner.did_document(),
            mra_since=mra_since,
        )
        uow.commit()


def test_status_changes_are_dated_and_the_risk_engine_reads_them(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    for status, day in (("granted", "2024-03-01"), ("suspended", "2025-02-01"), ("granted", "2025-05-01")):
        r = client.post(
            "/api/v1/ledger/aeo",
            json={
                "trader_id": IMPORTER,
                "trader_name": "Importaciones Pacífico SAC",
                "status": status,
                "effective_from": day,
                "reason": "audit",
            },
            headers=tokens.supervisor,
        )
        assert r.status_code == 201, r.text
    with runtime.uow(readonly=True) as uow:
        assert service.aeo_status(uow, IMPORTER, on=date(2024, 2, 29)) is None
        assert service.aeo_status(uow, IMPORTER, on=date(2024, 12, 31)).is_active_aeo  # type: ignore[union-attr]
        suspended = service.aeo_status(uow, IMPORTER, on=date(2025, 3, 1))
        assert suspended is not None and suspended.status == "suspended" and not suspended.is_active_aeo
        assert service.aeo_status(uow, IMPORTER, on=date(2025, 6, 1)).is_active_aeo  # type: ignore[union-attr]
    assert (
        client.post(
            "/api/v1/ledger/aeo",
            json={
                "trader_id": IMPORTER,
                "trader_name": "x",
                "status": "granted",
                "effective_from": "2025-01-01",
                "reason": "r",
            },
            headers=tokens.officer,
        ).status_code
        == 403
    )
    bad = client.post(
        "/api/v1/ledger/aeo",
        json={"trader_id": IMPORTER, "trader_name": "x", "status": "great", "effective_from": "someday", "reason": "r"},
        headers=tokens.admin,
    )
    assert bad.status_code == 422 and {e["pointer"] for e in bad.json()["errors"]} == {"/status", "/effective_from"}
    # a trader sees its own status only
    assert client.get(f"/api/v1/ledger/aeo/{IMPORTER}", headers=tokens.other_broker).status_code == 404


def test_our_export_is_verifiable_by_a_partner_from_our_did_document(runtime: Runtime) -> None:
    ctx = service.context(runtime)
    with runtime.uow() as uow:
        aeo.publish(
            uow,
            ctx,
            trader_id=IMPORTER,
            trader_name="Importaciones Pacífico SAC",
            status="granted",
            effective_from=date(2024, 1, 1),
            reason="certified",
        )
        token = aeo.export(uow, ctx)
        did_doc = identity.did_document(uow, ctx.administration)
        uow.commit()
    # what the partner does: read our keys from the DID document, check the export and each entry
    (key,) = keys.keys_from_did_document(did_doc, "pe-customs")
    payload = credentials.verify_signature(token, key)
    assert payload is not None and payload["issuer"] == did_doc["id"]
    (entry,) = payload["entries"]
    body = credentials.verify_signature(entry, key)
    assert body is not None and body["trader"]["id"] == IMPORTER and body["status"] == "granted"
    # and our own administration is not a partner of itself
    with runtime.uow() as uow, pytest.raises(DomainError, match="register the partner"):
        aeo.import_export(uow, ctx, token)


def test_a_partner_export_is_refused_unless_registered_and_genuine(
    runtime: Runtime, client: TestClient, tokens: Tokens
) -> None:
    chile = PartnerAdministration("aduana.cl", "CL", NOW - timedelta(days=30))
    chile.publish(EXPORTER[3], EXPORTER[1], "granted", date(2025, 1, 1), "OEA", NOW)
    export = chile.export(NOW)
    r = client.post("/api/v1/ledger/aeo-import", json={"export": export}, headers=tokens.admin)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "PARTNER_UNKNOWN"
    _register(runtime, chile, mra_since=None)
    header, payload, sig = export.split(".")
    tampered = f"{header}.{payload[:-4]}AAAA.{sig}"
    r = client.post("/api/v1/ledger/aeo-import", json={"export": tampered}, headers=tokens.admin)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] in {"SIGNATURE", "EXPORT_MALFORMED"}
    r = client.post("/api/v1/ledger/aeo-import", json={"export": "not-a-jws"}, headers=tokens.admin)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "EXPORT_MALFORMED"
    # an impostor signs an export with its own key but names Chile's key
    impostor = PartnerAdministration("aduana.cl", "CL", NOW - timedelta(days=30))
    impostor.publish(EXPORTER[3], EXPORTER[1], "granted", date(2025, 1, 1), "fake", NOW)
    r = client.post("/api/v1/ledger/aeo-import", json={"export": impostor.export(NOW)}, headers=tokens.admin)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "SIGNATURE"
    assert client.post("/api/v1/ledger/aeo-import", json={"export": export}, headers=tokens.officer).status_code == 403
    ok = client.post("/api/v1/ledger/aeo-import", json={"export": export}, headers=tokens.admin).json()
    assert ok == {"partner": "cl-customs", "imported": 1, "already_known": 0}
    again = client.post("/api/v1/ledger/aeo-import", json={"export": export}, headers=tokens.admin).json()
    assert again["already_known"] == 1 and again["imported"] == 0
    # without a mutual recognition arrangement the foreign status is known but not honoured
    st = client.get(f"/api/v1/ledger/aeo/{EXPORTER[3]}", headers=tokens.officer).json()
    assert st["status"] == "granted" and st["recognised"] is False
    assert "no mutual recognition arrangement" in st["basis"]
    _register(runtime, chile, mra_since=date(2025, 6, 1))
    with runtime.uow(readonly=True) as uow:
        assert not service.aeo_status(uow, EXPORTER[3], on=date(2025, 5, 31)).recognised  # type: ignore[union-attr]
        assert service.aeo_status(uow, EXPORTER[3], on=date(2025, 6, 1)).is_active_aeo  # type: ignore[union-attr]


def _issue(client: TestClient, headers: dict[str, str], kind: str, subject: dict[str, object]) -> str:
    r = client.post(
        "/api/v1/ledger/credentials", json={"org": BRAND[0], "kind": kind, "subject": subject}, headers=headers
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _lodge(client: TestClient, tokens: Tokens, lrn: str, ids: list[list[str]]) -> str:
    doc = example_declaration(lrn)
    for item, pids in zip(doc["goods_items"], ids, strict=False):
        item["product_ids"] = pids
    r = client.post("/api/v1/declarations", json=doc, headers=tokens.broker)
    assert r.status_code == 201, r.text
    return str(r.json()["mrn"])


def test_genuine_products_pass_and_counterfeits_are_flagged_to_the_risk_engine(
    client: TestClient, tokens: Tokens, orgs: Orgs, runtime: Runtime
) -> None:
    shipped = (NOW - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _issue(client, orgs.brand, "product_passport", passport_subject("urn:p:genuine"))
    _issue(client, orgs.brand, "traceability_event", event_subject("urn:p:genuine", BRAND[3], IMPORTER, shipped))
    # a product whose passport says another HS code and origin, and whose chain has a gap
    _issue(client, orgs.brand, "product_passport", passport_subject("urn:p:other", origin="VN"))
    _issue(client, orgs.brand, "traceability_event", event_subject("urn:p:other", "XX-UNKNOWN", IMPORTER, shipped))
    good = _lodge(client, tokens, "CF-1", [["urn:p:genuine"]])
    bad = _lodge(client, tokens, "CF-2", [["urn:p:genuine"], ["urn:p:other"], ["urn:p:nobody"]])
    with runtime.uow(readonly=True) as uow:
        assert service.counterfeit_flags(uow, good) == []
        flags = service.counterfeit_flags(uow, bad)
    codes = {(f.item, f.product_id, f.code) for f in flags}
    assert codes == {
        (2, "urn:p:other", "HS_MISMATCH"),
        (2, "urn:p:other", "ORIGIN_MISMATCH"),
        (2, "urn:p:other", "DESCRIPTION_MISMATCH"),
        (2, "urn:p:other", "CUSTODY_GAP"),
        (3, "urn:p:nobody", "NO_PASSPORT"),
    }
    officer = client.get(f"/api/v1/declarations/{bad}", headers=tokens.officer).json()
    flagged = [h for h in officer["history"] if h["kind"] == "counterfeit_flag"]
    assert len(flagged) == 1 and "urn:p:nobody" in flagged[0]["reason"]
    good_history = client.get(f"/api/v1/declarations/{good}", headers=tokens.officer).json()["history"]
    assert "products_verified" in [h["kind"] for h in good_history]
    r = client.get(f"/api/v1/ledger/counterfeit/{bad}", headers=tokens.broker)
    assert r.status_code == 200 and r.json()["checked"] == 3 and len(r.json()["flags"]) == 5
    assert client.get(f"/api/v1/ledger/counterfeit/{bad}", headers=tokens.other_broker).status_code == 404


def test_a_revoked_passport_and_a_chain_that_stops_short_are_flagged(
    client: TestClient, tokens: Tokens, orgs: Orgs, runtime: Runtime
) -> None:
    t1 = (NOW - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    pid = _issue(client, orgs.brand, "product_passport", passport_subject("urn:p:r"))
    _issue(client, orgs.brand, "traceability_event", event_subject("urn:p:r", BRAND[3], "PE20999999990", t1))
    mrn = _lodge(client, tokens, "CF-3", [["urn:p:r"]])
    with runtime.uow(readonly=True) as uow:
        assert [f.code for f in service.counterfeit_flags(uow, mrn)] == ["CHAIN_INCOMPLETE"]
    client.post(f"/api/v1/ledger/credentials/{pid}/revoke", json={"reason": "batch recalled"}, headers=orgs.brand)
    with runtime.uow(readonly=True) as uow:
        flags = service.counterfeit_flags(uow, mrn)
    assert [f.code for f in flags] == ["PASSPORT_INVALID"]
    assert "batch recalled" in flags[0].message


def test_a_parcel_product_is_checked_without_a_declaration(client: TestClient, orgs: Orgs, runtime: Runtime) -> None:
    shipped = (NOW - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _issue(client, orgs.brand, "product_passport", passport_subject("urn:p:parcel"))
    _issue(client, orgs.brand, "traceability_event", event_subject("urn:p:parcel", BRAND[3], "PE10456789019", shipped))
    with runtime.uow(readonly=True) as uow:
        ok = service.product_flags(
            uow,
            product_id="urn:p:parcel",
            commodity_code="851713",
            origin_country="CN",
            description="smartphone BX-20",
            importer_id="PE10456789019",
        )
        wrong = service.product_flags(
            uow,
            product_id="urn:p:parcel",
            commodity_code="851713",
            origin_country="CN",
            description="smartphone BX-20",
            importer_id="PE10000000006",
        )
    assert ok == []
    assert [f.code for f in wrong] == ["CHAIN_INCOMPLETE"]
