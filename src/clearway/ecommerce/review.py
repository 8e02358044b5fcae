"""Officers' review of screened parcels: the held parcels of a manifest, and release or hold after a check.

An officer's decision is stored as a finding (``service.record_finding``): releasing says the check found
the parcel in order, keeping it on hold says the check confirmed the reason; either is audited. Screening's
own decision stays as it was, so the manifest's report keeps what screening concluded.

The officer may also give the HS code the check verified (``verified_hs``, a 6-digit subheading of the loaded
nomenclature): with ``CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS`` on (the default) the parcel's title is added
to the classification history under it, in the same unit of work as the finding and audited, once per parcel
(``hs_history_store.verify``), so that the next screening weighs it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import desc, select

from clearway.core.issues import Forbidden, Issue, NotFound, ValidationFailed
from clearway.ecommerce import config, hs_history_store, queries, service, store
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

HELD = ("hold_documents", "hold_inspection", "refuse")
OFFICERS = ("officer", "supervisor", "admin")


def held_parcels(
    uow: UnitOfWork, principal: Principal, *, manifest_id: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Returns held or refused parcels (one manifest's, or every manifest's), riskiest first, with any finding."""
    if principal.role not in OFFICERS:
        raise Forbidden("held parcels are for customs officers")
    p, f = store.parcels, store.findings
    query = (
        select(
            p.c.manifest_id,
            p.c.parcel_id,
            p.c.decision,
            p.c.flags,
            p.c.reasons,
            p.c.score,
            p.c.seller_id,
            p.c.declared_value,
            p.c.currency,
            p.c.hs_code,
            p.c.origin_country,
            p.c.day,
            f.c.confirmed,
            f.c.officer,
            f.c.reason.label("finding_reason"),
            f.c.recorded_at,
        )
        .select_from(p.outerjoin(f, (f.c.manifest_id == p.c.manifest_id) & (f.c.parcel_id == p.c.parcel_id)))
        .where(p.c.decision.in_(HELD))
        .order_by(desc(p.c.score), p.c.parcel_id)
        .limit(max(1, min(limit, 1000)))
    )
    if manifest_id is not None:
        query = query.where(p.c.manifest_id == manifest_id)
    return [dict(r) for r in uow.conn.execute(query).mappings()]


def findings_for(uow: UnitOfWork, manifest_id: str, parcel_ids: list[str], principal: Principal) -> dict[str, Any]:
    """Returns the officers' findings on some parcels of a manifest the caller may see, by parcel id."""
    queries.get_manifest_header(uow, manifest_id, principal)
    if not parcel_ids:
        return {}
    f = store.findings
    rows = uow.conn.execute(
        select(f.c.parcel_id, f.c.confirmed, f.c.officer, f.c.reason, f.c.recorded_at).where(
            f.c.manifest_id == manifest_id, f.c.parcel_id.in_(parcel_ids[:1000])
        )
    ).mappings()
    found = {r["parcel_id"]: dict(r) for r in rows}
    if principal.is_trader:  # the trader learns the outcome of the check, not the officer's notes
        for r in found.values():
            r["officer"] = r["reason"] = None
    return found


def decide(
    uow: UnitOfWork,
    manifest_id: str,
    parcel_id: str,
    *,
    release: bool,
    principal: Principal,
    reason: str,
    verified_hs: str | None = None,
) -> dict[str, Any]:
    """Records an officer's decision on a held parcel after a check (release, or keep on hold), audited; returns
    the finding with ``verified_hs`` and ``history`` (what the verified code did to the classification history:
    ``added``, ``unchanged``, ``replaced``, ``no_title``, ``full``, ``off`` when the setting is off, or None
    without a verified code).

    A ``verified_hs`` that is not a 6-digit subheading (of the loaded nomenclature, when one is) refuses the
    whole decision; with ``CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS`` off a valid one is only audited."""
    if principal.role not in OFFICERS:
        raise Forbidden("only customs officers release or hold parcels")
    code = hs_history_store.check_verified_hs(uow, verified_hs) if verified_hs and verified_hs.strip() else None
    p = store.parcels
    row = uow.conn.execute(
        select(p.c.decision).where(p.c.manifest_id == manifest_id, p.c.parcel_id == parcel_id)
    ).first()
    if row is None:
        raise NotFound(f"no parcel {parcel_id} in manifest {manifest_id}", code="PARCEL_NOT_FOUND")
    if row.decision not in HELD:
        raise ValidationFailed([Issue("PARCEL_NOT_HELD", "screening released this parcel; nothing to decide", "")])
    finding = service.record_finding(
        uow, manifest_id, parcel_id, confirmed=not release, officer=principal.user, reason=reason
    )
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="ecommerce.parcel.release" if release else "ecommerce.parcel.hold",
        target=f"parcel:{manifest_id}/{parcel_id}",
        before={"decision": row.decision},
        after={"released": release, "verified_hs": code} if code else {"released": release},
        reason=finding["reason"],
    )
    history: str | None = None
    if code is not None:
        history = "off"
        if config.history_from_reviews():
            history = hs_history_store.verify(
                uow, manifest_id, parcel_id, code, actor=principal.user, role=principal.role, reason=finding["reason"]
            )
    return {**finding, "verified_hs": code, "history": history}
