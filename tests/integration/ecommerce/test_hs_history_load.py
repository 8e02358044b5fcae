"""An administration loads its classification history (CLI or API, supervisors only, audited); screening, stored
and streamed, then weighs it; malformed, oversized or wrong-role loads are refused and change nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearway.core.issues import ValidationFailed
from clearway.ecommerce import hs_history_store, service
from clearway.platform import audit
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.ecommerce.test_cli import run
from tests.unit.ecommerce.helpers import csv_bytes, parcel

CSV = {"Content-Type": "text/csv"}
HISTORY = (
    "title,hs_code,parcels\n"
    "Comfort Wedges Women Sandal,6402.99,40\n"
    "Party Wedges Women Heels,640299,35\n"
    "Casual wedges women slipper,640299,30\n"
    "Women cotton kurta straight,620444,50\n"
    "Women rayon kurta,620444,45\n"
)


def _manifest() -> bytes:
    return csv_bytes(
        [
            parcel("BOOK", description="New Wedges Women Sandal", hs_code="490199"),
            parcel("RIGHT", description="New Wedges Women Sandal", hs_code="640299"),
            parcel("KURTA", description="Women printed kurta long", hs_code="620444"),
        ]
    )


def _decisions(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as f:
        return {r["parcel_id"]: r for r in csv.DictReader(f)}


def test_load_the_history_then_screen_stored_and_streamed_then_clear(tmp_path: Path) -> None:
    (tmp_path / "history.csv").write_text(HISTORY)
    (tmp_path / "manifest.csv").write_bytes(_manifest())
    out = run(tmp_path, "history", "load", str(tmp_path / "history.csv"), "--reason", "carrier archive 2025").stdout
    assert "Loaded" in out and "5 of 5 past parcels" in out and "200" in out  # the history holds 200 parcels
    for extra in ([], ["--stream"]):
        target = tmp_path / f"decisions{len(extra)}.csv"
        run(tmp_path, "screen", str(tmp_path / "manifest.csv"), "--output", str(target), "--country", "PE", *extra)
        got = _decisions(target)
        assert "hs_implausible" in got["BOOK"]["flags"]
        assert "past parcels whose titles share" in got["BOOK"]["reasons"]
        assert "under HS 6402 and 0% under HS 4901" in got["BOOK"]["reasons"]
        assert "hs_implausible" not in got["RIGHT"]["flags"] and "hs_implausible" not in got["KURTA"]["flags"]
    assert "Removed 5" in run(tmp_path, "history", "clear").stdout
    target = tmp_path / "after.csv"
    run(tmp_path, "screen", str(tmp_path / "manifest.csv"), "--output", str(target), "--country", "PE")
    assert "past parcels" not in _decisions(target)["BOOK"]["reasons"]  # as without a history


def test_a_history_file_without_the_columns_is_refused_whole(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("name,code\nWedges,640299\n")
    result = run(tmp_path, "history", "load", str(tmp_path / "bad.csv"), check=False)
    assert result.returncode == 1
    assert "Refused" in result.stdout and "title" in result.stdout and "hs_code" in result.stdout


def test_only_supervisors_and_administrators_load_a_history_over_the_api(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    url = "/api/v1/ecommerce/hs-history?source=carrier-archive&reason=yearly%20load"
    for who in (tokens.broker, tokens.officer, tokens.agency):
        assert client.post(url, content=HISTORY.encode(), headers={**who, **CSV}).status_code == 403
    assert client.post(url, content=HISTORY.encode(), headers=CSV).status_code == 401
    with runtime.uow() as uow:
        assert hs_history_store.summary(uow)["pairs"] == 0  # nothing was stored by the refused calls
    body = HISTORY + "Broken row,12,\n,640299,\nMystery,64029,\nWedges,640299,-3\nx,640299,1,extra\n"
    r = client.post(url, content=body.encode(), headers={**tokens.supervisor, **CSV})
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["loaded"] == 5 and got["rejected"] == 5 and got["pairs"] == 5 and got["total_parcels"] == 200
    codes = sorted(i["code"] for i in got["issues"])
    assert codes == ["HS_INVALID", "HS_INVALID", "PARCELS_INVALID", "ROW_MALFORMED", "TITLE_REQUIRED"]
    with runtime.uow() as uow:
        entry = audit.entries(uow, action="ecommerce.hs_history.load")[-1]
    assert entry.actor == "supervisor.vega" or entry.role == "supervisor"
    assert entry.target == "hs_history:carrier-archive" and entry.reason == "yearly load"
    # the stored manifest path uses it
    manifest = client.post(
        "/api/v1/ecommerce/manifests?country=PE", content=_manifest(), headers={**tokens.broker, **CSV}
    )
    assert manifest.status_code == 201
    decisions = client.get(manifest.json()["links"]["decisions"], headers=tokens.officer).json()["data"]
    flags = {d["parcel_id"]: d for d in decisions}
    assert "hs_implausible" in flags["BOOK"]["flags"] and "past parcels" in flags["BOOK"]["reasons"]
    assert "hs_implausible" not in flags["RIGHT"]["flags"]
    assert client.post(url, content=b"title,hs_code\n", headers={**tokens.supervisor, **CSV}).status_code == 422
    wrong_media = client.post(
        url, content=HISTORY.encode(), headers={**tokens.supervisor, "Content-Type": "text/plain"}
    )
    assert wrong_media.status_code == 422


def test_oversized_and_overlong_files_are_refused_and_store_nothing(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.csv"
    path.write_text(HISTORY)
    with runtime.uow() as uow:
        monkeypatch.setattr(hs_history_store, "MAX_BYTES", 100)
        with pytest.raises(ValidationFailed) as too_large:
            hs_history_store.load_csv(uow, path, actor="cli:test", role=audit.CLI_ROLE)
        assert too_large.value.issues[0].code == "FILE_TOO_LARGE"
        monkeypatch.setattr(hs_history_store, "MAX_BYTES", 10**6)
        monkeypatch.setattr(hs_history_store, "MAX_ROWS", 3)
        with pytest.raises(ValidationFailed) as too_long:
            hs_history_store.load_csv(uow, path, actor="cli:test", role=audit.CLI_ROLE)
        assert too_long.value.issues[0].code == "TOO_MANY_ROWS"
        with pytest.raises(ValidationFailed) as wrong_role:
            hs_history_store.load_stream(uow, io.BytesIO(HISTORY.encode()), actor="x", role="declarant", source="s")
        assert wrong_role.value.issues[0].code == "ROLE_FORBIDDEN"
        garbage = io.BytesIO(b"\x00\xff\xfe binary \x89PNG\r\n\x1a\n")
        with pytest.raises(ValidationFailed) as not_csv:
            hs_history_store.load_stream(uow, garbage, actor="a", role="admin", source="s")
        assert {i.code for i in not_csv.value.issues} == {"HEADER"}
        huge = io.BytesIO(("title,hs_code\n" + "x" * 200_000 + ",640299\n").encode())
        with pytest.raises(ValidationFailed) as malformed:
            hs_history_store.load_stream(uow, huge, actor="a", role="admin", source="s")
        assert malformed.value.issues[0].code == "CSV_MALFORMED"
        only_bad = io.BytesIO(b"title,hs_code\n,640299\nshoes,12\n")
        with pytest.raises(ValidationFailed) as nothing:
            hs_history_store.load_stream(uow, only_bad, actor="a", role="admin", source="s")
        assert nothing.value.issues[0].code == "NOTHING_LOADED"
        monkeypatch.setattr(hs_history_store, "MAX_ROWS", 100)
        monkeypatch.setattr(hs_history_store, "MAX_PAIRS", 4)
        with pytest.raises(ValidationFailed) as too_many_pairs:
            hs_history_store.load_stream(uow, io.BytesIO(HISTORY.encode()), actor="a", role="admin", source="s")
        assert too_many_pairs.value.issues[0].code == "HISTORY_TOO_LARGE"
    with runtime.uow() as uow:  # the refused load was never committed
        assert hs_history_store.summary(uow)["pairs"] == 0
        assert hs_history_store.current(uow, runtime.caches) is None  # nothing loaded: screening as before


def test_the_model_is_rebuilt_when_the_stored_history_changes(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        hs_history_store.load_stream(uow, io.BytesIO(HISTORY.encode()), actor="a", role="admin", source="one")
        first = hs_history_store.current(uow, runtime.caches)
        assert first is not None and first.parcels == 200
        assert hs_history_store.current(uow, runtime.caches) is first  # cached
        more = "title,hs_code\nWomen rayon kurta,620444\n"
        hs_history_store.load_stream(uow, io.BytesIO(more.encode()), actor="a", role="admin", source="two")
        second = hs_history_store.current(uow, runtime.caches)
        assert second is not None and second is not first and second.parcels == 201
        report = service.screen_manifest(
            uow, io.BytesIO(_manifest()), source_name="m.csv", country="PE", submitted_by="t", caches=runtime.caches
        )
        assert report.flags["hs_implausible"] >= 1
