"""Scenario packs parse and draw as they say; pseudonyms are stable, keyed and reveal nothing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from clearway.core.issues import DomainError
from clearway.training import packs
from clearway.training.anonymise import Pseudonymiser, month_of, scrub


def test_the_four_shipped_courses_parse_in_every_language() -> None:
    courses = {c.id: c for c in packs.shipped()}
    assert set(courses) == {"undervaluation", "misclassification", "origin", "ip"}
    for c in courses.values():
        assert set(c.title) == set(c.summary) == {"en", "es", "pt", "fr"}
        assert c.budget.total < c.frauds + (c.size - c.frauds) and c.frauds == 4


def _pool() -> list[packs.Candidate]:
    out = []
    for i in range(40):
        out.append(
            packs.Candidate(
                f"c{i}",
                "610910" if i % 2 else "847130",
                "CN",
                "CN" if i % 3 else "VN",
                fraud=i < 20,
                kind=None,
                uv_ratio=-0.5 if i % 4 == 0 else 0.1,
            )
        )
    return out


def test_a_draw_takes_the_pack_s_share_of_eligible_frauds() -> None:
    course = packs.get("undervaluation")
    pool = {c.id: c for c in _pool()}
    chosen = course.draw(list(pool.values()), random.Random(1))
    assert len(chosen) == 16 and len(set(chosen)) == 16
    frauds = [pool[c] for c in chosen if pool[c].fraud]
    assert len(frauds) == 4 and all(f.uv_ratio is not None and f.uv_ratio < -0.2 for f in frauds)
    assert course.draw(list(pool.values()), random.Random(1)) == chosen  # seeded: reproducible


def test_recorded_kinds_decide_before_declared_data() -> None:
    course = packs.get("origin")
    assert course.eligible_fraud(packs.Candidate("a", "610910", "CN", "CN", True, "origin", None))
    assert not course.eligible_fraud(packs.Candidate("b", "610910", "CN", "VN", True, "undervaluation", None))
    assert course.eligible_fraud(packs.Candidate("c", "610910", "CN", "VN", True, None, None))


def test_a_bank_too_small_for_a_course_is_refused_clearly() -> None:
    with pytest.raises(DomainError) as caught:
        packs.get("ip").draw(_pool()[:5], random.Random(0))
    assert caught.value.code == "TRAINING_TOO_FEW_CASES" and "needs 4" in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: x\n", "draw"),
        ("id: x\ndraw: {cases: 10, fraud_share: 0.3, budget: {red: 5, yellow: 5}}\n", "every declaration"),
        ("id: x\ndraw: {cases: 10, fraud_share: 1.5, budget: {red: 1}}\n", "fraud_share"),
        ("!!python/object:os.system ls", "YAML"),
        (
            "id: x\ntitle: {en: X}\nsummary: {en: Y}\ndraw: {cases: 10, fraud_share: 0.3, budget: {red: 1}, where: {colour: red}}\n",
            "unknown test",
        ),
    ],
)
def test_a_malformed_or_hostile_pack_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text(text)
    with pytest.raises(DomainError) as caught:
        packs.load_file(path)
    assert expected in caught.value.message


def test_pseudonyms_are_stable_keyed_and_hide_the_identifier() -> None:
    p, other = Pseudonymiser("secret-a"), Pseudonymiser("secret-b")
    assert p("importer", "QLRUBN9") == p("importer", "QLRUBN9") != other("importer", "QLRUBN9")
    assert p("importer", "QLRUBN9") != p("declarant", "QLRUBN9")
    assert "QLRUBN9".lower() not in p("importer", "QLRUBN9") and p("importer", "") == ""
    assert p("case", "97061800").startswith("case-") and len(p("case", "97061800")) == 17


def test_free_text_loses_names_and_ids_and_dates_lose_the_day() -> None:
    text = scrub(
        "Shirts for Textiles Andinos SAC (RUC 20512345671), ref MRN 26PE1",
        ["Textiles Andinos SAC", "20512345671", "26PE1"],
    )
    assert "Andinos" not in text and "20512345671" not in text and "26PE1" not in text
    assert month_of("2020-03-17") == "2020-03"
