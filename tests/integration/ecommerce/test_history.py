"""Seller profiles and the inspection capacity carry over from one manifest to the next."""

from __future__ import annotations

import io
from pathlib import Path

from clearway.ecommerce import generator, service
from clearway.platform.runtime import Runtime
from tests.unit.ecommerce.helpers import csv_bytes, parcel

RECALLED = {"description": "Cuddlo plush toy Bear B-12", "hs_code": "950300"}


def _screen(runtime: Runtime, rows: list[dict[str, str]], share: float | None = None) -> service.ScreenReport:
    with runtime.uow() as uow:
        report = service.screen_manifest(
            uow,
            io.BytesIO(csv_bytes(rows)),
            source_name="m.csv",
            country="PE",
            submitted_by="test",
            inspection_share=share,
        )
        uow.commit()
    return report


def test_a_seller_whose_parcels_were_often_flagged_is_risky_next_time(runtime: Runtime, tmp_path: Path) -> None:
    recalls, _ = generator.write_reference_lists(tmp_path)
    with runtime.uow() as uow:
        service.load_recalls(uow, recalls)
        uow.commit()
    first = [parcel(f"A{i}", seller_id="S666", **(RECALLED if i % 2 else {})) for i in range(20)]
    first += [parcel(f"B{i}", seller_id="S1") for i in range(20)]
    assert _screen(runtime, first).flags["risky_seller"] == 0
    second = _screen(runtime, [parcel("A100", seller_id="S666"), parcel("B100", seller_id="S1")])
    assert second.decided is not None
    got = {r["parcel_id"]: r for r in second.decided.to_dicts()}
    assert got["A100"]["flags"] == "risky_seller" and got["B100"]["flags"] == ""
    assert "50% of 20 earlier parcels from seller S666 were flagged" in got["A100"]["reasons"]
    assert got["A100"]["decision"] == "hold_documents"  # risky alone asks for documents, not inspection


def test_manifests_of_the_same_day_share_one_inspection_capacity(runtime: Runtime) -> None:
    def day(prefix: str, undervalued: int) -> list[dict[str, str]]:
        rows = [parcel(f"{prefix}{i}") for i in range(40 - undervalued)]
        return rows + [parcel(f"{prefix}U{i}", declared_value="1.00", listed_price="20.00") for i in range(undervalued)]

    first = _screen(runtime, day("X", 4), share=0.1)
    assert first.decisions["hold_inspection"] == 4
    second = _screen(runtime, day("Y", 8), share=0.1)
    # 10% of the 80 parcels of that day is 8 places, 4 of them taken by the first manifest
    assert second.decisions["hold_inspection"] == 4 and second.decisions["hold_documents"] == 4
    assert second.decided is not None
    moved = second.decided.filter(second.decided["reasons"].str.contains("inspection capacity"))
    assert moved.height == 4 and set(moved["flags"]) == {"undervaluation"}
