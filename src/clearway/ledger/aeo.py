"""The AEO registry shared across administrations: signed status entries, exports, imports, MRA checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from clearway.core.issues import DomainError, Issue, ValidationFailed
from clearway.ledger import credentials, identity, log, phrases, store
from clearway.ledger.identity import LedgerContext
from clearway.platform.db import UnitOfWork

STATUSES = ("granted", "suspended", "revoked")


@dataclass(frozen=True, slots=True)
class AeoStatus:
    """A trader's AEO status on a date, who granted it, and whether this administration recognises it."""

    trader_id: str
    trader_name: str
    status: str
    since: date
    administration: str
    country: str
    recognised: bool
    basis: str

    @property
    def is_active_aeo(self) -> bool:
        """Tells whether the trader holds a recognised, granted AEO status."""
        return self.recognised and self.status == "granted"


def entry_payload(
    *, issuer: str, trader_id: str, trader_name: str, status: str, effective_from: date, reason: str, at: datetime
) -> dict[str, Any]:
    """Builds one signed AEO status entry."""
    return {
        "type": "AEOStatus",
        "issuer": issuer,
        "trader": {"id": trader_id, "name": trader_name},
        "status": status,
        "effectiveFrom": effective_from.isoformat(),
        "reason": reason,
        "recordedAt": credentials.iso(at),
    }


def _check(status: str, trader_id: str) -> None:
    issues = []
    if status not in STATUSES:
        issues.append(Issue("AEO_STATUS", f"status must be one of {', '.join(STATUSES)}", "/status"))
    if not trader_id.strip():
        issues.append(Issue("REQUIRED", "trader_id is required", "/trader_id"))
    if issues:
        raise ValidationFailed(issues)


def publish(
    uow: UnitOfWork,
    ctx: LedgerContext,
    *,
    trader_id: str,
    trader_name: str,
    status: str,
    effective_from: date,
    reason: str,
) -> int:
    """Publishes an AEO status change of this administration, signed and logged; returns its leaf index."""
    _check(status, trader_id)
    identity.ensure_administration(uow, ctx)
    who = identity.signer(uow, ctx, ctx.administration)
    payload = entry_payload(
        issuer=who.did,
        trader_id=trader_id,
        trader_name=trader_name,
        status=status,
        effective_from=effective_from,
        reason=reason,
        at=uow.clock(),
    )
    token = credentials.sign(payload, kid=who.kid, key=who.key, typ="aeo+jwt")
    idx = _store(uow, ctx.administration, payload, token, kind="aeo")
    log.seal(uow, ctx)
    return idx


def _store(uow: UnitOfWork, administration: str, payload: dict[str, Any], token: str, *, kind: str) -> int:
    idx = log.append(uow, kind=kind, ref=payload["trader"]["id"], leaf_input=token.encode())
    uow.conn.execute(
        store.aeo.insert().values(
            administration=administration,
            trader_id=payload["trader"]["id"],
            trader_name=payload["trader"]["name"],
            status=payload["status"],
            effective_from=date.fromisoformat(payload["effectiveFrom"]),
            reason=payload.get("reason", ""),
            jws=token,
            recorded_at=uow.clock(),
            log_index=idx,
        )
    )
    return idx


def export(uow: UnitOfWork, ctx: LedgerContext) -> str:
    """Exports this administration's AEO entries as one signed document for partner administrations."""
    identity.ensure_administration(uow, ctx)
    who = identity.signer(uow, ctx, ctx.administration)
    tokens = uow.conn.execute(
        select(store.aeo.c.jws).where(store.aeo.c.administration == ctx.administration).order_by(store.aeo.c.id)
    ).scalars()
    return sign_export(who.kid, who.key, who.did, list(tokens), at=uow.clock())


