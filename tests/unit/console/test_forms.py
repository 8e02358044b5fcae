"""The declaration form maps to and from the JSON document; error pointers find their fields."""

from __future__ import annotations

from clearway.console import forms
from clearway.core.issues import Issue
from clearway.declarations.examples import example_declaration


def test_the_example_survives_a_round_trip_through_the_form() -> None:
    doc = example_declaration("RT-1")
    doc["goods_items"][0]["product_ids"] = ["SN-1", "SN-2"]
    values = forms.flatten(doc)
    assert values["goods_items.0.packages.count"] == "15"
    assert values["goods_items.0.product_ids"] == "SN-1, SN-2"
    assert forms.unflatten(values) == doc


def test_blank_fields_are_left_out_and_blank_rows_dropped() -> None:
    values = forms.flatten(example_declaration("RT-2"))
    values["importer.address"] = ""
    values["goods_items.5.description"] = "  "
    for name in forms.REPRESENTATIVE_FIELDS:
        values[f"representative.{name}"] = ""
    doc = forms.unflatten(values)
    assert "address" not in doc["importer"]
    assert len(doc["goods_items"]) == 3
    assert "representative" not in doc


def test_numbers_that_are_not_numbers_are_passed_on_for_the_schema_to_name() -> None:
    values = {"consignment.transport_mode": "ship", "goods_items.0.sequence": "2", "total_items": "x1"}
    doc = forms.unflatten(values)
    assert doc["consignment"]["transport_mode"] == "ship"
    assert doc["goods_items"][0]["sequence"] == 2
    assert doc["total_items"] == "x1"


def test_pointers_map_to_field_names() -> None:
    assert forms.field_name("/goods_items/0/packages/count") == "goods_items.0.packages.count"
    assert forms.field_name("/declaration/invoice/currency") == "invoice.currency"
    assert forms.field_name("") == ""


def test_issues_are_split_between_fields_on_the_form_and_the_rest() -> None:
    fields = forms.form_fields(item_rows=1, document_rows=1)
    issues = [
        Issue("CODE_HS_UNKNOWN", "unknown", "/goods_items/0/commodity_code"),
        Issue("CODE_HS_UNKNOWN", "unknown too", "/goods_items/4/commodity_code"),
        Issue("TOTAL_ITEMS_MISMATCH", "totals", "/total_items"),
        Issue("MEDIA_TYPE", "bad type", ""),
    ]
    by_field, elsewhere = forms.errors_by_field(issues, fields)
    assert by_field == {"goods_items.0.commodity_code": ["unknown"], "total_items": ["totals"]}
    assert [i.message for i in elsewhere] == ["unknown too", "bad type"]


def test_row_counts() -> None:
    assert forms.row_count({}, "goods_items") == 1
    assert forms.row_count({"goods_items.2.unit": "KGM", "documents.0.type": "N935"}, "goods_items") == 3
