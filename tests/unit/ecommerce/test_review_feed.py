"""The pieces of the review feed that need no database: the setting, the verified code's form, the API body, and
the history model's reading of one more verified parcel."""

from __future__ import annotations

import polars as pl
import pytest
from pydantic import ValidationError

from clearway.core.issues import ValidationFailed
from clearway.ecommerce import config, hs_history, hs_history_store
from clearway.ecommerce.schemas import ReviewIn
from tests.unit.ecommerce.helpers import cfg

SETTING = "CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS"


def test_the_feed_is_on_by_default_and_reads_on_or_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SETTING, raising=False)
    assert config.history_from_reviews() is True
    for value, expected in (("off", False), (" OFF ", False), ("Off", False), ("on", True), ("ON", True)):
        monkeypatch.setenv(SETTING, value)
        assert config.history_from_reviews() is expected, value


@pytest.mark.parametrize("value", ["maybe", "0", "false", ""])
def test_another_value_of_the_setting_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(SETTING, value)
    with pytest.raises(ValidationError, match="history_from_reviews"):
        config.history_from_reviews()


def test_a_verified_code_is_six_digits_and_nothing_else() -> None:
    assert hs_history_store.verified_form("640299") == "640299"
    assert hs_history_store.verified_form(" 640299\n") == "640299"
    for bad in (
        "12",
        "abcdef",
        "6402.99",
        "6402 99",
        "64029900",
        "64",
        "６４０２９９",
        "640299\n1",
        "1' OR '1'='1",
        "",
    ):
        with pytest.raises(ValidationFailed) as refused:
            hs_history_store.verified_form(bad)
        assert [(i.code, i.pointer) for i in refused.value.issues] == [("HS_INVALID", "/verified_hs")], bad


def test_the_review_body_is_strict() -> None:
    assert ReviewIn.model_validate({"release": True, "reason": "ok"}).verified_hs is None
    got = ReviewIn.model_validate({"release": False, "reason": "ok", "verified_hs": "640299"})
    assert got.verified_hs == "640299" and got.release is False
    for wrong in (
        {"release": True, "reason": "ok", "verified_hs": 640299},  # a number loses leading zeros: refused
        {"release": "yes", "reason": "ok"},
        {"release": True, "reason": ""},
        {"release": True, "reason": "ok", "hs_code": "640299"},
        {"release": True, "reason": "ok", "verified_hs": "6" * 21},
    ):
        with pytest.raises(ValidationError):
            ReviewIn.model_validate(wrong)


def test_one_verified_parcel_lifts_a_history_flag_on_its_title() -> None:
    """30 past parcels of a title under 3926: its sandal under 6403 is flagged; one verified parcel under 6403
    (what ``hs_history_store.verify`` adds) gives 6403 a share over ``hs_history_ratio`` and lifts the flag."""
    c = cfg()
    title = "zentro women wedge sandal"
    rows = pl.DataFrame({"desc_norm": [title], "hs6": ["392690"], "parcels": [30]})
    pair = pl.DataFrame({"desc_norm": [title], "hs6": ["640399"]})
    before = hs_history.HsHistory.build(rows).judge(pair, c).with_columns(flag=hs_history.rule(c))
    assert before["flag"].to_list() == [True] and before["hist_key"].to_list() == [f"t:{title}"]
    verified = pl.concat([rows, pl.DataFrame({"desc_norm": [title], "hs6": ["640399"], "parcels": [1]})])
    after = hs_history.HsHistory.build(verified).judge(pair, c).with_columns(flag=hs_history.rule(c))
    assert after["flag"].to_list() == [False]
    assert after["hist_declared_share"].to_list() == [round(1 / 31, 4)] and c.hs_history_ratio < 1 / 31
