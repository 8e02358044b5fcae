"""What the console shows of the ledger: the organisations a user signs for, the AEO registry, the log's state."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from clearway.ledger import anchor, log, store
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

MAX_REGISTRY = 200


def may_sign_for(principal: Principal, org: Any) -> bool:
    """Tells whether a user signs for an organisation: a trader its own, an agency its agency, officials customs."""
    if org is None or org.is_foreign:
        return False
    return bool(
        (principal.is_trader and org.party_id is not None and org.party_id == principal.party_id)
        or (principal.role == "agency" and org.kind == "agency" and (principal.agency or "").lower() == org.id)
        or (principal.role in ("supervisor", "admin") and org.kind == "administration")
    )


def can_issue(uow: UnitOfWork, principal: Principal, org_id: str) -> bool:
    """Tells whether the user may issue credentials signed by that organisation."""
    return may_sign_for(principal, store.get_org(uow.conn, org_id))


def signable_orgs(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Lists the organisations of this platform the user may issue credentials for."""
    rows = uow.conn.execute(select(store.orgs).where(store.orgs.c.is_foreign.is_(False)).order_by(store.orgs.c.id))
    return [{"id": r.id, "name": r.name, "kind": r.kind} for r in rows if may_sign_for(principal, r)]


def aeo_registry(uow: UnitOfWork, query: str = "", *, on: date | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Lists traders in the AEO registry (ours and partners'), their status on a day, newest change first.

    ``query`` matches the start of the trader's identifier or any part of its name (case-insensitive).
    """
    day = on or uow.clock().date()
    a, o = store.aeo, store.orgs
    latest = (
        select(a.c.administration, a.c.trader_id, func.max(a.c.id).label("id"))
        .where(a.c.effective_from <= day)
        .group_by(a.c.administration, a.c.trader_id)
        .subquery()
    )
    q = (
        select(
            a.c.trader_id,
            a.c.trader_name,
            a.c.status,
            a.c.effective_from,
            a.c.reason,
            a.c.administration,
            o.c.is_foreign,
            o.c.country,
            o.c.mra_since,
        )
        .join(latest, latest.c.id == a.c.id)
        .join(o, o.c.id == a.c.administration)
        .order_by(a.c.effective_from.desc(), a.c.trader_id)
        .limit(max(1, min(limit, MAX_REGISTRY)))
    )
    text = query.strip()[:100]
    if text:
        like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = q.where(or_(a.c.trader_id.startswith(text, autoescape=True),
                        func.lower(a.c.trader_name).like(f"%{like.lower()}%", escape="\\")))  # fmt: skip
    out = []
    for r in uow.conn.execute(q).mappings():
        recognised = not r["is_foreign"] or (r["mra_since"] is not None and r["mra_since"] <= day)
        out.append({**dict(r), "recognised": recognised})
    return out


def log_status(uow: UnitOfWork) -> dict[str, Any]:
    """Returns the transparency log's size, its latest signed tree head and its latest anchors."""
    head = log.latest_head(uow.conn)
    rows = uow.conn.execute(select(store.entries.c.kind, func.count()).group_by(store.entries.c.kind)).all()
    counts: dict[str, int] = {str(kind): int(n) for kind, n in rows}
    return {
        "size": store.tree_size(uow.conn),
        "head": head.as_json() if head is not None else None,
        "head_size": head.tree_size if head is not None else 0,
        "head_ms": head.timestamp_ms if head is not None else None,
        "kinds": counts,
        "anchors": anchor.list_anchors(uow, limit=5),
    }
