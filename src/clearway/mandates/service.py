"""Mandate use cases: grant, revoke, list; and the questions other capabilities ask. Never commits.

``may_act_for`` and ``check_declaration_parties`` are what the clearance core (lodging, amendment), the
tariff (guarantee and deferment accounts) and the single window (permits) ask before a party acts for another.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from clearway.core.issues import Conflict, Forbidden, Issue, NotFound, ValidationFailed
from clearway.mandates import store
from clearway.mandates.model import ALL, Mandate, valid_party_id, valid_procedure
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

if TYPE_CHECKING:
    from clearway.declarations.model import DeclarationData

CUSTOMS = frozenset({"officer", "supervisor", "admin"})
MAX_PROCEDURES = 20


def may_act_for(
    uow: UnitOfWork, agent_party: str | None, principal_party: str, *, procedure: str | None, at: datetime
) -> bool:
    """Tells whether an agent party may act for a principal party at a moment, for a procedure.

    A party always acts for itself. Otherwise a mandate from the principal to the agent must be in force at
    ``at`` (started, not expired, not revoked by then) and cover the procedure; ``procedure=None`` asks about
    any procedure at all.
    """
    if agent_party is None:
        return False
    if agent_party == principal_party:
        return True
    return any(m.in_force(at) and m.covers(procedure) for m in store.between(uow.conn, agent_party, principal_party))


def may_act_for_all(
    uow: UnitOfWork, agent_party: str | None, principal_party: str, *, procedures: Iterable[str], at: datetime
) -> bool:
    """Tells whether an agent may act for a principal for every one of some procedures (or any, if none)."""
    if agent_party is None:
        return False
    if agent_party == principal_party:
        return True
    found = [m for m in store.between(uow.conn, agent_party, principal_party) if m.in_force(at)]
    wanted: list[str | None] = [*procedures] or [None]
    return all(any(m.covers(p) for m in found) for p in wanted)


EXPORT_PROCEDURES = frozenset({"10", "11", "21", "22", "23", "31"})  # first two digits (UCC Annex B, DE 1/10)


def is_export(declaration_type: str, procedures: Sequence[str]) -> bool:
    """Tells whether a declaration exports goods: type EX, or (not an import) every procedure is an export one.

    An import (type IM) is never an export, whatever its codes: SUNAT's regime 10 is import for consumption,
    while the EU's 10xx procedures are exports.
    """
    kind = declaration_type.upper()
    if kind.startswith("EX"):
        return True
    if kind.startswith("IM"):
        return False
    return bool(procedures) and all(len(p) == 4 and p[:2] in EXPORT_PROCEDURES for p in procedures)


def check_declaration_parties(uow: UnitOfWork, principal: Principal, data: DeclarationData) -> list[Issue]:
    """Returns why a trader may not lodge (or amend to) this declaration's parties; empty when it may.

    The caller must be the declarant or its representative, and may name as declarant and as importer
    (importer, or exporter on an export) only itself or a party whose mandate to it is in force now for every
    procedure of the goods. Officers,
    administrators and the platform itself are not traders and are not checked here.
    """
    if not principal.is_trader:
        return []
    party = principal.party_id
    issues: list[Issue] = []
    rep = data.representative.id if data.representative else None
    if party not in {data.declarant.id, rep}:
        issues.append(
            Issue(
                "DECLARANT_NOT_CALLER",
                f"you lodge for party {party}; the declarant (or representative) must be that party",
                "/declarant/id",
            )
        )
    at = uow.clock()
    procedures = sorted({item.procedure_code for item in data.goods_items})
    # The party the declarant acts for: the exporter on an export (the importer is then the consignee abroad).
    trader = (
        ("exporter", "/exporter/id", data.exporter.id)
        if is_export(data.type, procedures)
        else ("importer", "/importer/id", data.importer.id)
    )
    for role, where, named in (("declarant", "/declarant/id", data.declarant.id), trader):
        if named == party:
            continue
        if not may_act_for_all(uow, party, named, procedures=procedures, at=at):
            scope = f" for procedure {', '.join(procedures)}" if procedures else ""
            issues.append(
                Issue(
                    "NO_MANDATE",
                    f"party {named} has given you no mandate in force{scope}: you may name as {role} only "
                    "yourself or a party that mandated you (ask it to grant one: POST /api/v1/mandates)",
                    where,
                )
            )
    return issues


def _issues_of_grant(
    principal_party: str, agent_party: str, procedures: Sequence[str], valid_from: datetime, valid_to: datetime | None
) -> list[Issue]:
    issues = []
    if not valid_party_id(principal_party):
        issues.append(Issue("PARTY_ID", "a party id is 2 to 40 ASCII capital letters and digits", "/principal_id"))
    if not valid_party_id(agent_party):
        issues.append(Issue("PARTY_ID", "a party id is 2 to 40 ASCII capital letters and digits", "/agent_id"))
    if principal_party == agent_party:
        issues.append(Issue("MANDATE_SELF", "a party needs no mandate to act for itself", "/agent_id"))
    if not procedures or len(procedures) > MAX_PROCEDURES:
        issues.append(Issue("PROCEDURES", f"name 1 to {MAX_PROCEDURES} procedures, or 'all'", "/procedures"))
    for i, p in enumerate(procedures):
        if not valid_procedure(p):
            issues.append(
                Issue(
                    "PROCEDURE_CODE", f"'{p}' is neither 'all' nor a 2- or 4-digit procedure code", f"/procedures/{i}"
                )
            )
    if valid_to is not None and valid_to <= valid_from:
        issues.append(Issue("VALIDITY", "valid_to must be after valid_from", "/valid_to"))
    return issues


def grant(
    uow: UnitOfWork,
    principal: Principal,
    *,
    principal_party: str,
    agent_party: str,
    procedures: Sequence[str],
    valid_from: datetime | None,
    valid_to: datetime | None,
    reason: str,
    evidence: str | None = None,
) -> Mandate:
    """Grants a mandate: a trader for its own party only; an administrator on evidence, with a reason."""
    if principal.is_trader:
        if principal.party_id != principal_party:
            raise Forbidden("a trader grants mandates for its own party only; an administrator registers others")
    elif principal.role != "admin":
        raise Forbidden("only the principal party (a declarant) or an administrator grants a mandate")
    now = uow.clock()
    start = valid_from or now
    issues = _issues_of_grant(principal_party, agent_party, procedures, start, valid_to)
    if not reason.strip():
        issues.append(Issue("REASON_REQUIRED", "say why the mandate is granted", "/reason"))
    if principal.role == "admin" and not (evidence or "").strip():
        issues.append(
            Issue(
                "EVIDENCE_REQUIRED", "an administrator registers a mandate on evidence: cite the document", "/evidence"
            )
        )
    if issues:
        raise ValidationFailed(issues)
    scope = (ALL,) if ALL in procedures else tuple(sorted(set(procedures)))
    mandate = Mandate(
        id=str(uuid.uuid4()),
        principal_id=principal_party,
        agent_id=agent_party,
        procedures=scope,
        valid_from=start,
        valid_to=valid_to,
        granted_by=principal.user,
        granted_role=principal.role,
        granted_at=now,
        reason=reason.strip(),
        evidence=(evidence or "").strip() or None,
    )
    store.insert(uow.conn, mandate)
    store.add_event(
        uow.conn,
        mandate_id=mandate.id,
        kind="granted",
        actor=principal.user,
        role=principal.role,
        at=now,
        reason=mandate.reason,
        data=as_dict(mandate, now),
    )
    return mandate


def revoke(uow: UnitOfWork, principal: Principal, mandate_id: str, *, reason: str) -> Mandate:
    """Revokes a mandate now: its principal, its agent (renouncing it) or an administrator, with a reason."""
    mandate = store.get(uow.conn, mandate_id, lock=True)
    if mandate is None or not can_see(principal, mandate):
        raise NotFound(f"no mandate {mandate_id}")
    if not (principal.role == "admin" or (principal.is_trader and mandate.concerns(principal.party_id))):
        raise Forbidden("only the principal, the agent or an administrator revokes a mandate")
    if not reason.strip():
        raise ValidationFailed([Issue("REASON_REQUIRED", "say why the mandate is revoked", "/reason")])
    now = uow.clock()
    before = as_dict(mandate, now)
    if not store.set_revoked(uow.conn, mandate.id, at=now, by=principal.user, reason=reason.strip()):
        raise Conflict(f"mandate {mandate_id} is already revoked", code="MANDATE_REVOKED")
    store.add_event(
        uow.conn,
        mandate_id=mandate.id,
        kind="revoked",
        actor=principal.user,
        role=principal.role,
        at=now,
        reason=reason.strip(),
        data={"before": before["status"], "after": "revoked"},
    )
    revoked = store.get(uow.conn, mandate.id)
    assert revoked is not None
    return revoked


def can_see(principal: Principal, mandate: Mandate) -> bool:
    """Tells whether the caller may see a mandate: its principal, its agent, or customs staff."""
    if principal.role in CUSTOMS:
        return True
    return principal.is_trader and mandate.concerns(principal.party_id)


def get_visible(uow: UnitOfWork, mandate_id: str, principal: Principal) -> tuple[Mandate, list[dict[str, Any]]]:
    """Returns a mandate the caller may see and its history; anyone else's answers 404."""
    mandate = store.get(uow.conn, mandate_id)
    if mandate is None or not can_see(principal, mandate):
        raise NotFound(f"no mandate {mandate_id}")
    return mandate, store.events(uow.conn, [mandate.id])


def list_visible(
    uow: UnitOfWork, principal: Principal, *, party: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Mandate], int]:
    """Lists the mandates the caller may see: a trader those it gave or holds; customs staff all (or a party's)."""
    if principal.is_trader:
        return store.list_mandates(uow.conn, party_id=principal.party_id, limit=limit, offset=offset)
    if principal.role in CUSTOMS:
        return store.list_mandates(uow.conn, party_id=party, limit=limit, offset=offset)
    return [], 0


def as_dict(mandate: Mandate, at: datetime) -> dict[str, Any]:
    """Describes a mandate as JSON-able values, with its status at a moment."""
    return {
        "id": mandate.id,
        "principal_id": mandate.principal_id,
        "agent_id": mandate.agent_id,
        "procedures": list(mandate.procedures),
        "valid_from": mandate.valid_from.isoformat(),
        "valid_to": mandate.valid_to.isoformat() if mandate.valid_to else None,
        "status": mandate.status(at),
        "granted_by": mandate.granted_by,
        "granted_role": mandate.granted_role,
        "reason": mandate.reason,
        "evidence": mandate.evidence,
    }
