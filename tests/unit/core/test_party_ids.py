"""Party identifiers: no control, invisible, bidirectional or look-alike characters; per-country shapes."""

from __future__ import annotations

import pytest

from clearway.core.ids import party_id_check_digits_ok, party_id_problem


@pytest.mark.parametrize(
    "good",
    [
        "PE20100047218",
        "PE12345678",
        "BR12345678000195",
        "MXABC010101AB1",
        "CL761234560",
        "CO900123455",
        "DE123456789012345",
        "CN91310000MA1FL",
        "GB123456789000",
        "US-EIN-12-3456789",
    ],
)
def test_acceptable_party_ids(good: str) -> None:
    assert party_id_problem(good) is None


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("PE2010004721\x00", "control"),
        ("PE20100047218\u200f", "invisible"),  # RIGHT-TO-LEFT MARK
        ("\u202ePE20100047218", "invisible"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u0420E20100047218", "non-ASCII"),  # CYRILLIC CAPITAL LETTER ER looks like P
        ("PE20100047218\u00a0", "non-ASCII"),
        ("PE2010004721", "shape of a PE"),  # 10 digits: neither RUC nor DNI
        ("BR1234567800019", "shape of a BR"),
        ("CL7612345", "shape of a CL"),
        ("DE1234567890123456", "EORI"),
        ("PE  20100047218", "letters, digits"),
        ("a<script>", "letters, digits"),
    ],
)
def test_refused_party_ids(bad: str, why: str) -> None:
    problem = party_id_problem(bad)
    assert problem is not None and why in problem


def test_check_digits_come_from_python_stdnum() -> None:
    assert party_id_check_digits_ok("PE20100047218") is True
    assert party_id_check_digits_ok("PE20100047219") is False
    assert party_id_check_digits_ok("CN91310000MA1FL") is None
