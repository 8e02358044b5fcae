"""Use cases of crisis protocols: load packs, ask for and approve activation, and what protocols in force do.

Activation and deactivation are four-eyes changes (``platform.approvals``): a supervisor asks, with a reason; a
different supervisor approves; the change applies in the approving transaction, so it is effective the moment it
is approved, in every process (protocols in force are read from the database at each lodgement). Every step is
audited. Services never commit.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from clearway.core.issues import Conflict, Forbidden, Issue, NotFound, ValidationFailed
from clearway.core.phrases import LIST_SEPARATOR
from clearway.crisis import phrases, store
from clearway.crisis.model import MISSING_CODES, Line, Match, Measure, Pack, deadline_for, match, parse_pack
from clearway.declarations import dashboard
from clearway.declarations.model import Declaration, DeclarationData
from clearway.declarations.ports import Relief
from clearway.declarations.requirements import ELEMENTS
from clearway.mandates import service as mandates_service
from clearway.platform import approvals, audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)
SOURCE = "crisis"
KIND_ACTIVATE = "crisis.activate"
KIND_DEACTIVATE = "crisis.deactivate"
SUPERVISORS = ("supervisor",)
PACK_LOADERS = ("supervisor", "admin")
MAX_PACK_BYTES = 1_000_000
FULL_HS = 5000  # a nomenclature with fewer six-digit subheadings is a demo one: codes are checked for format only


# --- reading packs ------------------------------------------------------------------------------------------


class _NoAliases(yaml.SafeLoader):
    """A YAML loader that refuses anchors and aliases (no billion-laughs expansion through a pack)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases are not allowed in a pack", event.start_mark)
        return super().compose_node(parent, index)


# Dates stay text: the pack checker reads them and reports a malformed one instead of the YAML library failing.
_NoAliases.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_pack(text: str, known_hs: Callable[[str], bool] | None = None) -> tuple[Pack | None, list[Issue]]:
    """Reads a pack from its YAML text and checks it whole: the pack, or every problem found."""
    if len(text.encode("utf-8")) > MAX_PACK_BYTES:
        return None, [Issue("PACK_TOO_LARGE", f"a pack is at most {MAX_PACK_BYTES // 1000} kB", "")]
    try:
        doc = yaml.load(text, Loader=_NoAliases)  # noqa: S506 - a SafeLoader subclass that also refuses aliases
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Issue("PACK_YAML", f"the file is not valid YAML{where}: {str(problem)[:200]}", "")]
    return parse_pack(doc, known_hs)


_PARSED: dict[tuple[str, str, str], Pack] = {}


def _stored_pack(row: dict[str, Any]) -> Pack:
    key = (row["id"], row["version"], row["sha256"])
    pack = _PARSED.get(key)
    if pack is None:
        pack, issues = read_pack(row["source_text"])
        if pack is None:  # checked when loaded; a stored pack that no longer reads is a defect, said plainly
            raise Conflict(
                f"stored pack {row['id']} {row['version']} no longer reads: {issues[:3]}", code="PACK_BROKEN"
            )
        _PARSED[key] = pack
    return pack


def hs_checker(nomenclature: Any) -> tuple[Callable[[str], bool] | None, list[str]]:
    """Returns how to check a pack's codes against a nomenclature, and a warning when it cannot be complete."""
    if nomenclature is None:
        return None, [phrases.NO_NOMENCLATURE()]
    six = sum(1 for code in nomenclature.entries if len(code) == 6)
    if six < FULL_HS:
        return None, [phrases.PARTIAL_NOMENCLATURE(count=six)]
    return (lambda code: code in nomenclature.entries), []


@dataclass(frozen=True)
class Loaded:
    """The outcome of loading a pack: the pack, whether this version was new, and warnings."""

    pack: Pack
    created: bool
    warnings: tuple[str, ...]


def load_pack(
    uow: UnitOfWork,
    text: str,
    *,
    principal: Principal,
    reason: str,
    known_hs: Callable[[str], bool] | None,
    warnings: Sequence[str] = (),
) -> Loaded:
    """Checks a pack whole and stores this version; the same version again with the same text changes nothing."""
    if principal.role not in PACK_LOADERS:
        raise Forbidden("only supervisors and administrators load protocol packs")
    pack, issues = read_pack(text, known_hs)
    if pack is None:
        raise ValidationFailed(issues)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = store.pack_row(uow.conn, pack.id, pack.version)
    if existing is not None:
        if existing["sha256"] != digest:
            raise Conflict(
                f"version {pack.version} of {pack.id} is already loaded with other content; "
                "give the changed pack a new version",
                code="PACK_VERSION_EXISTS",
            )
        return Loaded(pack, False, tuple(warnings))
    store.insert_pack(
        uow.conn,
        pack_id=pack.id,
        version=pack.version,
        title=pack.title,
        text=text,
        sha256=digest,
        at=uow.clock(),
        by=principal.user,
    )
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="crisis.pack.load",
        target=f"crisis_pack:{pack.id}@{pack.version}",
        after={"id": pack.id, "version": pack.version, "sha256": digest, "measures": [m.id for m in pack.measures]},
        reason=reason or "protocol pack loaded",
    )
    return Loaded(pack, True, tuple(warnings))


