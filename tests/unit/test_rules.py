"""Validation rules over the domain model: each problem found, with its code and pointer."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from clearway.core.codes import HsEntry, Nomenclature
from clearway.declarations import codec, rules
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import DeclarationData
from clearway.declarations.schemas import DeclarationIn

NOMENCLATURE = Nomenclature.of(
    HsEntry(code, "x", len(code)) for code in ("85", "8517", "851713", "8471", "847130", "6109", "610910")
)
CTX = rules.RuleContext(NOMENCLATURE)


def example() -> DeclarationData:
    return codec.to_domain(DeclarationIn.model_validate(example_declaration(), strict=False))


def codes(data: DeclarationData) -> set[tuple[str, str]]:
    return {(i.code, i.pointer) for i in rules.validate(data, CTX)}


def test_the_example_declaration_is_valid() -> None:
    assert rules.validate(example(), CTX) == []


@pytest.mark.parametrize(
    "description",
    ["gift", "Parts", "SAMPLE", "general cargo", "  General  Cargo ", "spare parts", "x", "n/a"],
)
def test_descriptions_too_vague_to_control_are_rejected(description: str) -> None:
    assert rules.is_vague(description)


@pytest.mark.parametrize("description", ["Gift boxes of cardboard, folded", "Spare parts for Toyota engines: pistons"])
def test_precise_descriptions_that_mention_vague_words_pass(description: str) -> None:
    assert not rules.is_vague(description)


def test_unknown_subheading_and_national_lines() -> None:
    data = example()
    items = list(data.goods_items)
    items[0] = replace(items[0], commodity_code="85171399")  # national line under a known subheading
    items[1] = replace(items[1], commodity_code="847199")  # unknown subheading
    items[2] = replace(items[2], commodity_code="61091")  # wrong length
    found = codes(replace(data, goods_items=tuple(items)))
    assert ("CODE_HS_UNKNOWN", "/goods_items/1/commodity_code") in found
    assert ("CODE_HS_FORMAT", "/goods_items/2/commodity_code") in found
    assert not any(p == "/goods_items/0/commodity_code" for _, p in found)


def test_national_lines_are_checked_when_the_administration_loaded_them() -> None:
    nom = Nomenclature.of([*NOMENCLATURE.entries.values(), HsEntry("85171310", "national line", 8)])
    assert nom.knows("85171310")
    assert not nom.knows("85171399")
    assert nom.knows("851713")


def test_arithmetic_net_over_gross_sequence_and_totals() -> None:
    data = example()
    items = list(data.goods_items)
    items[0] = replace(items[0], net_mass=Decimal("91"), gross_mass=Decimal("90"))
    items[2] = replace(items[2], sequence=2)
    bad = replace(
        data,
        goods_items=tuple(items),
        total_items=4,
        total_packages=21,
        invoice=replace(data.invoice, total_amount=Decimal("48750.50")),
    )
    found = codes(bad)
    assert ("MASS_NET_EXCEEDS_GROSS", "/goods_items/0/net_mass") in found
    assert ("ITEM_SEQUENCE_DUPLICATE", "/goods_items/2/sequence") in found
    assert ("TOTAL_ITEMS_MISMATCH", "/total_items") in found
    assert ("TOTAL_PACKAGES_MISMATCH", "/total_packages") in found
    assert ("INVOICE_TOTAL_MISMATCH", "/invoice/total_amount") in found


def test_values_must_be_positive() -> None:
    data = example()
    items = list(data.goods_items)
    items[1] = replace(items[1], invoice_amount=Decimal(0), quantity=Decimal(0))
    found = codes(replace(data, goods_items=tuple(items)))
    assert ("VALUE_NOT_POSITIVE", "/goods_items/1/invoice_amount") in found
    assert ("QUANTITY_NOT_POSITIVE", "/goods_items/1/quantity") in found


def test_code_lists_countries_currencies_locodes_units_incoterms() -> None:
    data = example()
    items = list(data.goods_items)
    items[0] = replace(items[0], origin_country="XX", invoice_currency="USX", unit="BOX", procedure_code="40A0")
    bad = replace(
        data,
        goods_items=tuple(items),
        office="PE123",
        consignment=replace(data.consignment, loading_place="XXABC", transport_mode=11),
        invoice=replace(data.invoice, incoterm="FOX"),
        exporter=replace(data.exporter, country="ZZ"),
    )
    found = codes(bad)
    for expected in [
        ("CODE_COUNTRY", "/goods_items/0/origin_country"),
        ("CODE_CURRENCY", "/goods_items/0/invoice_currency"),
        ("CODE_UNIT", "/goods_items/0/unit"),
        ("CODE_PROCEDURE", "/goods_items/0/procedure_code"),
        ("CODE_OFFICE", "/office"),
        ("CODE_LOCODE", "/consignment/loading_place"),
        ("CODE_TRANSPORT_MODE", "/consignment/transport_mode"),
        ("CODE_INCOTERM", "/invoice/incoterm"),
        ("CODE_COUNTRY", "/exporter/country"),
    ]:
        assert expected in found


def test_every_rule_has_a_stable_unique_code() -> None:
    assert len({r.code for r in rules.RULES}) == len(rules.RULES)
    assert all(r.name for r in rules.RULES)
