"""Property-based: whatever a trader sends, validation answers with issues (or accepts), never crashes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearway.core.codes import HsEntry, Nomenclature
from clearway.core.issues import ValidationFailed
from clearway.declarations import codec, rules
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
