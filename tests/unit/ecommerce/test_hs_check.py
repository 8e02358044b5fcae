"""The HS check: a declared code implausible for the title is flagged with the service's suggestions; a right
code, or an accessory under the accessory's heading, is not."""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl

from clearway.classification.model import Index
from clearway.core.codes import HsEntry
from clearway.ecommerce import hs_check, matching
from tests.conftest import shared_data
from tests.unit.ecommerce.helpers import by_id, cfg, csv_bytes, parcel, run

# A few real HS 2022 texts: enough for the suggestion index to tell phones, cases, jewellery, books, shoes.
_TEXTS = {
    "42": "Articles of leather; saddlery and harness; travel goods, handbags and similar containers",
    "4202": "Trunks, suit-cases, camera cases, handbags, wallets, spectacle cases and similar containers",
    "420232": "Cases and containers; with outer surface of sheeting of plastics or of textile materials",
    "420231": "Wallets, purses, key-pouches, cigarette-cases; with outer surface of leather",
    "49": "Printed books, newspapers, pictures and other products of the printing industry",
    "4901": "Printed books, brochures, leaflets and similar printed matter",
    "490199": "Printed matter; books, brochures, leaflets and similar, other than in single sheets",
    "64": "Footwear, gaiters and the like; parts of such articles",
    "6404": "Footwear with outer soles of rubber or plastics and uppers of textile materials",
    "640411": "Footwear; sports footwear, tennis shoes, basketball shoes, gym shoes, training shoes",
    "71": "Natural or cultured pearls, precious stones, precious metals; imitation jewellery; coin",
    "7117": "Imitation jewellery",
    "711719": "Jewellery; imitation, of base metal, necklaces, bracelets, earrings, rings",
    "85": "Electrical machinery and equipment; telephone sets, sound recorders",
    "8517": "Telephone sets, including smartphones and other telephones for cellular networks",
    "851713": "Telephone sets; smartphones for cellular or other wireless networks",
    "851830": "Headphones and earphones, whether or not combined with a microphone",
}


def _advisor() -> hs_check.Advisor:
    entries = [HsEntry(code, text, len(code), code[:-2] or None) for code, text in _TEXTS.items()]
    return hs_check.Advisor(Index(entries))


def _check(rows: list[tuple[str, str, str]], advisor: hs_check.Advisor) -> dict[str, str | None]:
    df = pl.DataFrame(rows, schema=["parcel_id", "desc_norm", "hs6"], orient="row")
    df = df.join(matching.title_chapters(df["desc_norm"]), on="desc_norm", how="left")
    found = dict(hs_check.implausible(df, cfg(), advisor, "why").iter_rows())
    return {pid: found.get(pid) for pid, _, _ in rows}


def test_a_title_with_an_obvious_chapter_and_a_wrong_code_is_flagged_with_the_suggestions() -> None:
    got = _check([("P1", "apple iphone 6s smartphone 64gb rose gold", "490199")], _advisor())
    reason = got["P1"]
    assert reason is not None
    assert "HS 490199 (chapter 49)" in reason
    assert "851713" in reason  # what the service suggests instead
    assert "smartphone" in reason  # the words that matched


def test_the_right_code_and_an_accessory_under_its_own_heading_are_not_flagged() -> None:
    advisor = _advisor()
    got = _check(
        [
            ("PHONE", "apple iphone 6s smartphone 64gb rose gold", "851713"),
            ("CASE", "leather case for iphone 6s", "420232"),
            ("NECKLACE", "voylla fabric necklace", "711719"),
            ("SHOES", "puma men s running shoes", "640411"),
        ],
        advisor,
    )
    assert got == dict.fromkeys(("PHONE", "CASE", "NECKLACE", "SHOES"))


def test_a_decoy_chapter_picked_by_a_word_of_the_title_is_not_waved_through_by_that_word() -> None:
    # "Fabric" points at textiles, but the title's goods are a necklace: the cheap stage must not pass it.
    pairs = pl.DataFrame({"parcel_id": ["P"], "desc_norm": ["voylla fabric necklace"], "hs6": ["600622"]})
    pairs = pairs.join(matching.title_chapters(pairs["desc_norm"]), on="desc_norm", how="left")
    view = hs_check.lexicon_view(pairs)
    assert view["lex_chapter"].to_list() == [False]


def test_each_title_and_code_is_scored_once_however_many_parcels_carry_it() -> None:
    advisor = _advisor()
    rows = [(f"P{i}", "apple iphone 6s smartphone 64gb", "490199") for i in range(500)]
    got = _check(rows, advisor)
    assert all(v is not None for v in got.values())
    assert advisor.scored_titles == 1
    _check(rows, advisor)
    assert advisor.scored_titles == 1  # cached


def test_without_the_service_the_lexicon_still_flags_and_says_the_service_is_missing(tmp_path: Path) -> None:
    rows = [parcel("BOOK", description="Zentro 5G smartphone 128GB", hs_code="490199")]
    _, decided = run(csv_bytes(rows), tmp_path)
    got = by_id(decided)["BOOK"]
    assert got["flags"] == "hs_implausible"
    assert "not available" in str(got["reasons"])


def test_a_neighbouring_heading_is_flagged_at_heading_level_only_where_the_service_is_confident() -> None:
    # A smartphone declared under headphones: the right chapter (85), so the chapter rule lets it pass; the
    # heading rule, when on, flags it because the suggestion is confident and names the heading it expects.
    rows = [("PHONE", "apple iphone 6s smartphone 64gb rose gold", "851830")]
    assert _check(rows, _advisor()) == {"PHONE": None}  # off by default: chapter level only
    df = pl.DataFrame(rows, schema=["parcel_id", "desc_norm", "hs6"], orient="row")
    df = df.join(matching.title_chapters(df["desc_norm"]), on="desc_norm", how="left")
    on = cfg(hs_heading_ratio=0.5, hs_heading_min_best=0.1, hs_heading_margin=0.9)
    reason = dict(hs_check.implausible(df, on, _advisor(), "why").iter_rows())["PHONE"]
    assert "HS 851830 (heading 8518)" in reason
    assert "confident in 851713" in reason
    # Not confident (a runner-up heading close to the first): chapter level decides, nothing is flagged.
    unsure = cfg(hs_heading_ratio=0.5, hs_heading_min_best=0.1, hs_heading_margin=0.0)
    assert hs_check.implausible(df, unsure, _advisor(), "why").is_empty()


@functools.cache
def _real_advisor() -> hs_check.Advisor:
    from clearway.reference.model import parse_hs_csv

    path = shared_data("hs", "harmonized-system.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        return hs_check.Advisor(Index(parse_hs_csv(f)))


def test_on_the_full_nomenclature_a_phone_as_a_book_is_flagged_and_a_phone_case_under_4202_is_not() -> None:
    advisor = _real_advisor()
    got = _check(
        [
            ("BOOK", "samsung galaxy j7 smartphone 16 gb black", "490199"),
            ("PHONE", "samsung galaxy j7 smartphone 16 gb black", "851713"),
            ("CASE", "sprint back cover for samsung galaxy j7", "420232"),
            ("BAG", "american tourister laptop backpack", "420292"),
        ],
        advisor,
    )
    assert got["BOOK"] is not None
    assert "8517" in got["BOOK"]  # the suggestion names telephone sets
    assert {k: v for k, v in got.items() if k != "BOOK"} == dict.fromkeys(("PHONE", "CASE", "BAG"))
