"""Seller profiles and the inspection capacity carry over from one manifest to the next."""

from __future__ import annotations

import io
from pathlib import Path

from clearway.ecommerce import generator, lists, service
from clearway.platform.runtime import Runtime
from tests.unit.ecommerce.helpers import csv_bytes, parcel

RECALLED = {"description": "Cuddlo plush toy Bear B-12", "hs_code": "950300"}


def _screen(
    runtime: Runtime, rows: list[dict[str, str]], share: float | None = None, party: str | None = None
) -> service.ScreenReport:
    with runtime.uow() as uow:
        report = service.screen_manifest(
            uow,
            io.BytesIO(csv_bytes(rows)),
            source_name="m.csv",
            country="PE",
            submitted_by="test",
            submitter_party=party,
            inspection_share=share,
        )
        uow.commit()
    return report


def test_a_seller_whose_parcels_were_often_flagged_is_risky_next_time(runtime: Runtime, tmp_path: Path) -> None:
    recalls, _ = generator.write_reference_lists(tmp_path)
    with runtime.uow() as uow:
        lists.load_recalls(uow, recalls)
        uow.commit()
    first = [parcel(f"A{i}", seller_id="S666", **(RECALLED if i % 2 else {})) for i in range(20)]
    first += [parcel(f"B{i}", seller_id="S1") for i in range(20)]
    assert _screen(runtime, first).flags["risky_seller"] == 0
    second = _screen(runtime, [parcel("A100", seller_id="S666"), parcel("B100", seller_id="S1")])
    assert second.decided is not None
    got = {r["parcel_id"]: r for r in second.decided.to_dicts()}
    assert got["A100"]["flags"] == "risky_seller" and got["B100"]["flags"] == ""
    assert "50% of 20 earlier parcels from seller S666 in your manifests were flagged" in got["A100"]["reasons"]
    assert got["A100"]["decision"] == "hold_documents"  # risky alone asks for documents, not inspection


def test_manifests_of_the_same_day_share_one_inspection_capacity(runtime: Runtime) -> None:
    def day(prefix: str, undervalued: int) -> list[dict[str, str]]:
        rows = [parcel(f"{prefix}{i}") for i in range(40 - undervalued)]
        return rows + [parcel(f"{prefix}U{i}", declared_value="5.00", listed_price="20.00") for i in range(undervalued)]

    first = _screen(runtime, day("X", 4), share=0.1)
    assert first.decisions["hold_inspection"] == 4
    second = _screen(runtime, day("Y", 8), share=0.1)
    # 10% of the 80 parcels of that day is 8 places, 4 of them taken by the first manifest
    assert second.decisions["hold_inspection"] == 4 and second.decisions["hold_documents"] == 4
    assert second.decided is not None
    moved = second.decided.filter(second.decided["reasons"].str.contains("inspection capacity"))
    assert moved.height == 4 and set(moved["flags"]) == {"undervaluation"}


def _by_id(report: service.ScreenReport) -> dict[str, dict[str, object]]:
    assert report.decided is not None
    return {r["parcel_id"]: r for r in report.decided.to_dicts()}


def test_fake_parcels_from_one_carrier_do_not_make_another_carriers_parcels_of_that_seller_risky(
    runtime: Runtime,
) -> None:
    # carrier A poisons seller S9's history with 25 fake undervalued parcels
    fakes = [parcel(f"F{i}", seller_id="S9", declared_value="1.00", listed_price="20.00") for i in range(25)]
    assert _screen(runtime, fakes, party="CARRIER-A").flags["undervaluation"] == 25
    genuine = [parcel(f"G{i}", seller_id="S9") for i in range(5)]
    got = _by_id(_screen(runtime, genuine, party="CARRIER-B"))
    assert all(r["decision"] == "release" and r["flags"] == "" for r in got.values())
    # without a party (the CLI) is a party of its own too
    assert all(r["flags"] == "" for r in _by_id(_screen(runtime, [parcel("N1", seller_id="S9")])).values())
    # carrier A's own history does weigh on carrier A's own parcels of that seller
    own = _by_id(_screen(runtime, [parcel("A1", seller_id="S9")], party="CARRIER-A"))
    assert own["A1"]["flags"] == "risky_seller"


def _confirm(runtime: Runtime, manifest: str, *pids: str, confirmed: bool = True) -> None:
    with runtime.uow() as uow:
        for pid in pids:
            service.record_finding(uow, manifest, pid, confirmed=confirmed, officer="insp1", reason="invoice: 20 USD")
        uow.commit()


def test_officers_confirmed_findings_weigh_on_every_partys_parcels_of_the_seller(runtime: Runtime) -> None:
    first = _screen(runtime, [parcel(f"U{i}", seller_id="S7", declared_value="2.00") for i in range(3)], party="A")
    _confirm(runtime, first.manifest_id, "U0", "U1")
    _confirm(runtime, first.manifest_id, "U2", confirmed=False)
    got = _by_id(_screen(runtime, [parcel("B1", seller_id="S7"), parcel("B2", seller_id="S8")], party="B"))
    assert got["B1"]["flags"] == "risky_seller"
    assert "officers confirmed fraud on 2 earlier parcels of HS heading 6109 from seller S7" in str(
        got["B1"]["reasons"]
    )
    assert got["B2"]["flags"] == ""


