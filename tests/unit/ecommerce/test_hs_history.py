"""The classification history as evidence for the HS check: a heading past parcels with such titles were never
declared under is implausible, said with the counts; a few poisoned rows, thin support or a single shared
word do not flag a right code; without a history the check is exactly as before."""

from __future__ import annotations

import polars as pl

from clearway.ecommerce import hs_check, hs_history, matching
from tests.unit.ecommerce.helpers import cfg

# Past parcels: (title, declared HS6, parcels)
PAST = [
    ("comfort wedges women sandal", "640299", 40),
    ("party wedges women heels", "640299", 35),
    ("casual wedges women slipper", "640299", 30),
    ("women cotton kurta straight", "620444", 50),
    ("women rayon kurta printed", "620444", 45),
    ("women kurta anarkali", "620444", 25),
    ("auto car mat universal", "870899", 60),
]


def _history(extra: list[tuple[str, str, int]] | None = None) -> hs_history.HsHistory:
    rows = PAST + (extra or [])
    return hs_history.HsHistory.build(
        pl.DataFrame(rows, schema={"desc_norm": pl.String, "hs6": pl.String, "parcels": pl.Int64}, orient="row")
    )


def _check(
    rows: list[tuple[str, str, str]], history: hs_history.HsHistory | None, **settings: float
) -> dict[str, str | None]:
    df = pl.DataFrame(rows, schema=["parcel_id", "desc_norm", "hs6"], orient="row")
    df = df.join(matching.title_chapters(df["desc_norm"]), on="desc_norm", how="left")
    found = dict(hs_check.implausible(df, cfg(**settings), None, "why", history).iter_rows())
    return {pid: found.get(pid) for pid, _, _ in rows}


def test_a_heading_never_declared_for_such_titles_is_flagged_with_what_the_history_shows() -> None:
    got = _check(
        [("P1", "new wedges women sandal", "490199"), ("P2", "women printed kurta long", "620620")], _history()
    )
    assert got["P1"] is not None
    assert got["P1"].startswith("HS 490199 is implausible for the description: of ")
    assert "past parcels whose titles share 'sandal', 'wedges'" in got["P1"] or "'wedges', 'women'" in got["P1"]
    assert "% were declared under HS 6402 and 0% under HS 4901" in got["P1"]
    # a neighbour heading of the right chapter (6206 blouses for a kurta the history puts under 6204)
    assert got["P2"] is not None and "under HS 6204" in got["P2"]
    # judged per chapter, the neighbour heading is plausible and the book still is not
    chapter = _check(
        [("P1", "new wedges women sandal", "490199"), ("P2", "women printed kurta long", "620620")],
        _history(),
        hs_history_level=2,
    )
    assert "under HS 64 and 0% under HS 49" in (chapter["P1"] or "") and chapter["P2"] is None


def test_the_heading_the_history_holds_is_not_flagged_and_an_unknown_title_is_not_judged() -> None:
    got = _check(
        [
            ("P1", "new wedges women sandal", "640299"),
            ("P2", "women printed kurta long", "620444"),
            ("P3", "mystery gizmo thing", "490199"),  # no key of the title has support
        ],
        _history(),
    )
    assert got == {"P1": None, "P2": None, "P3": None}


def test_the_exact_title_speaks_with_its_own_counts() -> None:
    got = _check([("P1", "auto car mat universal", "950300")], _history())
    assert got["P1"] is not None
    assert "of 60 past parcels with this very title, 100% were declared under HS 8708 and 0% under HS 9503" in got["P1"]


def test_a_few_poisoned_rows_do_not_flag_a_right_code() -> None:
    # someone loaded a handful of wedges under 4901, and a new word whose only history is poison
    poisoned = _history([("wedges women sandal", "490199", 3), ("zorblax gadget", "950300", 4)])
    got = _check(
        [("P1", "new wedges women sandal", "640299"), ("P2", "zorblax gadget mini", "851713")],
        poisoned,
    )
    assert got == {"P1": None, "P2": None}
    # nor do they vouch for the poisoned code: the lexicon's flag on a sandal declared as a book stays
    assert _check([("P3", "new wedges women sandal", "490199")], poisoned)["P3"] is not None


