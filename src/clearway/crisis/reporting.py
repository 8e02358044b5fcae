"""Reporting on crisis protocols: the declarations a protocol touched, who may see them, and the dashboard that
compares volumes and release times under protocols with normal ones.

The list of declarations touched is kept by subscriptions (``crisis.capability``) from the stamps the lodgement
left in each declaration's history. Services never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from clearway.core.issues import Forbidden
from clearway.crisis import store
from clearway.declarations import dashboard
from clearway.declarations.model import Declaration
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

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
