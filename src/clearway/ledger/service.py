"""Ledger use cases: issue, verify and revoke credentials, log clearance decisions; the reads other capabilities use.

Other capabilities call ``aeo_status`` (risk engine: is this trader an AEO, here or under an MRA?) and
``counterfeit_flags`` (does a declaration's goods match their passports and chain of custody?).
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update

from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.ledger import credentials, identity, log, merkle, store
from clearway.ledger.aeo import AeoStatus
from clearway.ledger.aeo import aeo_status as _aeo_status
from clearway.ledger.config import ledger_settings
from clearway.ledger.counterfeit import DeclaredProduct, Flag, check_product
from clearway.ledger.counterfeit import counterfeit_flags as _counterfeit_flags
from clearway.ledger.identity import LedgerContext
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime

STATUS_LIST_BITS = 131_072  # 16 KiB, the Bitstring Status List minimum that hides which entry is whose


def context(runtime: Runtime) -> LedgerContext:
    """Builds the ledger context from the runtime's settings."""
    ls = ledger_settings(runtime)
    country = runtime.settings.country.upper()
    return LedgerContext(
        secret_key=runtime.settings.secret_key,
        did_domain=ls.did_domain,
        administration=ls.administration or f"{country.lower()}-customs",
        country=country,
    )


def aeo_status(uow: UnitOfWork, trader_id: str, on: date | None = None) -> AeoStatus | None:
    """Returns a trader's AEO status on a date (ours, or a partner's under a mutual recognition arrangement)."""
    return _aeo_status(uow, trader_id, on=on)


def counterfeit_flags(uow: UnitOfWork, mrn: str) -> list[Flag]:
    """Returns what the anti-counterfeit check finds wrong with a declaration's goods (empty when all is well)."""
    return _counterfeit_flags(uow, mrn)


def product_flags(
    uow: UnitOfWork,
    *,
    product_id: str,
    commodity_code: str,
    origin_country: str,
    description: str,
    importer_id: str,
    item: int = 1,
) -> list[Flag]:
    """Checks one product outside a declaration (a parcel, a manifest line) against its passport and chain."""
    return check_product(
        uow, DeclaredProduct(item, product_id, commodity_code, origin_country, description, importer_id)
    )


@dataclass(frozen=True, slots=True)
class Issued:
    """A credential just issued, with its place in the log."""

    id: str
    kind: str
    jwt: str
    log_index: int
    leaf_hash: bytes


def status_url(ctx: LedgerContext, org_id: str) -> str:
    """Returns the URL of an issuer's status list credential."""
    return f"https://{ctx.did_domain}/api/v1/ledger/status/{org_id}"


