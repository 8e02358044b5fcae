"""Reading what screening stored: manifests and decisions for their submitter or officers, and aggregates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, case, desc, func, select

from clearway.core.issues import NotFound
from clearway.ecommerce import store
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

DQ_PREFIX = "data quality: "


def _visible(principal: Principal) -> Any:
    if principal.is_trader:
        return store.manifests.c.submitter_party == principal.party_id
    return None


def get_manifest(uow: UnitOfWork, manifest_id: str, principal: Principal) -> dict[str, Any]:
    """Returns a manifest's report with its rejected rows; 404 when the caller did not submit it."""
    query = select(store.manifests).where(store.manifests.c.id == manifest_id)
    where = _visible(principal)
    if where is not None:
        query = query.where(where)
    row = uow.conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"no manifest {manifest_id} visible to you", code="MANIFEST_NOT_FOUND")
    rejects = uow.conn.execute(
        select(store.rejects.c.line, store.rejects.c.parcel_id, store.rejects.c.codes, store.rejects.c.message)
        .where(store.rejects.c.manifest_id == manifest_id)
        .order_by(store.rejects.c.line)
        .limit(1000)
    ).mappings()
    return {**dict(row), "rejects": [dict(r) for r in rejects]}


def list_manifests(uow: UnitOfWork, principal: Principal, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """Lists the manifests the caller may see, newest first."""
    query = select(store.manifests)
    count = select(func.count()).select_from(store.manifests)
    where = _visible(principal)
    if where is not None:
        query, count = query.where(where), count.where(where)
    rows = uow.conn.execute(query.order_by(desc(store.manifests.c.received_at)).limit(limit).offset(offset)).mappings()
    return [dict(r) for r in rows], int(uow.conn.execute(count).scalar_one())


def decisions(
    uow: UnitOfWork,
    manifest_id: str,
    principal: Principal,
    *,
    after: str | None,
    limit: int,
    decision: str | None = None,
    flag: str | None = None,
) -> list[dict[str, Any]]:
    """Returns a page of a manifest's decisions in parcel-id order; traders see only data-quality reasons."""
    get_manifest_header(uow, manifest_id, principal)
    p = store.parcels
    query = select(p.c.parcel_id, p.c.decision, p.c.flags, p.c.issues, p.c.reasons, p.c.score, p.c.day).where(
        p.c.manifest_id == manifest_id
    )
    if after:
        query = query.where(p.c.parcel_id > after)
    if decision:
        query = query.where(p.c.decision == decision)
    if flag:
        query = query.where(p.c.flags.contains(flag))
    rows = [dict(r) for r in uow.conn.execute(query.order_by(p.c.parcel_id).limit(limit)).mappings()]
    if principal.is_trader:
        for r in rows:
            r["reasons"] = " | ".join(s for s in r["reasons"].split(" | ") if s.startswith(DQ_PREFIX))
            r["score"] = None
    return rows


def get_manifest_header(uow: UnitOfWork, manifest_id: str, principal: Principal) -> None:
    """Checks the manifest exists and is visible to the caller (404 otherwise)."""
    query = select(store.manifests.c.id).where(store.manifests.c.id == manifest_id)
    where = _visible(principal)
    if where is not None:
        query = query.where(where)
    if uow.conn.execute(query).first() is None:
        raise NotFound(f"no manifest {manifest_id} visible to you", code="MANIFEST_NOT_FOUND")


def aggregates(uow: UnitOfWork, *, days: int, top: int, today: date) -> dict[str, Any]:
    """Returns officers' aggregates: top risky sellers, marketplaces, consignees, and per-day trends."""
    p = store.parcels
    since = today - timedelta(days=days)
    risky = case((p.c.score >= 30, 1), else_=0)
    out: dict[str, Any] = {"since": since, "until": today}
    for name, col in (("sellers", p.c.seller_id), ("marketplaces", p.c.marketplace), ("consignees", p.c.consignee_id)):
        rows = uow.conn.execute(
            select(
                col.label("key"),
                func.count().label("parcels"),
                func.sum(risky).label("flagged"),
                func.sum(case((p.c.decision == "refuse", 1), else_=0)).label("refused"),
            )
            .where(p.c.day >= since, col.is_not(None))
            .group_by(col)
            .having(func.sum(risky) > 0)
            .order_by(desc("flagged"), col)
            .limit(top)
        ).mappings()
        out[name] = [{**dict(r), "flagged": int(r["flagged"] or 0), "refused": int(r["refused"] or 0)} for r in rows]
    per_day = uow.conn.execute(
        select(
            p.c.day,
            func.count().label("parcels"),
            *(
                func.sum(case((p.c.decision == d, 1), else_=0)).cast(Integer).label(d)
                for d in ("release", "hold_documents", "hold_inspection", "refuse")
            ),
        )
        .where(p.c.day >= since)
        .group_by(p.c.day)
        .order_by(p.c.day)
    ).mappings()
    out["days"] = [{k: (int(v) if k != "day" else v) for k, v in r.items()} for r in per_day]
    return out
