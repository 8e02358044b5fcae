"""Amendments and completions: the trader replaces the declared data, validated like a new lodgement, kept as a new
version and assessed again. Services never commit."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from clearway.core.codes import Nomenclature
from clearway.core.ids import CheckDigits
from clearway.core.issues import Conflict, DomainError, Issue, ValidationFailed
from clearway.declarations import codec, phrases, store, validation
from clearway.declarations.common import SYSTEM, get_visible, record_party_id_warnings
from clearway.declarations.decisions import try_release
from clearway.declarations.events import DeclarationAmended, DeclarationCompleted
from clearway.declarations.model import Declaration, DeclarationData, Lane
from clearway.declarations.ports import Assessment, Routing
from clearway.mandates import service as mandates_service
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork


def amend(
    uow: UnitOfWork,
    mrn: str,
    new_data: DeclarationData,
    *,
    principal: Principal,
    reason: str,
    nomenclature: Nomenclature,
    expected_version: int | None = None,
    media_type: str = "application/json",
    message: str | None = None,
    party_ids: CheckDigits = "warn",
) -> Declaration:
    """Replaces the declared data before any control, after validating it like a new lodgement.

    The previous version stays (``declaration_versions``), the history lists every changed field with its old
    and new value, and the declaration is assessed and routed again; a green one is released if nothing blocks.
    """
    decl = get_visible(uow, mrn, principal)
    if not principal.is_trader:
        raise DomainError("only the trader amends its declaration; officers decide", code="FORBIDDEN")
    if expected_version is not None and expected_version != decl.version:
        raise Conflict(
            f"declaration {decl.mrn} is at version {decl.version}, not {expected_version}",
            code="CONCURRENT_UPDATE",
        )
    decl.ensure_amendable()
    new_data, warnings = _check_replacement(uow, principal, new_data, nomenclature, party_ids)
    now = uow.clock()
    old_document = codec.to_json(decl.data)
    if old_document.get("extensions") and not new_data.extensions:
        # A JSON amendment of an XML-lodged declaration keeps the data of the original message it does not cover.
        new_data = replace(new_data, extensions=decl.data.extensions)
    new_document = codec.to_json(new_data)
    changes = codec.field_changes(old_document, new_document)
    decl.amend(new_data, at=now, actor=principal.user, reason=reason, changes=changes)
    record_party_id_warnings(decl, warnings, at=now)
    _keep_version(uow, decl, "amended", media_type, message, new_document, principal.user, reason, now)
    for routing in uow.ports.all(Routing):
        routing.route(uow, decl)
    store.flush_history(uow.conn, decl)
    uow.publish(DeclarationAmended.of(decl, at=now, actor=principal.user, changes=tuple(changes)))
    if decl.lane is Lane.GREEN:
        try_release(uow, decl, actor=SYSTEM, reason=phrases.AMENDED_RELEASED())
    return decl


def complete(
    uow: UnitOfWork,
    mrn: str,
    new_data: DeclarationData,
    *,
    principal: Principal,
    reason: str,
    nomenclature: Nomenclature,
    media_type: str = "application/json",
    party_ids: CheckDigits = "warn",
) -> Declaration:
    """Completes a declaration accepted provisionally, before or after release, with data that passes validation.

    The complete data is validated like a new lodgement (no relief this time), kept as a new version, assessed
    again; the history lists every changed field. An amendment before release completes it as well.
    """
    decl = get_visible(uow, mrn, principal)
    if not principal.is_trader:
        raise DomainError("only the trader completes its declaration", code="FORBIDDEN")
    new_data, warnings = _check_replacement(uow, principal, new_data, nomenclature, party_ids)
    now = uow.clock()
    old_document = codec.to_json(decl.data)
    new_document = codec.to_json(new_data)
    changes = codec.field_changes(old_document, new_document)
    decl.complete(new_data, at=now, actor=principal.user, reason=reason, changes=changes)
    record_party_id_warnings(decl, warnings, at=now)
    _keep_version(uow, decl, "completed", media_type, None, new_document, principal.user, reason, now)
    store.flush_history(uow.conn, decl)
    uow.publish(DeclarationCompleted.of(decl, at=now, actor=principal.user, changes=tuple(changes)))
    if decl.lane is Lane.GREEN:
        try_release(uow, decl, actor=SYSTEM, reason=phrases.COMPLETED_RELEASED())
    return decl


def _keep_version(
    uow: UnitOfWork,
    decl: Declaration,
    kind: str,
    media_type: str,
    message: str | None,
    document: dict[str, Any],
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    """Saves the replaced data as a new version of the declaration and has every assessment look at it again."""
    store.save(uow.conn, decl, now)
    store.add_version(
        uow.conn,
        decl,
        kind=kind,
        media_type=media_type,
        message=message,
        document=document,
        payload_hash=codec.payload_hash(document),
        at=now,
        actor=actor,
        reason=reason,
    )
    for assessment in uow.ports.all(Assessment):
        assessment.assess(uow, decl)


def _check_replacement(
    uow: UnitOfWork, principal: Principal, new_data: DeclarationData, nomenclature: Nomenclature, party_ids: CheckDigits
) -> tuple[DeclarationData, list[Issue]]:
    """Validates the new data of an amendment or completion like a lodgement (no relief), with the parties' mandates.

    Returns the checked data and its party-id warnings; any issue refuses it, located under ``/declaration``.
    """
    mandate_issues = mandates_service.check_declaration_parties(uow, principal, new_data)
    checked = validation.check(
        new_data, validation.CheckContext(nomenclature, today=uow.clock().date(), party_ids=party_ids)
    )
    issues = mandate_issues + checked.issues
    if issues or checked.data is None:
        raise ValidationFailed([Issue(i.code, i.message, "/declaration" + i.pointer) for i in issues])
    return checked.data, checked.warnings
