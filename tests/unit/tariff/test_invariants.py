"""Properties every assessment keeps, whatever the figures: exact shares, totals that add up, no negatives."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from clearway.tariff.model import CENT, apportion
from tests.unit.tariff.helpers import declaration, item, run

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)


@given(total=money, weights=st.lists(money, min_size=1, max_size=12))
def test_apportioned_shares_always_add_up_and_follow_the_weights(total: Decimal, weights: list[Decimal]) -> None:
    shares = apportion(total, weights)
    assert sum(shares) == total
    assert all(s >= 0 and s == s.quantize(CENT) for s in shares)
    whole = sum(weights)
    for s, w in zip(shares, weights, strict=True):
        assert abs(s - total * w / whole) < CENT  # never more than a cent from the exact share


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(money, min_size=1, max_size=6),
    freight=money,
    insurance=money,
    incoterm=st.sampled_from(["EXW", "FOB", "CFR", "CIF", "DAP"]),
)
def test_totals_are_the_sum_of_the_rounded_levies(
    amounts: list[Decimal], freight: Decimal, insurance: Decimal, incoterm: str
) -> None:
    codes = ["851713", "610910", "950300"]
    items = [item(k + 1, codes[k % 3], str(a)) for k, a in enumerate(amounts)]
    a = run(declaration(items, incoterm=incoterm, freight=str(freight), insurance=str(insurance)))
    levies = [lv for i in a.items for lv in i.levies] + list(a.declaration_levies)
    assert a.total == sum(lv.amount for lv in levies) == sum(a.totals.values())
    assert all(
        lv.amount >= 0 and lv.amount == lv.amount.quantize(Decimal("1") if lv.code == "TDA" else CENT) for lv in levies
    )
    # the customs value is the converted price plus the converted additions, to the cent
    assert a.customs_value == sum((x * Decimal("3.8")).quantize(CENT) for x in amounts) + (
        (freight * Decimal("3.8")).quantize(CENT) if incoterm in {"EXW", "FOB"} else 0
    ) + ((insurance * Decimal("3.8")).quantize(CENT) if incoterm in {"EXW", "FOB", "CFR"} else 0)
