"""HS suggestions read descriptions in four languages, explain themselves, and abstain when they cannot choose."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from clearway.classification.model import Index
from clearway.classification.query import prepare
from clearway.reference.model import parse_hs_csv
from clearway.reference.seed import demo_nomenclature_path
from tests.conftest import shared_data

pytest.importorskip("sklearn")


@functools.cache
def _index(path: Path) -> Index:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return Index(parse_hs_csv(fh))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Camiseta de algodón para hombre", "610910"),
        ("Smartphone 6.5 pulgadas 128 GB dual SIM", "851713"),
        ("Ordinateur portable 14 pouces 16 Go", "847130"),
        ("Calça jeans masculina de algodão", "620342"),
        ("Men's analog wrist watch", "910211"),
    ],
)
def test_the_first_suggestion_on_the_demo_nomenclature(text: str, expected: str) -> None:
    s = _index(demo_nomenclature_path()).suggest(text)
    assert s.candidates[0].hs6 == expected
    assert len(s.candidates) == 5


def test_a_suggestion_explains_its_path_words_and_signals() -> None:
    s = _index(demo_nomenclature_path()).suggest("Camiseta de algodón para hombre")
    best = s.candidates[0]
    assert [code for code, _ in best.path] == ["61", "6109", "610910"]
    assert "cotton" in best.matched and "t-shirt" in best.matched
    assert "translated" in best.reason and "61 " in best.reason.split(" › ")[0]


def test_no_description_means_abstaining_with_a_question() -> None:
    s = _index(demo_nomenclature_path()).suggest("12345 !!")
    assert s.abstain and s.question


def test_translation_and_expansion_are_signalled() -> None:
    q = prepare("Sapatos de couro para mulher")
    assert {"footwear", "leather", "women"} <= set(q.words)
    assert any("translated" in sig for sig in q.signals)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("Camiseta de algodón para hombre", "6109"),
        ("Vestido de algodón para mujer", "6204"),
        ("Bolsa de couro feminina", "4202"),
        ("Montre analogique pour homme", "9102"),
        ("Café verde em grão arábica", "0901"),
        ("Women's full coverage bra", "6212"),
        ("Alloy necklace jewellery", "7117"),
        ("Ceramic coffee mug", "6912"),
    ],
)
def test_top_five_of_hs_2022_holds_the_right_heading(text: str, heading: str) -> None:
    s = _index(shared_data("hs", "harmonized-system.csv")).suggest(text)
    assert heading in {c.hs6[:4] for c in s.candidates}, [c.hs6 for c in s.candidates]


def test_batch_scores_rank_as_the_suggestion_does_head_noun_and_for_tail_included() -> None:
    # The e-commerce check scores thousands of titles at once through Index.scores: it must read a title
    # the way suggest does ("Back Cover for iPad" is a cover, not a tablet).
    ix = _index(demo_nomenclature_path())
    titles = ["Back cover for Samsung smartphone", "Camiseta de algodón para hombre", "Men's analog wrist watch"]
    dense = ix.scores(titles)
    for row, title in zip(dense, titles, strict=True):
        best = ix.suggest(title).candidates[0]
        assert ix.codes[int(row.argmax())] == best.hs6
        assert abs(float(row.max()) - best.score) < 1e-3
