"""Property-based: whatever a trader sends, validation answers with issues (or accepts), never crashes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearway.core.codes import HsEntry, Nomenclature
from clearway.core.issues import ValidationFailed
from clearway.declarations import codec, rules, validation
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.deps import parse_json

NOM = Nomenclature.of(HsEntry(c, "x", len(c)) for c in ("851713", "847130", "610910"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(example_declaration())


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4))
def test_any_mutation_of_a_declaration_is_accepted_or_rejected_with_pointers(
    mutations: list[tuple[tuple[Any, ...], Any]],
) -> None:
    doc = example_declaration()
    for path, value in mutations:
        try:
            _set(doc, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        data = codec.to_domain(parse_json(DeclarationIn, json.dumps(doc).encode()))
    except ValidationFailed as exc:
        assert exc.issues and all(i.code and i.message for i in exc.issues)
        return
    for issue in rules.validate(data, rules.RuleContext(NOM)):
        assert issue.pointer.startswith("/") and issue.code and issue.message


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b"12", b'"x"', b"{", b"\xff\xfe", b'{"lrn": ' * 50])
def test_non_declarations_are_rejected_with_an_issue(body: bytes) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_json(DeclarationIn, body)
    assert info.value.issues


# For each field, values that are wrong whatever else is wrong: wrong types, lengths, formats, unknown
# codes, negative or zero amounts, vague text. Fields are independent: none is inside another.
BAD_VALUES: dict[tuple[Any, ...], list[Any]] = {
    ("type",): ["ZZ", 1],
    ("additional_type",): ["1", "AB"],
    ("lrn",): [True, "has spaces !", "x" * 40],
    ("office",): [12345, "ZZ999"],
    ("declarant", "country"): ["ZZ", 7],
    ("importer", "name"): ["", 5, None],
    ("exporter", "country"): ["Q1", []],
    ("consignment", "transport_mode"): ["one", True, 42],
    ("consignment", "means_nationality"): ["XX", "PAN"],
    ("consignment", "loading_place"): ["CN", "XXABC", 5],
    ("consignment", "discharge_place"): ["PE-CLL", 3.5],
    ("consignment", "arrival_date"): ["yesterday", 20261128],
    ("invoice", "incoterm"): ["FOX", 1],
    ("invoice", "currency"): ["XYZ", "usd1"],
    ("invoice", "freight"): ["-1.00", "free"],
    ("goods_items", 0, "description"): ["gift", 7],
    ("goods_items", 0, "commodity_code"): ["999999", "12ab"],
    ("goods_items", 0, "origin_country"): ["ZZ", False],
    ("goods_items", 0, "quantity"): [False, "-3", "zero"],
    ("goods_items", 0, "net_mass"): ["-1", "heavy"],
    ("goods_items", 0, "unit"): ["XXX", 3],
    ("goods_items", 0, "valuation_method"): ["9", 1],
    ("goods_items", 0, "procedure_code"): ["40", 4000],
    ("goods_items", 0, "packages", "count"): [-1, "ten"],
    ("goods_items", 1, "gross_mass"): [True, "-2"],
    ("goods_items", 1, "invoice_currency"): ["ABC", 840],
    ("goods_items", 1, "sequence"): [0, "2", 7],
    ("total_packages",): [-1, "x"],
}
CTX = validation.CheckContext(NOM)


def _points_at(issue_pointer: str, path: tuple[Any, ...]) -> bool:
    target = "/" + "/".join(str(p) for p in path)
    return issue_pointer == target or issue_pointer.startswith(target + "/")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_k_independent_mistakes_give_at_least_k_issues_pointing_at_them(data: st.DataObject) -> None:
    paths = data.draw(st.lists(st.sampled_from(sorted(BAD_VALUES, key=str)), min_size=1, max_size=8, unique=True))
    doc = example_declaration()
    for path in paths:
        _set(doc, path, data.draw(st.sampled_from(BAD_VALUES[path]), label=str(path)))
    checked = validation.check(json.dumps(doc).encode(), CTX)
    assert checked.data is None
    assert len(checked.issues) >= len(paths)
    for path in paths:
        assert any(_points_at(i.pointer, path) for i in checked.issues), (path, checked.issues)
    assert all(i.code and i.message and "{" not in i.message for i in checked.issues)