def test_confirmed_findings_weigh_only_on_the_sellers_parcels_of_the_same_heading(runtime: Runtime) -> None:
    # a marketplace seller caught twice undervaluing t-shirts (6109) ships phones and shoes too
    first = _screen(runtime, [parcel(f"U{i}", seller_id="S7", declared_value="2.00") for i in range(2)], party="A")
    _confirm(runtime, first.manifest_id, "U0", "U1")
    later = [
        parcel("T1", seller_id="S7", hs_code="610990"),  # another t-shirt subheading of heading 6109
        parcel("P1", seller_id="S7", description="Zentro smartphone 128GB", hs_code="851713"),
        parcel("F1", seller_id="S7", description="Zentro running shoes", hs_code="640411"),
    ]
    got = _by_id(_screen(runtime, later, party="B"))
    assert got["T1"]["flags"] == "risky_seller" and "HS heading 6109" in str(got["T1"]["reasons"])
    assert got["P1"]["flags"] == "" and got["P1"]["decision"] == "release", got["P1"]
    assert got["F1"]["flags"] == "" and got["F1"]["decision"] == "release", got["F1"]


def test_confirmed_findings_on_different_headings_do_not_add_up(runtime: Runtime) -> None:
    first = _screen(
        runtime,
        [
            parcel("U0", seller_id="S5", declared_value="2.00"),
            parcel("U1", seller_id="S5", description="Zentro running shoes", hs_code="640411", declared_value="2.00"),
        ],
        party="A",
    )
    _confirm(runtime, first.manifest_id, "U0", "U1")  # one confirmed fraud on 6109, one on 6404
    later = [
        parcel("T1", seller_id="S5"),
        parcel("F1", seller_id="S5", description="Zentro sneakers", hs_code="640411"),
    ]
    got = _by_id(_screen(runtime, later, party="B"))
    assert got["T1"]["flags"] == "" and got["F1"]["flags"] == "", got
    # a second confirmed fraud on 6404 makes the seller's shoes risky, still not its t-shirts
    more = _screen(
        runtime,
        [parcel("U2", seller_id="S5", description="Zentro running shoes", hs_code="640411", declared_value="2.00")],
        party="A",
    )
    _confirm(runtime, more.manifest_id, "U2")
    again = _by_id(
        _screen(
            runtime,
            [
                parcel("T2", seller_id="S5"),
                parcel("F2", seller_id="S5", hs_code="640419", description="Zentro sneakers"),
            ],
            party="B",
        )
    )
    assert again["F2"]["flags"] == "risky_seller" and "fraud on 2 earlier parcels of HS heading 6404" in str(
        again["F2"]["reasons"]
    )
    assert again["T2"]["flags"] == ""


def test_the_partys_own_history_still_weighs_on_every_heading_of_the_seller(runtime: Runtime) -> None:
    fakes = [parcel(f"F{i}", seller_id="S9", declared_value="1.00", listed_price="20.00") for i in range(25)]
    _screen(runtime, fakes, party="CARRIER-A")
    other = parcel("A1", seller_id="S9", description="Zentro running shoes", hs_code="640411")
    got = _by_id(_screen(runtime, [other], party="CARRIER-A"))
    assert got["A1"]["flags"] == "risky_seller" and "in your manifests were flagged" in str(got["A1"]["reasons"])


def test_a_hold_that_only_corrects_the_declared_code_does_not_make_the_seller_risky(runtime: Runtime) -> None:
    # a t-shirt declared under a chapter of machines: flagged hs_implausible, and nothing else
    wrong = [parcel(f"H{i}", seller_id="S6", hs_code="847130") for i in range(3)]
    report = _screen(runtime, wrong, party="A")
    assert all(r["flags"] == "hs_implausible" for r in _by_id(report).values()), _by_id(report)
    manifest = report.manifest_id
    with runtime.uow() as uow:
        for pid in ("H0", "H1", "H2"):
            service.record_finding(uow, manifest, pid, confirmed=True, officer="insp1", reason="a t-shirt, 610910")
        uow.commit()
    got = _by_id(_screen(runtime, [parcel("B1", seller_id="S6")], party="B"))
    assert got["B1"]["flags"] == ""  # the declarant's code was wrong; the seller's conduct is not in question
    # a confirmed undervaluation on that seller's parcels still weighs on every party's parcels of the seller
    under = _screen(runtime, [parcel(f"U{i}", seller_id="S6", declared_value="2.00") for i in range(2)], party="A")
    with runtime.uow() as uow:
        for pid in ("U0", "U1"):
            service.record_finding(uow, under.manifest_id, pid, confirmed=True, officer="insp1", reason="20 USD paid")
        uow.commit()
    again = _by_id(_screen(runtime, [parcel("B2", seller_id="S6")], party="B"))
    assert again["B2"]["flags"] == "risky_seller" and "officers confirmed fraud on 2" in str(again["B2"]["reasons"])
