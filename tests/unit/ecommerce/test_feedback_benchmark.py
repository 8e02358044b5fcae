"""The feedback-loop benchmark's simulated officer and its reading of the listings' true codes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "ecommerce_feedback.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_bench_ecommerce_feedback", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_officer_releases_an_ordinary_parcel_and_verifies_its_declared_code() -> None:
    assert _bench().officer_verdict("ordinary", "620444", None) == (True, "620444")
    assert _bench().officer_verdict("ordinary", " 6204440000 ", "950300") == (True, "620444")


def test_officer_holds_a_planted_code_and_verifies_the_listings_code_never_the_planted_one() -> None:
    verdict = _bench().officer_verdict
    assert verdict("hs", "490199", "851713") == (False, "851713")
    assert verdict("hs", "490199", None) == (False, None)  # the listing's code unknown: nothing verified


def test_officer_holds_other_fraud_and_never_verifies_a_malformed_code() -> None:
    verdict = _bench().officer_verdict
    assert verdict("undervalued", "640299", None) == (False, "640299")
    assert verdict("recalled", None, None) == (False, None)
    assert verdict("ordinary", "62.04", None) == (True, None)
    assert verdict("ordinary", "6204ab", None) == (True, None)
    assert verdict("ip", "", None) == (False, None)


def test_true_codes_leave_out_titles_whose_listings_disagree() -> None:
    got = _bench().true_codes(
        ["Mug A", "Mug A", "Shirt", "Shirt", "Lamp", "Book"],
        ["691200", "691200", "620520", "620444", None, "490199"],
    )
    assert got == {"Mug A": "691200", "Book": "490199"}