def sign_export(kid: str, key: Ed25519PrivateKey, did: str, entries: list[str], *, at: datetime) -> str:
    """Signs an AEO registry export (what a partner administration's platform produces)."""
    payload = {"type": "AEORegistryExport", "issuer": did, "exportedAt": credentials.iso(at), "entries": entries}
    return credentials.sign(payload, kid=kid, key=key, typ="aeo-export+jwt")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import added."""

    partner: str
    imported: int
    already_known: int


def import_export(uow: UnitOfWork, ctx: LedgerContext, token: Any) -> ImportResult:
    """Imports a registered partner's signed AEO export; refuses it whole if any signature fails."""
    parsed = credentials.inspect(token)
    if isinstance(parsed, str):
        raise DomainError(parsed, code="EXPORT_MALFORMED")
    kid = parsed[0]["kid"]
    key = identity.resolve_key(uow, kid)
    org = store.get_org(uow.conn, key.org_id) if key is not None else None
    if key is None or org is None or not org.is_foreign:
        raise DomainError(
            f"unknown partner key {kid}: register the partner administration first", code="PARTNER_UNKNOWN"
        )
    payload = credentials.verify_signature(token, key)
    if payload is None:
        raise DomainError("signature does not match: the export was altered or signed by another key", code="SIGNATURE")
    if payload.get("type") != "AEORegistryExport" or payload.get("issuer") != org.did:
        raise DomainError(
            f"the export claims issuer {payload.get('issuer')} but key belongs to {org.did}", code="ISSUER"
        )
    entries = payload.get("entries")
    if not isinstance(entries, list):
        raise DomainError("the export has no list of entries", code="EXPORT_MALFORMED")
    known = set(uow.conn.execute(select(store.aeo.c.jws).where(store.aeo.c.administration == org.id)).scalars())
    added = seen = 0
    for i, entry in enumerate(entries):
        if not isinstance(entry, str):
            raise DomainError(f"entry {i} is not a compact JWS", code="ENTRY_INVALID")
        if entry in known:
            seen += 1
            continue
        inner = credentials.inspect(entry)
        entry_key = identity.resolve_key(uow, inner[0]["kid"]) if not isinstance(inner, str) else None
        body = credentials.verify_signature(entry, entry_key) if entry_key is not None else None
        if body is None or entry_key is None or entry_key.org_id != org.id:
            raise DomainError(f"entry {i} is not validly signed by {org.did}", code="ENTRY_SIGNATURE")
        if body.get("issuer") != org.did or body.get("status") not in STATUSES:
            raise DomainError(
                f"entry {i} claims issuer {body.get('issuer')} or an unknown status", code="ENTRY_INVALID"
            )
        problem = entry_key.problem_at(credentials.parse_time(body.get("recordedAt")) or uow.clock())
        if problem:
            raise DomainError(f"entry {i}: {problem}", code="ENTRY_KEY")
        _store(uow, org.id, body, entry, kind="aeo-import")
        added += 1
    log.seal(uow, ctx)
    return ImportResult(org.id, added, seen)


def aeo_status(uow: UnitOfWork, trader_id: str, *, on: date | None = None) -> AeoStatus | None:
    """Returns a trader's AEO status on a date: ours first, else a partner's (recognised under an MRA)."""
    day = on or uow.clock().date()
    rows = uow.conn.execute(
        select(store.aeo, store.orgs.c.is_foreign, store.orgs.c.mra_since, store.orgs.c.country)
        .join(store.orgs, store.orgs.c.id == store.aeo.c.administration)
        .where(store.aeo.c.trader_id == trader_id, store.aeo.c.effective_from <= day)
        .order_by(store.aeo.c.effective_from, store.aeo.c.id)
    ).all()
    latest: dict[str, Any] = {}
    for r in rows:
        latest[r.administration] = r  # the last change in effect on the day, per administration
    if not latest:
        return None
    ours = [r for r in latest.values() if not r.is_foreign]
    row = ours[0] if ours else sorted(latest.values(), key=lambda r: (r.status != "granted", r.administration))[0]
    if not row.is_foreign:
        recognised, basis = True, phrases.BASIS_NATIONAL()
    elif row.mra_since is not None and row.mra_since <= day:
        recognised, basis = True, phrases.BASIS_MRA(country=row.country, since=row.mra_since.isoformat())
    else:
        recognised, basis = False, phrases.BASIS_NO_MRA(country=row.country, day=day.isoformat())
    return AeoStatus(
        trader_id=trader_id,
        trader_name=row.trader_name,
        status=row.status,
        since=row.effective_from,
        administration=row.administration,
        country=row.country,
        recognised=recognised,
        basis=basis,
    )


def history(uow: UnitOfWork, trader_id: str) -> list[dict[str, Any]]:
    """Lists every AEO status entry of a trader, from all administrations."""
    rows = uow.conn.execute(
        select(store.aeo).where(store.aeo.c.trader_id == trader_id).order_by(store.aeo.c.effective_from, store.aeo.c.id)
    ).all()
    return [
        {
            "administration": r.administration,
            "status": r.status,
            "effective_from": r.effective_from.isoformat(),
            "reason": r.reason,
            "log_index": r.log_index,
            "recorded_at": credentials.iso(store.as_utc(r.recorded_at) or datetime.now(UTC)),
        }
        for r in rows
    ]
