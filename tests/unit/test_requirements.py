"""Data requirements as data: the matrix decides what a category needs; validation reports all at once."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clearway.core.codes import HsEntry, Nomenclature
from clearway.declarations import messages, requirements, validation
from clearway.declarations.examples import example_declaration
from clearway.demo import generator

NOM = Nomenclature.of(HsEntry(c, "x", len(c)) for c in ("851713", "847130", "610910"))
TODAY = date(2026, 11, 30)
CTX = validation.CheckContext(NOM, today=TODAY)


def _codes(checked: validation.Checked) -> set[tuple[str, str]]:
    return {(i.code, i.pointer) for i in checked.issues}


def test_the_example_declaration_is_accepted_with_its_category() -> None:
    checked = validation.check(json.dumps(example_declaration()).encode(), CTX)
    assert checked.issues == [] and checked.data is not None
    assert checked.matrix is not None and checked.matrix.administration == "PE"


def test_four_mistakes_of_different_kinds_are_four_issues_in_plain_words() -> None:
    doc = example_declaration()
    doc["consignment"]["loading_place"] = "CNSHAX"  # too long
    doc["goods_items"][0]["quantity"] = False  # wrong type
    doc["invoice"]["currency"] = "XYZ"  # unknown code
    doc["goods_items"][1]["net_mass"] = "-4.000"  # negative net mass (accepted before)
    checked = validation.check(json.dumps(doc).encode(), CTX)
    by_pointer = {i.pointer: i for i in checked.issues}
    assert by_pointer["/consignment/loading_place"].message == "Loading place must be at most 5 characters long"
    assert by_pointer["/goods_items/0/quantity"].message == "Quantity must be a number"
    assert by_pointer["/invoice/currency"].code == "CODE_CURRENCY"
    assert by_pointer["/goods_items/1/net_mass"].code == "VALUE_NEGATIVE"
    assert checked.data is None


def test_a_wrong_type_never_hides_the_rules_on_other_fields() -> None:
    doc = example_declaration()
    doc["goods_items"][0]["quantity"] = False
    doc["goods_items"][1]["description"] = "gift"
    doc["goods_items"][2]["commodity_code"] = "999999"
    found = _codes(validation.check(json.dumps(doc).encode(), CTX))
    assert ("DESCRIPTION_TOO_VAGUE", "/goods_items/1/description") in found
    assert ("CODE_HS_UNKNOWN", "/goods_items/2/commodity_code") in found
    assert "Commodity code '999999' is not in the tariff" in next(
        i.message for i in validation.check(json.dumps(doc).encode(), CTX).issues if i.code == "CODE_HS_UNKNOWN"
    )


def test_a_short_loading_place_says_what_a_locode_looks_like() -> None:
    doc = example_declaration()
    doc["consignment"]["loading_place"] = "CN"
    (issue,) = validation.check(json.dumps(doc).encode(), CTX).issues
    assert issue.message == "Loading place must be a 5-character UN/LOCODE such as CNSHA; 'CN' is not"


def test_zero_quantity_and_net_mass_are_refused() -> None:
    doc = example_declaration()
    doc["goods_items"][0]["quantity"] = "0"
    doc["goods_items"][0]["net_mass"] = "0"
    found = _codes(validation.check(json.dumps(doc).encode(), CTX))
    assert ("QUANTITY_NOT_POSITIVE", "/goods_items/0/quantity") in found
    assert ("MASS_NOT_POSITIVE", "/goods_items/0/net_mass") in found


def test_values_are_derived_instead_of_demanded_and_say_where_from() -> None:
    doc = example_declaration()
    del doc["invoice"]["total_amount"], doc["total_items"], doc["total_packages"]
    for item in doc["goods_items"]:
        del item["valuation_method"], item["invoice_currency"]
    checked = validation.check(json.dumps(doc).encode(), CTX)
    assert checked.issues == [] and checked.data is not None
    derived = {d.pointer: d for d in checked.derived}
    assert derived["/invoice/total_amount"].value == "48750.00"
    assert "invoice_amount" in derived["/invoice/total_amount"].source
    assert derived["/goods_items/0/valuation_method"].value == "1"
    assert derived["/goods_items/0/invoice_currency"].source == "/invoice/currency"
    assert checked.data.invoice.total_amount == Decimal("48750.00")
    recorded = checked.data.extensions["requirements"]
    assert checked.category is not None and recorded["category"] == checked.category.id
    assert {d["pointer"] for d in recorded["derived"]} == set(derived)
    # Checking the accepted data again keeps its derivations (what the lodging pipeline records).
    again = validation.check(checked.data, CTX)
    assert {d.pointer for d in again.derived} >= set(derived)


def test_the_category_decides_what_is_required() -> None:
    doc = example_declaration()
    del doc["invoice"]["incoterm"]
    for item in doc["goods_items"]:
        item["procedure_code"] = "1000"
    ten = validation.check(json.dumps(doc).encode(), CTX)
    assert ten.category is not None and ten.category.id == "10"
    assert ("REQUIRED", "/invoice/incoterm") in _codes(ten)
    assert "Delivery terms (Incoterm) is required for 10 (importación para el consumo)" in ten.issues[0].message
    for item in doc["goods_items"]:
        item["procedure_code"] = "7000"
    seventy = validation.check(json.dumps(doc).encode(), CTX)
    assert seventy.category is not None and seventy.category.id == "70"
    assert seventy.issues == []


def test_nationality_of_the_means_is_required_only_at_sea_or_in_the_air() -> None:
    doc = example_declaration()
    del doc["consignment"]["means_nationality"]
    for item in doc["goods_items"]:
        item["procedure_code"] = "1000"
    sea = validation.check(json.dumps(doc).encode(), CTX)
    assert ("REQUIRED", "/consignment/means_nationality") in _codes(sea)
    assert "when the goods cross the border by sea or air" in sea.issues[0].message
    doc["consignment"]["transport_mode"] = 3
    assert validation.check(json.dumps(doc).encode(), CTX).issues == []


def test_an_element_not_allowed_in_a_category_is_refused(tmp_path: Path) -> None:
    own = tmp_path / "xx.yaml"
    own.write_text(
        "administration: PE\nversion: '1'\noffices: [PE]\ncategories:\n"
        "  - id: X\n    match: {}\n    elements:\n      invoice.freight: not_allowed\n",
        encoding="utf-8",
    )
    reqs = requirements.Requirements((requirements.load(own),), requirements.load(own))
    checked = validation.check(json.dumps(example_declaration()).encode(), validation.CheckContext(NOM, reqs, TODAY))
    assert ("NOT_ALLOWED", "/invoice/freight") in _codes(checked)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("administration: PE\ncategories: []\n", "list of 'categories'"),
        ("categories:\n  - id: A\n    elements: {colour: required}\n", "unknown element 'colour'"),
        ("categories:\n  - id: A\n    elements: {invoice.incoterm: maybe}\n", "requirement 'maybe'"),
        (
            "categories:\n  - id: A\n    elements: {invoice.incoterm: {requirement: conditional, when: moon}}\n",
            "needs 'when'",
        ),
    ],
)
def test_a_broken_matrix_is_refused_with_where_it_is_wrong(text: str, complaint: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(requirements.MatrixError, match=re.escape(complaint)):
        requirements.load(bad)


def test_an_administration_loads_its_own_matrix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "cl.yaml"
    own.write_text(
        "administration: CL\nversion: '2026.1'\noffices: [CL]\ncategories:\n"
        "  - id: CL-IM\n    name: importación\n    match: {type: IM}\n"
        "    elements:\n      goods_items.preference: required\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(requirements.ENV_FILES, str(own))
    doc = example_declaration()
    doc["office"] = "CLVAP"
    checked = validation.check(json.dumps(doc).encode(), validation.CheckContext(NOM, today=TODAY))
    assert checked.matrix is not None and checked.matrix.administration == "CL"
    assert ("REQUIRED", "/goods_items/0/preference") in _codes(checked)


def test_the_shipped_uk_matrix_tells_categories_apart() -> None:
    uk = requirements.shipped().for_office("GBLBA001")
    assert uk.administration == "GB"
    assert uk.category_for("IM", "A", ["4000"], 1).id == "H1"
    assert uk.category_for("IM", "D", ["7122"], 6).id == "H2"
    assert uk.category_for("IM", "A", ["5100"], 1).id == "H4"
    assert uk.category_for("IM", "A", ["4000"], 5).id == "H6"
    assert uk.category_for("IM", "F", ["4000"], 1).id == "I1"
    assert uk.category_for("IM", "J", ["0002"], 1).id == "C21"
    assert uk.category_for("IM", "Y", ["4000"], 1).id == "SUP"


def test_the_demo_lodges_every_sunat_regime_in_its_category() -> None:
    rng = random.Random(7)
    seen: dict[str, int] = {}
    for n in range(200):
        doc: dict[str, Any] = generator.declaration(rng, lrn=f"DEMO-{n}", arrival=TODAY)
        checked = validation.check(json.dumps(doc).encode(), CTX)
        regime = doc["goods_items"][0]["procedure_code"][:2]
        assert checked.category is not None and checked.category.id == regime
        seen[regime] = seen.get(regime, 0) + 1
    assert set(seen) == {"10", "20", "21", "70"}


def test_every_catalogue_template_is_a_plain_literal_with_named_fields() -> None:
    source = Path(messages.__file__).read_text(encoding="utf-8")
    assert source.count("N_(") >= len(messages.CATALOGUE) + len(messages.ELEMENTS)
    for template in messages.CATALOGUE.values():
        assert "{}" not in template and "%" not in template


def test_a_catalogue_message_is_translated_with_its_named_fields() -> None:
    spanish = {
        messages.CATALOGUE["SCHEMA_TYPE"]: "{element} debe ser {expected}",
        messages.ELEMENTS["goods_items.quantity"]: "Cantidad",
        messages.FORMATS["goods_items.quantity"]: "un número",
    }
    doc = example_declaration()
    doc["goods_items"][0]["quantity"] = False
    (found,) = validation.check(json.dumps(doc).encode(), CTX).issues
    assert found.message == "Quantity must be a number"
    assert messages.translate(found, lambda text: spanish.get(text, text)) == "Cantidad debe ser un número"