def pack_versions(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lists every loaded pack version (id, version, title, loaded at/by)."""
    return store.pack_rows(uow.conn)


def get_pack(uow: UnitOfWork, pack_id: str, version: str | None = None) -> Pack:
    """Returns a pack: a given version, else the one loaded last."""
    if version is None:
        rows = [r for r in store.pack_rows(uow.conn) if r["id"] == pack_id]
        if not rows:
            raise NotFound(f"no protocol pack '{pack_id[:60]}'")
        version = str(rows[0]["version"])
    row = store.pack_row(uow.conn, pack_id, version)
    if row is None:
        raise NotFound(f"no version {version[:20]} of protocol pack '{pack_id[:60]}'")
    return _stored_pack(row)


def packs(uow: UnitOfWork) -> list[tuple[Pack, dict[str, Any] | None]]:
    """Lists the latest version of each pack with its activation in force (None when not active)."""
    in_force = {a["pack_id"]: a for a in store.active(uow.conn)}
    latest: dict[str, dict[str, Any]] = {}
    for row in store.pack_rows(uow.conn):
        latest.setdefault(row["id"], row)
    return [(get_pack(uow, pid, str(r["version"])), in_force.get(pid)) for pid, r in sorted(latest.items())]


# --- activation, four eyes ----------------------------------------------------------------------------------


def _require_supervisor(principal: Principal, what: str) -> None:
    if principal.role not in SUPERVISORS:
        raise Forbidden(f"only a customs supervisor may {what} a crisis protocol")


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) < 10:
        raise ValidationFailed(
            [Issue("REASON_REQUIRED", "say why, in at least 10 characters (it is recorded and shown)", "/reason")]
        )
    return text[:1000]


def _pending(uow: UnitOfWork, kind: str, target: str) -> approvals.ChangeRequest | None:
    return next((c for c in approvals.pending(uow, limit=500) if c.kind == kind and c.target == target), None)


def request_activation(
    uow: UnitOfWork, pack_id: str, *, principal: Principal, reason: str, version: str | None = None
) -> approvals.ChangeRequest:
    """Asks for a pack to be activated; nothing applies until a different supervisor approves."""
    _require_supervisor(principal, "activate")
    why = _reason(reason)
    pack = get_pack(uow, pack_id, version)
    if any(a["pack_id"] == pack.id for a in store.active(uow.conn)):
        raise Conflict(f"protocol {pack.id} is already active", code="CRISIS_ALREADY_ACTIVE")
    if not pack.in_force_on(uow.clock().date()):
        raise Conflict(
            f"protocol {pack.id} {pack.version} may apply from {pack.start} to {pack.end or 'no end date'}, not today",
            code="CRISIS_OUT_OF_DATES",
        )
    target = f"crisis_pack:{pack.id}"
    if _pending(uow, KIND_ACTIVATE, target) is not None:
        raise Conflict(f"an activation of {pack.id} already waits for approval", code="CRISIS_PENDING")
    return approvals.request(
        uow,
        kind=KIND_ACTIVATE,
        target=target,
        payload={"pack_id": pack.id, "version": pack.version, "reason": why, "requested_by": principal.user},
        principal=principal,
        reason=why,
    )


def request_deactivation(
    uow: UnitOfWork, activation_id: str, *, principal: Principal, reason: str
) -> approvals.ChangeRequest:
    """Asks for an active protocol to be deactivated; it stays in force until a different supervisor approves."""
    _require_supervisor(principal, "deactivate")
    why = _reason(reason)
    found = store.activation(uow.conn, activation_id)
    if found is None:
        raise NotFound(f"no activation '{activation_id[:36]}'")
    if found["deactivated_at"] is not None:
        raise Conflict("this activation has already ended", code="CRISIS_NOT_ACTIVE")
    target = f"crisis_activation:{activation_id}"
    if _pending(uow, KIND_DEACTIVATE, target) is not None:
        raise Conflict("a deactivation already waits for approval", code="CRISIS_PENDING")
    return approvals.request(
        uow,
        kind=KIND_DEACTIVATE,
        target=target,
        payload={
            "activation_id": activation_id,
            "pack_id": found["pack_id"],
            "reason": why,
            "requested_by": principal.user,
        },
        principal=principal,
        reason=why,
    )


def _apply_activate(uow: UnitOfWork, payload: dict[str, Any], approver: Principal, caches: dict[str, Any]) -> Any:
    """Applies an approved activation: the protocol is in force from now."""
    del caches
    # The version asked for, exactly: a loaded version never changes (a changed pack is a new version).
    pack = get_pack(uow, str(payload["pack_id"]), str(payload["version"]))
    if any(a["pack_id"] == pack.id for a in store.active(uow.conn)):
        raise Conflict(f"protocol {pack.id} is already active", code="CRISIS_ALREADY_ACTIVE")
    now = uow.clock()
    values = {
        "id": str(uuid.uuid4()),
        "pack_id": pack.id,
        "pack_version": pack.version,
        "reason": str(payload["reason"])[:1000],
        "requested_by": str(payload.get("requested_by") or ""),
        "approved_by": approver.user,
        "activated_at": now,
    }
    store.insert_activation(uow.conn, values)
    audit.record(
        uow,
        actor=approver.user,
        role=approver.role,
        action="crisis.activate",
        target=f"crisis_activation:{values['id']}",
        before=None,
        after={k: v for k, v in values.items() if k != "activated_at"} | {"activated_at": now},
        reason=str(payload["reason"]),
    )
    log.warning("crisis protocol %s %s activated by %s", pack.id, pack.version, approver.user)
    return {"activation_id": values["id"], "pack_id": pack.id, "version": pack.version, "activated_at": now}


def _apply_deactivate(uow: UnitOfWork, payload: dict[str, Any], approver: Principal, caches: dict[str, Any]) -> Any:
    """Applies an approved deactivation: normal selection from now."""
    del caches
    activation_id = str(payload["activation_id"])
    now = uow.clock()
    requested_by = str(payload.get("requested_by") or "")
    reason = str(payload["reason"])[:1000]
    if not store.end_activation(
        uow.conn, activation_id, at=now, requested_by=requested_by, by=approver.user, reason=reason
    ):
        raise Conflict("this activation has already ended", code="CRISIS_NOT_ACTIVE")
    audit.record(
        uow,
        actor=approver.user,
        role=approver.role,
        action="crisis.deactivate",
        target=f"crisis_activation:{activation_id}",
        before={"active": True},
        after={"active": False, "deactivated_at": now, "requested_by": requested_by},
        reason=reason,
    )
    log.warning("crisis protocol %s deactivated by %s", payload.get("pack_id"), approver.user)
    return {"activation_id": activation_id, "deactivated_at": now}


approvals.register(KIND_ACTIVATE, _apply_activate, approver_roles=SUPERVISORS, description="Activate a crisis protocol")
approvals.register(
    KIND_DEACTIVATE, _apply_deactivate, approver_roles=SUPERVISORS, description="Deactivate a crisis protocol"
)


def pending_requests(uow: UnitOfWork) -> list[approvals.ChangeRequest]:
    """Lists the crisis activations and deactivations waiting for a second supervisor."""
    return [c for c in approvals.pending(uow, limit=500) if c.kind in {KIND_ACTIVATE, KIND_DEACTIVATE}]


def activations(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lists every activation, newest first."""
    return store.activations(uow.conn)


def get_activation(uow: UnitOfWork, activation_id: str) -> dict[str, Any]:
    """Returns one activation, or 404."""
    found = store.activation(uow.conn, activation_id)
    if found is None:
        raise NotFound(f"no activation '{activation_id[:36]}'")
    return found


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
        pack = _stored_pack(row)
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


# --- after lodgement: the declarations a protocol touched ---------------------------------------------------


def stamps_of(decl: Declaration) -> list[tuple[str, dict[str, Any]]]:
    """Returns the history entries of a declaration written under a protocol: (kind, recorded data)."""
    out = []
    for entry in decl.history:
        data = entry.data or {}
        stamp = data.get("scores") if entry.kind == "lane_assigned" else data
        if isinstance(stamp, dict) and stamp.get("protocol") and entry.kind in _KINDS_WITH_STAMPS:
            out.append((entry.kind, stamp))
    return out


_KINDS_WITH_STAMPS = frozenset({"lane_assigned", "provisional_acceptance", "crisis_measure"})


def note_lodged(uow: UnitOfWork, decl: Declaration) -> bool:
    """Records a declaration that a protocol touched at lodgement (lane, provisional acceptance, waivers)."""
    stamps = stamps_of(decl)
    if not stamps or store.effect_of(uow.conn, decl.mrn) is not None:
        return False
    provisional = next((s for k, s in stamps if k == "provisional_acceptance"), None)
    entry = next((e for e in decl.history if e.kind == "provisional_acceptance"), None)
    first = stamps[0][1]
    lane_stamp = next((s for k, s in stamps if k == "lane_assigned"), {})
    rep = decl.data.representative
    store.insert_effect(
        uow.conn,
        {
            "activation_id": str(first["activation"]),
            "pack_id": str(first["protocol"]),
            "mrn": decl.mrn,
            "declaration_id": decl.id,
            "office": decl.data.office,
            "importer_id": decl.data.importer.id,
            "declarant_id": decl.data.declarant.id,
            "representative_id": rep.id if rep else None,
            "measures": [{"kind": k, "protocol": s["protocol"], "measure": s.get("measure")} for k, s in stamps],
            "lane": decl.lane.value if decl.lane else None,
            "post_clearance_control": bool(lane_stamp.get("post_clearance_control")),
            "lodged_at": decl.lodged_at,
            "released_at": decl.released_at,
            "deadline": date.fromisoformat(str(entry.data["deadline"])) if entry is not None and provisional else None,
            "waived": [w.get("pointer") for w in entry.data.get("waived", [])] if entry is not None else None,
        },
    )
    return True


def note_released(uow: UnitOfWork, mrn: str) -> None:
    """Notes the release time of a declaration under a protocol (for the dashboard)."""
    store.set_released(uow.conn, mrn, uow.clock())


def note_completed(uow: UnitOfWork, mrn: str) -> bool:
    """Marks a provisional declaration complete (completed or amended with every required element)."""
    return store.set_completed(uow.conn, mrn, uow.clock())


def _party_scope(principal: Principal) -> str | None:
    if principal.is_customs:
        return None
    if principal.is_trader and principal.party_id:
        return principal.party_id
    raise Forbidden("declarations under crisis protocols are shown to customs and to the traders concerned")


def affected(
    uow: UnitOfWork,
    principal: Principal,
    *,
    pack_id: str | None = None,
    provisional: bool = False,
    overdue: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Lists declarations handled under protocols: customs see all, a trader its own (declarant, importer, agent)."""
    party = _party_scope(principal)
    rows, total = store.effects(
        uow.conn,
        party_id=party,
        pack_id=pack_id,
        provisional=provisional,
        overdue_on=uow.clock().date() if overdue else None,
        limit=max(1, min(limit, 500)),
        offset=max(0, offset),
    )
    if party is not None:
        for r in rows:
            r.pop("post_clearance_control", None)  # who is checked after clearance is customs' business
            r.pop("lane", None)
    return rows, total


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


# --- the dashboard: under protocols against normal ----------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Volumes and release times (lodgement to release, hours) of one group of declarations."""

    key: str
    lodged: int
    released: int
    median_hours: float | None
    p90_hours: float | None
    lanes: dict[str, int]


def _group(key: str, rows: Sequence[tuple[str, str | None, Any, Any]]) -> Group:
    hours = [max((rel - lodged).total_seconds(), 0) / 3600 for _, _, lodged, rel in rows if rel is not None]
    lanes: dict[str, int] = {}
    for _, lane, _, _ in rows:
        lanes[lane or "none"] = lanes.get(lane or "none", 0) + 1
    return Group(
        key,
        len(rows),
        len(hours),
        dashboard.percentile(hours, 50) if hours else None,
        dashboard.percentile(hours, 90) if hours else None,
        lanes,
    )


@dataclass(frozen=True)
class Comparison:
    """Declarations lodged in a period: per protocol, under any protocol, and the others (normal)."""

    period: dashboard.Period
    protocols: list[Group]
    under: Group
    normal: Group


def comparison(uow: UnitOfWork, principal: Principal, period: dashboard.Period) -> Comparison:
    """Compares volumes and release times of declarations handled under protocols with the others (customs)."""
    rows = dashboard.lodged_in(uow, principal, period)  # refuses anyone but customs staff
    start, end = period.bounds()
    under = {e["mrn"]: e["pack_id"] for e in store.effect_times(uow.conn, start=start, end=end)}
    per_pack: dict[str, list[tuple[str, str | None, Any, Any]]] = {}
    for row in rows:
        if row[0] in under:
            per_pack.setdefault(under[row[0]], []).append(row)
    return Comparison(
        period=period,
        protocols=[_group(k, v) for k, v in sorted(per_pack.items())],
        under=_group("protocols", [r for r in rows if r[0] in under]),
        normal=_group("normal", [r for r in rows if r[0] not in under]),
    )