def test_a_code_some_supported_key_of_the_title_vouches_for_is_not_flagged() -> None:
    # "women" alone is declared under 6204 often: a wedge declared 6204 is not "never seen for such titles"
    got = _check([("P1", "wedges women sandal", "620444")], _history(), hs_history_ratio=0.02)
    assert "past parcels" not in (got["P1"] or "")  # (the lexicon still names 'sandal' as footwear)


def test_thin_support_is_no_evidence() -> None:
    thin = hs_history.HsHistory.build(
        pl.DataFrame(
            [("rare widget thing", "847330", 5), ("rare widget other", "847330", 4)],
            schema={"desc_norm": pl.String, "hs6": pl.String, "parcels": pl.Int64},
            orient="row",
        )
    )
    assert _check([("P1", "rare widget thing", "490199")], thin) == {"P1": None}
    # the same history speaks once the administration asks for less support (and less confidence: 5 parcels
    # smoothed by 5 are a share of 0.5)
    loose = _check(
        [("P1", "rare widget thing", "490199")],
        thin,
        hs_history_min_parcels=5,
        hs_history_min_titles=1,
        hs_history_confidence=0.5,
    )
    assert "past parcels" in (loose["P1"] or "")


def test_without_a_history_the_check_is_as_before_and_a_vouching_history_drops_the_lexicon_flag() -> None:
    rows = [("P1", "voylla fabric necklace", "540710"), ("P2", "voylla fabric necklace", "711719")]
    before = _check(rows, None)
    assert before["P1"] is not None and before["P2"] is None
    # carriers always declared this very title under 5407: the history vouches for it (majority)
    vouching = hs_history.HsHistory.build(
        pl.DataFrame(
            [("voylla fabric necklace", "540710", 40)],
            schema={"desc_norm": pl.String, "hs6": pl.String, "parcels": pl.Int64},
            orient="row",
        )
    )
    assert _check(rows, vouching)["P1"] is None
    assert _check(rows, vouching, hs_history_vouch=0.0)["P1"] == before["P1"]  # vouching off: as before


def test_judgements_are_cached_per_title_and_heading_and_redone_when_the_support_changes() -> None:
    history = _history()
    pairs = pl.DataFrame({"desc_norm": ["new wedges women sandal"] * 2, "hs6": ["490199", "490110"]})
    first = history.judge(pairs, cfg())
    assert len(history.cache) == 1  # one (title, heading)
    assert history.judge(pairs, cfg()).equals(first)
    looser = history.judge(pairs, cfg(hs_history_min_parcels=1000))
    assert looser["hist_key"].null_count() == 2  # no key has 1000 parcels


def test_a_habit_inside_the_chapter_does_not_overrule_the_nomenclature() -> None:
    from tests.unit.ecommerce.test_hs_check import _advisor

    # carriers declared earphones under 8517 (their category is "mobile accessories"); the nomenclature says 8518
    habit = hs_history.HsHistory.build(
        pl.DataFrame(
            [
                ("boat wireless earphones bluetooth", "851713", 40),
                ("jbl wireless earphones", "851713", 30),
                ("sony wireless earphones sport", "851713", 30),
            ],
            schema={"desc_norm": pl.String, "hs6": pl.String, "parcels": pl.Int64},
            orient="row",
        )
    )
    rows = [("RIGHT", "noise wireless earphones", "851830"), ("BOOK", "noise wireless earphones", "490199")]
    df = pl.DataFrame(rows, schema=["parcel_id", "desc_norm", "hs6"], orient="row")
    df = df.join(matching.title_chapters(df["desc_norm"]), on="desc_norm", how="left")
    advisor = _advisor()
    found = dict(hs_check.implausible(df, cfg(), advisor, "why", habit).iter_rows())
    assert "RIGHT" not in found  # the declared heading is the nomenclature's reading of the title
    assert "past parcels" in found["BOOK"]  # another chapter: the history speaks
    strict = dict(hs_check.implausible(df, cfg(hs_history_service_heading=0.0), advisor, "why", habit).iter_rows())
    assert "past parcels" in strict["RIGHT"]  # without the nomenclature's check the habit would flag it
