"""Identifiers and code lists."""

from __future__ import annotations

from datetime import UTC, datetime

from clearway.core import codes
from clearway.core.ids import is_valid_mrn, mrn_check_character, new_mrn
from clearway.platform.logging import redact


def test_mrn_has_year_country_and_a_check_character() -> None:
    mrn = new_mrn("PE", datetime(2026, 3, 1, tzinfo=UTC))
    assert len(mrn) == 18 and mrn.startswith("26PE") and is_valid_mrn(mrn)
    wrong = mrn[:17] + str((int(mrn[17]) + 1) % 10)
    assert not is_valid_mrn(wrong)


def test_mrn_check_character_matches_the_iso6346_method() -> None:
    # 'A' is worth 10, 'B' 12 (11 is skipped); weights are powers of two.
    assert mrn_check_character("A") == str(10 % 11 % 10)
    assert mrn_check_character("0B") == str((0 + 12 * 2) % 11 % 10)


def test_code_lists() -> None:
    assert codes.is_country("PE") and not codes.is_country("XX")
    assert codes.is_currency("PEN") and not codes.is_currency("PEX")
    assert codes.is_locode("PECLL") and codes.is_locode("USLG2") and not codes.is_locode("PECL1")
    assert not codes.is_locode("XXABC")
    assert codes.is_hs_format("851713") and codes.is_hs_format("8517130000") and not codes.is_hs_format("8517130")


def test_tokens_never_reach_the_logs() -> None:
    line = redact("auth Bearer cw_abcdefghijklmnopqrstuvwxyz0123456789 for cw_ABCDEFGHIJKLMNOP")
    assert "ijklmnopqrstuvwxyz" not in line and "IJKLMNOP" not in line
