"""HS 2017 → HS 2022: old codes read as what the 2022 amendments made of them; the table checked against data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clearway.core.issues import DomainError
from clearway.reference import hs_correlation
from clearway.reference.hs_correlation import parse

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def test_split_codes_map_to_every_successor_and_unchanged_codes_to_themselves() -> None:
    assert hs_correlation.to_hs2022("851712") == ("851713", "851714")
    assert hs_correlation.to_hs2022("85171200") == ("851713", "851714")  # national lines read at 6 digits
    assert hs_correlation.to_hs2022("220421") == ("220421",)
    assert hs_correlation.same_goods("620193", "620140")  # men's anoraks of man-made fibres merged into 6201.40
    assert not hs_correlation.same_goods("620193", "620130")
    assert hs_correlation.same_goods("851713", "851713")


def test_a_bad_table_is_refused_with_every_bad_row() -> None:
    with pytest.raises(DomainError) as err:
        parse(["hs2017,hs2022", "8517,851713", "851712,85171X", "851712,851714"])
    assert "row 2: hs2017 must be 6 digits" in err.value.message and "row 3: hs2022" in err.value.message
    with pytest.raises(DomainError, match="header"):
        parse(["old,new", "851712,851713"])


def test_an_administrations_full_table_completes_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    more = tmp_path / "wco.csv"
    more.write_text("hs2017,hs2022,note\n010619,010641,bees\n010619,010649,other insects\n", encoding="utf-8")
    monkeypatch.setenv(hs_correlation.ENV_FILE, str(more))
    assert hs_correlation.to_hs2022("010619") == ("010641", "010649")
    assert hs_correlation.to_hs2022("851712") == ("851713", "851714")  # the shipped rows still hold


@pytest.mark.skipif(not (SHARED / "hs").is_dir(), reason="../shared/data/hs (HS 2022 nomenclature) is not here")
def test_every_target_is_an_hs_2022_subheading_and_every_source_is_gone() -> None:
    with (SHARED / "hs" / "harmonized-system.csv").open(encoding="utf-8") as fh:
        hs2022 = {r["hscode"] for r in csv.DictReader(fh) if r["level"] == "6"}
    table = hs_correlation.current()
    assert len(table) >= 70
    for old, new in table.targets.items():
        assert old not in hs2022, f"{old} still exists in HS 2022: it needs no correlation"
        assert set(new) <= hs2022, f"{old} → {new}: not every target is an HS 2022 subheading"


@pytest.mark.skipif(not (SHARED / "kcs").is_dir(), reason="../shared/data/kcs (KCS declarations) is not here")
@pytest.mark.skipif(not (SHARED / "hs").is_dir(), reason="../shared/data/hs (HS 2022 nomenclature) is not here")
def test_every_hs_2017_code_of_the_kcs_history_has_a_successor() -> None:
    with (SHARED / "hs" / "harmonized-system.csv").open(encoding="utf-8") as fh:
        hs2022 = {r["hscode"] for r in csv.DictReader(fh) if r["level"] == "6"}
    old: set[str] = set()
    for name in ("df_syn_train_eng.csv", "df_syn_valid_eng.csv"):
        with (SHARED / "kcs" / name).open(encoding="utf-8") as fh:
            old |= {r["HS6 Code"].zfill(6) for r in csv.DictReader(fh)} - hs2022
    table = hs_correlation.current()
    assert old and all(table.changed(code) for code in old), sorted(c for c in old if not table.changed(c))
    assert all(set(table.to_hs2022(code)) <= hs2022 for code in old)
