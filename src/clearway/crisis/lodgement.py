"""What the crisis protocols in force do at lodgement: the priority lane, penalty waivers, provisional acceptance
of an incomplete declaration, export licences; and the public measures traders may read.

Protocols in force are read from the database at each lodgement (an approved activation applies at once, in every
process). These functions back the crisis ports (``crisis.capability``). Services never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clearway.core.issues import Issue
from clearway.core.phrases import LIST_SEPARATOR
from clearway.crisis import phrases, store
from clearway.crisis.model import MISSING_CODES, Line, Match, Measure, Pack, deadline_for, match
from clearway.crisis.pack_reader import stored_pack
from clearway.declarations.model import Declaration, DeclarationData
from clearway.declarations.ports import Relief
from clearway.declarations.requirements import ELEMENTS
from clearway.mandates import service as mandates_service
from clearway.platform.db import UnitOfWork

SOURCE = "crisis"


@dataclass(frozen=True)
class InForce:
    """A protocol in force: its activation and the pack version activated."""

    activation: dict[str, Any]
    pack: Pack

    @property
    def label(self) -> str:
        """Names the protocol as declarations show it."""
        return phrases.LABEL(title=self.pack.title, id=self.pack.id, version=self.pack.version)

    def stamp(self, measure: Measure) -> dict[str, Any]:
        """Returns what a declaration records of the protocol and measure that applied to it."""
        return {
            "protocol": self.pack.id,
            "version": self.pack.version,
            "title": self.pack.title,
            "activation": self.activation["id"],
            "measure": measure.id,
            "kind": measure.kind,
            "legal_basis": self.pack.legal_basis[:300],
        }


def in_force(uow: UnitOfWork) -> list[InForce]:
    """Returns the protocols in force now: activated, not deactivated, within the pack's own dates."""
    today = uow.clock().date()
    out = []
    for a in store.active(uow.conn):
        row = store.pack_row(uow.conn, a["pack_id"], a["pack_version"])
        if row is None:
            continue
        pack = stored_pack(row)
        if pack.in_force_on(today):
            out.append(InForce(a, pack))
    return out


def _lines(data: DeclarationData) -> list[Line]:
    return [Line(i.sequence, i.commodity_code, i.description) for i in data.goods_items]


def matches(uow: UnitOfWork, data: DeclarationData, kind: str) -> list[tuple[InForce, Match]]:
    """Returns the measures of a kind, of the protocols in force, that apply to a declaration's data."""
    lines = _lines(data)
    out = []
    for protocol in in_force(uow):
        for measure in protocol.pack.measures:
            if measure.kind != kind:
                continue
            found = match(protocol.pack, measure, data.importer.id, lines)
            if found is not None:
                out.append((protocol, found))
    return out


# --- what protocols in force do at lodgement ----------------------------------------------------------------


@dataclass(frozen=True)
class Priority:
    """A priority lane a protocol prescribes, with its reason in words and what the declaration records."""

    lane: str
    reason: str
    stamp: dict[str, Any]


def priority(uow: UnitOfWork, decl: Declaration, *, counterfeit: Sequence[str] = ()) -> Priority | None:
    """Returns the priority lane of the first protocol in force whose measure fits the declaration, or None.

    Goods the ledger flags as counterfeit are never prioritised: the risk engine decides their lane.
    """
    if counterfeit:
        return None
    found = matches(uow, decl.data, "priority_lane")
    if not found:
        return None
    protocol, hit = found[0]
    measure = hit.measure
    key, because = hit.why(protocol.pack)
    reason = phrases.PRIORITY[key](protocol=protocol.label, measure=measure.title, **because)
    if measure.post_clearance_control:
        reason += LIST_SEPARATOR + phrases.POST_CLEARANCE()
    stamp = protocol.stamp(measure) | {"post_clearance_control": measure.post_clearance_control}
    return Priority(measure.lane, reason, stamp)


