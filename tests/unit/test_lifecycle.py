"""The declaration lifecycle: status codes traders know, transitions enforced, every change recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from clearway.core.issues import Conflict, Forbidden
from clearway.declarations import codec
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import Decision, Declaration, Role, Status
from clearway.declarations.schemas import DeclarationIn

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def accepted() -> Declaration:
    data = codec.to_domain(DeclarationIn.model_validate(example_declaration(), strict=False))
    decl = Declaration(id="d1", mrn="26PE0000000000000X", data=data, status=Status.RECEIVED, lodged_at=NOW)
    decl.record("accepted", at=NOW, actor="clearway", role=Role.SYSTEM, reason="ok", status_to=Status.ACCEPTED)
    return decl


def test_status_codes_are_the_national_ones() -> None:
    assert {s.value for s in Status} == {"01", "02", "03", "05", "06", "07", "08", "09", "10", "52"}


def test_a_decision_moves_the_status_and_records_who_when_why() -> None:
    decl = accepted()
    entry = decl.decide(Decision.PHYSICAL_CHECK, role=Role.OFFICER, at=NOW, actor="officer.rojas", reason="red lane")
    assert decl.status is Status.PHYSICAL_CHECK
    assert (entry.actor, entry.status_from, entry.status_to, entry.reason) == (
        "officer.rojas",
        Status.ACCEPTED,
        Status.PHYSICAL_CHECK,
        "red lane",
    )
    assert decl.history[-1] is entry


def test_released_goods_can_only_be_cleared() -> None:
    decl = accepted()
    decl.decide(Decision.RELEASE, role=Role.OFFICER, at=NOW, actor="o", reason="ok")
    assert decl.released_at == NOW
    with pytest.raises(Conflict):
        decl.decide(Decision.DETAIN, role=Role.OFFICER, at=NOW, actor="o", reason="too late")
    with pytest.raises(Conflict):
        decl.decide(Decision.INVALIDATE, role=Role.DECLARANT, at=NOW, actor="t", reason="cancel")
    decl.decide(Decision.CLEAR, role=Role.OFFICER, at=NOW, actor="o", reason="done")
    assert decl.status is Status.CLEARED


def test_roles_are_enforced() -> None:
    decl = accepted()
    with pytest.raises(Forbidden):
        decl.decide(Decision.RELEASE, role=Role.DECLARANT, at=NOW, actor="t", reason="please")
    decl.decide(Decision.DETAIN, role=Role.OFFICER, at=NOW, actor="o", reason="suspect")
    with pytest.raises(Forbidden):
        decl.decide(Decision.RELEASE, role=Role.OFFICER, at=NOW, actor="o", reason="fine")
    decl.decide(Decision.RELEASE, role=Role.SUPERVISOR, at=NOW, actor="s", reason="fine")
    assert decl.status is Status.RELEASED


def test_amendment_keeps_identity_and_lists_what_changed() -> None:
    decl = accepted()
    doc = example_declaration()
    doc["goods_items"][1]["quantity"] = "21"
    new = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
    entry = decl.amend(new, at=NOW, actor="t", reason="one more laptop")
    assert decl.status is Status.AMENDED and entry.data["changed"] == ["goods_items/2"]
    other = codec.to_domain(DeclarationIn.model_validate(example_declaration("OTHER-LRN"), strict=False))
    with pytest.raises(Conflict):
        decl.amend(other, at=NOW, actor="t", reason="switch")


def test_amend_replaces_the_data_records_the_changed_sections_and_keeps_the_identity() -> None:
    decl = accepted()
    new = replace(decl.data, office="PE0118")
    entry = decl.amend(new, at=NOW, actor="t", reason="office fixed", changes=[{"pointer": "/office"}])
    assert decl.data is new and decl.status is Status.AMENDED
    assert (entry.kind, entry.role, entry.status_from, entry.status_to) == (
        "amended",
        "declarant",
        Status.ACCEPTED,
        Status.AMENDED,
    )
    assert entry.data == {"changed": ["office"], "changes": [{"pointer": "/office"}]}
    with pytest.raises(Conflict, match="an amendment cannot change the LRN") as exc:
        decl.amend(replace(new, lrn="OTHER-LRN"), at=NOW, actor="t", reason="hijack")
    assert exc.value.code == "AMEND_IDENTITY" and decl.data is new


def test_completion_needs_a_provisional_acceptance_keeps_the_status_and_the_identity() -> None:
    decl = accepted()
    new = replace(decl.data, office="PE0118")
    with pytest.raises(Conflict) as refused:
        decl.complete(new, at=NOW, actor="t", reason="complete")
    assert refused.value.code == "NOT_PROVISIONAL"
    decl.record("provisional_acceptance", at=NOW, actor="clearway", role=Role.SYSTEM, reason="crisis relief")
    decl.decide(Decision.RELEASE, role=Role.OFFICER, at=NOW, actor="o", reason="ok")
    other = replace(new, declarant=replace(new.declarant, id="XX999"))
    with pytest.raises(Conflict, match="a completion cannot change the LRN") as exc:
        decl.complete(other, at=NOW, actor="t", reason="complete")
    assert exc.value.code == "AMEND_IDENTITY"
    entry = decl.complete(new, at=NOW, actor="t", reason="complete")
    assert decl.status is Status.RELEASED and decl.data is new and not decl.provisional_open
    assert (entry.kind, entry.status_from, entry.status_to, entry.data["changed"]) == (
        "completed",
        None,
        None,
        ["office"],
    )