def issue(
    uow: UnitOfWork,
    ctx: LedgerContext,
    *,
    org_id: str,
    kind: str,
    subject: dict[str, Any],
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> Issued:
    """Issues a credential signed by the organisation, records it for revocation and appends it to the log."""
    problems = credentials.subject_issues(kind, subject)
    now = uow.clock()
    valid_from = valid_from or now
    if valid_until is not None and valid_until <= valid_from:
        problems.append(Issue("VALIDITY", "valid_until must be after valid_from", "/valid_until"))
    if problems:
        raise ValidationFailed(problems)
    who = identity.signer(uow, ctx, org_id)
    org = store.get_org(uow.conn, org_id)
    store.lock_log(uow.conn)  # one writer at a time from here: the status index and the log position are taken
    index = (
        int(
            uow.conn.execute(
                select(func.coalesce(func.max(store.credentials.c.status_index), -1)).where(
                    store.credentials.c.issuer_org == org_id
                )
            ).scalar_one()
        )
        + 1
    )
    if index >= STATUS_LIST_BITS:
        raise Conflict(f"the status list of '{org_id}' is full", code="STATUS_LIST_FULL")
    url = status_url(ctx, org_id)
    status = {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }
    cred_id = f"urn:uuid:{uuid.uuid4()}"
    vc = credentials.build(
        kind=kind,
        credential_id=cred_id,
        issuer=who.did,
        issuer_name=org.name,
        subject=subject,
        valid_from=valid_from,
        valid_until=valid_until,
        status=status,
        issued_at=now,
    )
    jwt = credentials.sign(vc, kid=who.kid, key=who.key)
    idx = log.append(uow, kind="credential", ref=cred_id, leaf_input=jwt.encode())
    uow.conn.execute(
        store.credentials.insert().values(
            id=cred_id,
            kind=kind,
            issuer_org=org_id,
            jwt=jwt,
            subject=subject,
            issued_at=now,
            valid_until=valid_until,
            status_index=index,
            log_index=idx,
        )
    )
    pids = credentials.product_ids(kind, subject)
    if pids:
        uow.conn.execute(store.product_refs.insert(), [{"product_id": p, "credential_id": cred_id} for p in pids])
    log.seal(uow, ctx)
    return Issued(cred_id, kind, jwt, idx, merkle.leaf_hash(jwt.encode()))


def revoke(uow: UnitOfWork, credential_id: str, *, reason: str) -> None:
    """Revokes a credential: its bit in the issuer's status list is set from now on."""
    row = uow.conn.execute(select(store.credentials).where(store.credentials.c.id == credential_id)).first()
    if row is None:
        raise NotFound(f"no credential {credential_id}")
    if row.revoked_at is not None:
        raise Conflict(f"credential {credential_id} was revoked already", code="CREDENTIAL_REVOKED")
    uow.conn.execute(
        update(store.credentials)
        .where(store.credentials.c.id == credential_id)
        .values(revoked_at=uow.clock(), revocation_reason=reason)
    )


def get_credential(uow: UnitOfWork, credential_id: str) -> Any:
    """Returns a credential row."""
    row = uow.conn.execute(select(store.credentials).where(store.credentials.c.id == credential_id)).first()
    if row is None:
        raise NotFound(f"no credential {credential_id}")
    return row


def _status_of(uow: UnitOfWork, ctx: LedgerContext) -> credentials.StatusLookup:
    def lookup(payload: dict[str, Any]) -> str | None:
        entry = payload.get("credentialStatus")
        if entry is None:
            return None
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return "status cannot be checked: credentialStatus is not a BitstringStatusListEntry"
        url = str(entry.get("statusListCredential", ""))
        prefix = f"https://{ctx.did_domain}/api/v1/ledger/status/"
        if not url.startswith(prefix):
            return f"status cannot be checked: status list {url} is not published by this administration"
        try:
            index = int(str(entry.get("statusListIndex")))
        except ValueError:
            return "status cannot be checked: statusListIndex is not a number"
        row = uow.conn.execute(
            select(store.credentials.c.revoked_at, store.credentials.c.revocation_reason).where(
                store.credentials.c.issuer_org == url.removeprefix(prefix), store.credentials.c.status_index == index
            )
        ).first()
        if row is not None and row.revoked_at is not None:
            return f"revoked on {credentials.iso(store.as_utc(row.revoked_at) or uow.clock())}: {row.revocation_reason}"
        return None

    return lookup


@dataclass
class Verification:
    """A credential's verification report and its inclusion in the log."""

    report: credentials.Report
    log_index: int | None
    tree_size: int | None
    audit_path: list[bytes]


def verify(uow: UnitOfWork, ctx: LedgerContext, token: Any) -> Verification:
    """Verifies a presented credential and finds its inclusion proof in the log (reasons, never an exception)."""
    report = credentials.verify(
        token, resolve_key=lambda kid: identity.resolve_key(uow, kid), status_of=_status_of(uow, ctx), now=uow.clock()
    )
    if not report.format.ok:
        return Verification(report, None, None, [])
    head = log.latest_head(uow.conn)
    if head is None or head.tree_size == 0:
        return Verification(report, None, None, [])
    try:
        idx, path = log.proof_by_hash(uow.conn, merkle.leaf_hash(str(token).strip().encode()), head.tree_size)
    except (NotFound, DomainError):
        return Verification(report, None, head.tree_size, [])
    return Verification(report, idx, head.tree_size, path)


def status_list(uow: UnitOfWork, ctx: LedgerContext, org_id: str) -> str:
    """Returns the issuer's Bitstring Status List credential, signed (a compact JWS)."""
    org = store.get_org(uow.conn, org_id)
    if org is None or org.is_foreign:
        raise NotFound(f"no organisation '{org_id}' of this platform")
    bits = bytearray(STATUS_LIST_BITS // 8)
    revoked = uow.conn.execute(
        select(store.credentials.c.status_index).where(
            store.credentials.c.issuer_org == org_id, store.credentials.c.revoked_at.is_not(None)
        )
    ).scalars()
    for i in revoked:
        bits[i // 8] |= 0x80 >> (i % 8)  # bit 0 is the left-most bit of the first byte
    encoded = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()
    who = identity.signer(uow, ctx, org_id)
    url = status_url(ctx, org_id)
    vc = {
        "@context": [credentials.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": who.did,
        "validFrom": credentials.iso(uow.clock()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    return credentials.sign(vc, kid=who.kid, key=who.key)


def status_bit(encoded_list: str, index: int) -> bool:
    """Reads one bit of a Bitstring Status List's encodedList (multibase base64url of GZIP)."""
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded_list[1:] + "=" * (-len(encoded_list[1:]) % 4)))
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


def record_clearance(uow: UnitOfWork, ctx: LedgerContext, *, mrn: str, decision: str, status: str, office: str) -> int:
    """Appends a clearance decision partners rely on, signed by the administration; returns its leaf index."""
    identity.ensure_administration(uow, ctx)
    who = identity.signer(uow, ctx, ctx.administration)
    payload = {
        "type": "ClearanceDecision",
        "issuer": who.did,
        "mrn": mrn,
        "decision": decision,
        "status": status,
        "office": office,
        "decidedAt": credentials.iso(uow.clock()),
    }
    # Not sealed here: decisions are frequent, so the next tree head (get-sth, the next credential) covers them.
    return log.append(
        uow,
        kind="clearance",
        ref=mrn,
        leaf_input=credentials.sign(payload, kid=who.kid, key=who.key, typ="clearance+jwt").encode(),
    )


def rewrap_keys(uow: UnitOfWork, *, old_secret: str, new_secret: str, actor: str, reason: str = "") -> int:
    """Re-encrypts every stored signing key from the old platform secret to the new one; returns how many.

    All or nothing: a key that the old secret does not open fails the whole change (nothing is written).
    """
    from cryptography.exceptions import InvalidTag

    from clearway.ledger import keys as key_codec
    from clearway.platform import audit

    rows = uow.conn.execute(
        select(store.keys.c.kid, store.keys.c.private_key).where(store.keys.c.private_key.is_not(None))
    ).all()
    for row in rows:
        try:
            private = key_codec.decrypt_private(old_secret, row.kid, bytes(row.private_key))
        except (InvalidTag, ValueError):
            raise DomainError(
                f"the old secret does not open key {row.kid}; nothing was re-wrapped", code="OLD_SECRET_WRONG"
            ) from None
        uow.conn.execute(
            update(store.keys)
            .where(store.keys.c.kid == row.kid)
            .values(private_key=key_codec.encrypt_private(new_secret, row.kid, private))
        )
    audit.record(
        uow,
        actor=actor,
        role=audit.CLI_ROLE,
        action="ledger.keys.rewrap",
        target="ledger_keys",
        before=None,
        after={"keys": [r.kid for r in rows]},
        reason=reason or "platform secret rotated",
    )
    return len(rows)


CUSTOMS_STAFF = ("officer", "supervisor", "admin")


def visible_entries(uow: UnitOfWork, principal: Principal, start: int, end: int) -> list[dict[str, Any]]:
    """Returns log entries as the caller may see them: customs staff in full; a trader the entries about its own
    party (its AEO status, credentials its organisation issued or that name it); everyone else, and every other
    entry, only the leaf index and hash that RFC 9162 verification needs."""
    if principal.role in CUSTOMS_STAFF:
        return log.get_entries(uow.conn, start, end)
    party = principal.party_id if principal.is_trader else None
    if not party:
        return log.get_entries(uow.conn, start, end, reveal=lambda _row: False)
    own_orgs = set(uow.conn.execute(select(store.orgs.c.id).where(store.orgs.c.party_id == party)).scalars())

    def reveal(row: Any) -> bool:
        if row.kind == "credential":
            cred = uow.conn.execute(
                select(store.credentials.c.issuer_org, store.credentials.c.subject).where(
                    store.credentials.c.id == row.ref
                )
            ).first()
            return cred is not None and (cred.issuer_org in own_orgs or party in json.dumps(cred.subject))
        return bool(row.kind.startswith("aeo") and row.ref == party)

    return log.get_entries(uow.conn, start, end, reveal=reveal)