def waivers(uow: UnitOfWork, data: DeclarationData) -> list[tuple[str, dict[str, Any]]]:
    """Returns the penalty waivers in force for a declaration: (what it says, what the declaration records)."""
    out = []
    for protocol, hit in matches(uow, data, "penalty_waiver"):
        key, because = hit.why(protocol.pack)
        words = phrases.WAIVED[key](protocol=protocol.label, measure=hit.measure.title, **because)
        out.append((words, protocol.stamp(hit.measure)))
    return out


def relieve(uow: UnitOfWork, data: DeclarationData, issues: Sequence[Issue]) -> Relief | None:
    """Accepts an incomplete declaration provisionally when a protocol in force waives every missing element.

    Only "missing element" issues (REQUIRED, CONDITIONAL_REQUIRED) are waived, and only at the elements the
    measure names; any other issue (a wrong code, a vague description, another party named) still refuses it.
    """
    for protocol, hit in matches(uow, data, "provisional_declaration"):
        measure = hit.measure
        allowed = [ELEMENTS[e] for e in measure.waive if e in ELEMENTS]
        if all(i.code in MISSING_CODES and _under(i.pointer, allowed) for i in issues):
            deadline = deadline_for(measure, uow.clock())
            elements = sorted({i.pointer for i in issues})
            return Relief(
                waived=tuple(issues),
                deadline=deadline,
                reason=phrases.PROVISIONAL(protocol=protocol.label, measure=measure.title)
                + LIST_SEPARATOR
                + phrases.COMPLETE_BY(elements=", ".join(elements), deadline=deadline.isoformat()),
                source=SOURCE,
                data=protocol.stamp(measure),
            )
    return None


def _under(ptr: str, patterns: Sequence[str]) -> bool:
    """Tells whether a pointer is one of the element paths (items' paths with ``*`` for the item index)."""
    parts = ptr.split("/")
    for pattern in patterns:
        want = pattern.split("/")
        if len(want) == len(parts) and all(
            (w == "*" and p.isdigit()) or w == p for w, p in zip(want, parts, strict=True)
        ):
            return True
    return False


def export_blockers(uow: UnitOfWork, decl: Declaration) -> list[str]:
    """Lists the export licences a protocol in force requires and the declaration does not carry."""
    data = decl.data
    if not mandates_service.is_export(data.type, [i.procedure_code for i in data.goods_items]):
        return []
    out = []
    held = {d.type.strip().upper() for d in data.documents}
    for protocol, hit in matches(uow, data, "export_licence"):
        measure = hit.measure
        if measure.document_type in held:
            continue
        items = ", ".join(f"{i.sequence} ({i.commodity_code[:6]})" for i in hit.items)
        values = {"document": measure.document_type, "protocol": protocol.label, "items": items}
        if measure.authority:
            out.append(phrases.EXPORT_LICENCE_FROM(authority=measure.authority, **values))
        else:
            out.append(phrases.EXPORT_LICENCE(**values))
    return out


def public_measures(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Returns the public measures of the protocols in force, as traders and the public may read them."""
    out = []
    for p in in_force(uow):
        out.append(
            {
                "pack_id": p.pack.id,
                "version": p.pack.version,
                "title": p.pack.title,
                "titles": dict(p.pack.titles),
                "legal_basis": p.pack.legal_basis,
                "since": p.activation["activated_at"],
                "reason": p.activation["reason"],
                "measures": [
                    {
                        "id": m.id,
                        "kind": m.kind,
                        "title": m.title,
                        "goods": sorted(p.pack.goods[m.goods].codes) if m.goods else [],
                        "consignees": sorted(p.pack.consignees[m.consignees].parties.values()) if m.consignees else [],
                        "complete_within_days": m.complete_within_days or None,
                        "document_type": m.document_type or None,
                    }
                    for m in p.pack.measures
                    if m.public
                ],
            }
        )
    return out
