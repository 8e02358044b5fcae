"""The party-id check digit on lodging, per setting: off (not looked at), warn (accepted, warned), refuse."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from clearway.core.codes import HsEntry, Nomenclature
from clearway.declarations import rules, validation
from clearway.declarations.examples import example_declaration
from clearway.declarations.messages import Message
from clearway.declarations.model import DeclarationData

NOMENCLATURE = Nomenclature.of(
    HsEntry(code, "x", len(code)) for code in ("85", "8517", "851713", "8471", "847130", "6109", "610910")
)


def _doc(**parties: dict[str, Any]) -> dict[str, Any]:
    doc = example_declaration("PID-U-1")
    doc.update(parties)
    return doc


def _check(doc: dict[str, Any], mode: Any) -> validation.Checked:
    return validation.check(doc, validation.CheckContext(NOMENCLATURE, party_ids=mode))


BAD_EXPORTER = {"id": "BR33000167000102", "name": "Petrobras (mistyped)", "country": "BR"}


def test_the_example_and_the_demo_parties_pass() -> None:
    for mode in ("warn", "refuse"):
        checked = _check(example_declaration("PID-U-0"), mode)
        assert checked.ok and checked.warnings == []


def test_off_does_not_look() -> None:
    checked = _check(_doc(exporter=BAD_EXPORTER), "off")
    assert checked.ok and checked.warnings == []


def test_warn_accepts_and_says_which_party() -> None:
    checked = _check(_doc(exporter=BAD_EXPORTER), "warn")
    assert checked.ok and checked.data is not None
    (warning,) = checked.warnings
    assert (warning.code, warning.pointer) == ("PARTY_ID_CHECK_DIGIT", "/exporter/id")
    assert "Exporter identifier BR33000167000102 is not a valid CNPJ" in warning.message


def test_refuse_lists_it_with_the_other_issues_and_gives_no_expected_digit() -> None:
    doc = _doc(exporter=BAD_EXPORTER)
    doc["goods_items"][0]["origin_country"] = "XX"
    doc["representative"] = {**doc["representative"], "id": "PE20100047219"}
    checked = _check(doc, "refuse")
    assert not checked.ok and checked.warnings == []
    found = {(i.code, i.pointer) for i in checked.issues}
    assert ("PARTY_ID_CHECK_DIGIT", "/exporter/id") in found
    assert ("PARTY_ID_CHECK_DIGIT", "/representative/id") in found
    assert any(code == "CODE_COUNTRY" for code, _ in found)
    for issue in checked.issues:
        assert "BR33000167000101" not in issue.message and "PE20100047218" not in issue.message


def test_the_message_translates_with_its_element() -> None:
    (warning,) = _check(_doc(exporter=BAD_EXPORTER), "warn").warnings
    assert isinstance(warning, Message)
    spanish = {"Exporter identifier": "Identificación del exportador"}
    assert warning.translated(lambda s: spanish.get(s, s)).startswith("Identificación del exportador BR33")


def test_an_id_of_the_wrong_shape_is_reported_once_for_its_shape() -> None:
    checked = _check(_doc(exporter={"id": "BR3300016700010", "name": "x", "country": "BR"}), "refuse")
    codes = [(i.code, i.pointer) for i in checked.issues if i.pointer.startswith("/exporter")]
    assert len(codes) == 1 and codes[0][1] == "/exporter/id" and codes[0][0] != "PARTY_ID_CHECK_DIGIT"


@pytest.mark.parametrize("other", ["CN91310000MA1FL", "PE12345678", "AR30712345678", "DE123456789012345"])
def test_ids_without_a_known_check_digit_are_not_checked(other: str) -> None:
    checked = _check(_doc(exporter={"id": other, "name": "x", "country": other[:2]}), "refuse")
    assert not [i for i in checked.issues if i.code == "PARTY_ID_CHECK_DIGIT"]


def test_the_rule_reads_every_party_role() -> None:
    data = validation.check(example_declaration("PID-U-2"), validation.CheckContext(None)).data
    assert isinstance(data, DeclarationData)
    wrong = replace(
        data,
        declarant=replace(data.declarant, id="PE20100047219"),
        importer=replace(data.importer, id="PE20512345678"),
        exporter=replace(data.exporter, id="CO8999990682"),
    )
    assert [i.pointer for i in rules.party_id_check_digits(wrong)] == [
        "/declarant/id",
        "/importer/id",
        "/exporter/id",
    ]
