"""Protocol packs are checked whole: every problem at once, with pointers; the shipped packs are valid and every
HS code they list is a subheading of the real HS 2022 nomenclature (../shared/data/hs)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clearway.crisis import pack_reader
from clearway.crisis.model import Line, match
from clearway.crisis.seed import packs_dir
from tests.conftest import shared_data

SHIPPED = sorted(packs_dir().glob("*.yaml"))


@pytest.fixture(scope="module")
def hs2022() -> set[str]:
    path = shared_data("hs", "harmonized-system.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {row["hscode"] for row in csv.DictReader(fh) if row["level"] == "6"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_code_of_the_shipped_packs_is_an_hs_2022_subheading(path: Path, hs2022: set[str]) -> None:
    pack, issues = pack_reader.read_pack(path.read_text(encoding="utf-8"), hs2022.__contains__)
    assert issues == [] and pack is not None
    assert pack.hs_codes() <= hs2022
    assert pack.sources and pack.legal_basis and {"es", "pt", "fr"} <= set(pack.titles)


def test_the_pandemic_pack_lists_the_who_categories_and_cites_its_edition() -> None:
    text = (packs_dir() / "pandemic-medical-supplies.yaml").read_text(encoding="utf-8")
    pack, _ = pack_reader.read_pack(text)
    assert pack is not None
    assert "3.01 edition" in " ".join(pack.sources)
    codes = pack.goods["medical_supplies"].codes
    for code in ("630790", "902000", "401512", "901920", "382219", "300241", "380894"):
        assert code in codes, code  # masks, respirators, gloves, ventilators, test kits, vaccines, disinfectants


def test_a_pack_with_an_unknown_hs_code_and_malformed_dates_is_refused_with_every_error(hs2022: set[str]) -> None:
    text = (packs_dir() / "pandemic-medical-supplies.yaml").read_text(encoding="utf-8")
    text = text.replace("start: 2026-01-01", "start: 2026-13-45").replace("end: 2030-12-31", "end: someday")
    text = text.replace('hs6: "902789"', 'hs6: "902780"')  # HS 2017's subheading, split in HS 2022
    text = text.replace('hs6: "630790", description: "Face masks, protective', 'hs6: "63079", description: "Face masks')
    pack, issues = pack_reader.read_pack(text, hs2022.__contains__)
    assert pack is None
    found = {(i.code, i.pointer) for i in issues}
    assert ("PACK_DATE", "/start") in found and ("PACK_DATE", "/end") in found
    assert ("PACK_HS_UNKNOWN", "/goods/medical_supplies/codes/2/hs6") in found
    assert ("PACK_HS_FORMAT", "/goods/medical_supplies/codes/5/hs6") in found
    assert all(i.message for i in issues)


def test_a_pack_that_waives_what_customs_must_know_or_breaks_its_own_references_is_refused() -> None:
    doc = {
        "id": "Bad Pack!",
        "version": "",
        "title": "x",
        "legal_basis": "law",
        "activation_reason": "why",
        "start": "2026-05-01",
        "end": "2026-04-01",
        "sources": ["s"],
        "surprise": 1,
        "consignees": {
            "orgs": {
                "parties": [{"id": "pe 123", "name": "Org"}, {"id": "PE1", "name": "A"}, {"id": "PE1", "name": "B"}]
            }
        },
        "measures": [
            {
                "id": "m1",
                "kind": "provisional_declaration",
                "title": "t",
                "consignees": "orgs",
                "waive": ["importer", "goods_items.commodity_code"],
                "complete_within_days": 0,
            },
            {"id": "m2", "kind": "priority_lane", "title": "t", "goods": "nowhere", "lane": "red"},
            {"id": "m3", "kind": "export_licence", "title": "t", "consignees": "orgs"},
            {"id": "m4", "kind": "teleport", "title": "t"},
        ],
    }
    from clearway.crisis.pack_check import parse_pack

    pack, issues = parse_pack(doc)
    assert pack is None
    codes = {(i.code, i.pointer) for i in issues}
    expected = {
        ("PACK_ID", "/id"),
        ("PACK_VERSION", "/version"),
        ("PACK_DATES", "/end"),
        ("PACK_UNKNOWN_FIELD", "/surprise"),
        ("PACK_PARTY_ID", "/consignees/orgs/parties/0/id"),
        ("PACK_DUPLICATE", "/consignees/orgs/parties/2/id"),
        ("PACK_NOT_WAIVABLE", "/measures/0/waive/0"),
        ("PACK_NOT_WAIVABLE", "/measures/0/waive/1"),
        ("PACK_DEADLINE", "/measures/0/complete_within_days"),
        ("PACK_LIST_UNKNOWN", "/measures/1/goods"),
        ("PACK_LANE", "/measures/1/lane"),
        ("PACK_SCOPE", "/measures/2/goods"),
        ("PACK_REQUIRED", "/measures/2/document_type"),
        ("PACK_MEASURE_KIND", "/measures/3/kind"),
        ("PACK_SCOPE", "/measures/3"),
    }
    assert expected <= codes, expected - codes


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: [*x, *x, *x]\n",  # aliases (billion laughs) are refused
        "id: [unclosed\n",
        "!!python/object:os.system {}\n",
        "just text",
        "",
    ],
)
def test_malicious_or_broken_yaml_is_refused_with_a_clear_issue(text: str) -> None:
    pack, issues = pack_reader.read_pack(text)
    assert pack is None and issues and all(i.code.startswith("PACK_") for i in issues)


def test_an_oversized_pack_is_refused_before_it_is_parsed() -> None:
    pack, issues = pack_reader.read_pack("x: " + "a" * (pack_reader.MAX_PACK_BYTES + 1))
    assert pack is None and issues[0].code == "PACK_TOO_LARGE"


def test_consignees_match_by_identifier_never_by_name_and_goods_by_subheading() -> None:
    pack, _ = pack_reader.read_pack((packs_dir() / "pandemic-medical-supplies.yaml").read_text(encoding="utf-8"))
    assert pack is not None
    priority = next(m for m in pack.measures if m.kind == "priority_lane")
    masks = [Line(1, "6307900010", "face masks")]  # a national line of 10 digits under 6307.90
    assert match(pack, priority, "PE20131371617", masks) is not None
    assert match(pack, priority, " pe20131371617 ", masks) is not None
    assert match(pack, priority, "Cruz Roja Peruana (demo id)", masks) is None
    assert match(pack, priority, "PE20131371618", masks) is None
    assert match(pack, priority, "PE20131371617", [Line(1, "851713", "phones")]) is None
