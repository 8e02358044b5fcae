"""Organisations, their signing keys (rotation, revocation) and DID documents."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, update

from clearway.core.issues import Conflict, DomainError, NotFound
from clearway.ledger import keys, store
from clearway.ledger.keys import KeyRecord
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)

ORG_KINDS = ("administration", "agency", "exporter", "importer", "brand_owner", "manufacturer", "carrier")


@dataclass(frozen=True)
class LedgerContext:
    """What ledger services need from the platform: the platform secret, the DID domain and the administration."""

    secret_key: str
    did_domain: str
    administration: str
    country: str


@dataclass(frozen=True, slots=True)
class Signer:
    """A private key ready to sign, with its key id."""

    kid: str
    key: Ed25519PrivateKey
    org_id: str
    did: str


def create_org(
    uow: UnitOfWork,
    ctx: LedgerContext,
    *,
    org_id: str,
    name: str,
    country: str,
    kind: str,
    party_id: str | None = None,
) -> str:
    """Registers an organisation of this platform with a first signing key; returns its DID."""
    if kind not in ORG_KINDS:
        raise DomainError(f"unknown organisation kind '{kind}'; kinds are {', '.join(ORG_KINDS)}", code="ORG_KIND")
    if not org_id.replace("-", "").replace(".", "").isalnum() or not org_id.islower():
        raise DomainError("an organisation id is lower-case letters, digits, '-' and '.'", code="ORG_ID")
    if store.get_org(uow.conn, org_id) is not None:
        raise Conflict(f"organisation '{org_id}' exists already", code="ORG_EXISTS")
    did = keys.did_for(ctx.did_domain, org_id)
    uow.conn.execute(
        store.orgs.insert().values(
            id=org_id,
            did=did,
            name=name,
            country=country.upper(),
            kind=kind,
            party_id=party_id,
            is_foreign=False,
            mra_since=None,
            created_at=uow.clock(),
        )
    )
    _new_key(uow, ctx, org_id, did, 1)
    return did


def _new_key(uow: UnitOfWork, ctx: LedgerContext, org_id: str, did: str, number: int) -> str:
    kid = f"{did}#key-{number}"
    private = keys.generate()
    uow.conn.execute(
        store.keys.insert().values(
            kid=kid,
            org_id=org_id,
            public_key=keys.public_raw(private),
            private_key=keys.encrypt_private(ctx.secret_key, kid, private),
            valid_from=_second(uow),
        )
    )
    log.info("ledger: new signing key %s", kid)  # the key id only, never key material
    return kid


def _second(uow: UnitOfWork) -> datetime:
    # Credentials state their times to the second: key validity is kept at the same precision.
    return uow.clock().replace(microsecond=0)


def ensure_administration(uow: UnitOfWork, ctx: LedgerContext) -> None:
    """Creates this administration's organisation and key the first time the ledger needs them."""
    if store.get_org(uow.conn, ctx.administration) is not None:
        return
    # Two first requests may race to create it: serialise on the log's lock, then look again.
    store.lock_log(uow.conn)
    if store.get_org(uow.conn, ctx.administration) is None:
        create_org(
            uow,
            ctx,
            org_id=ctx.administration,
            name=f"Customs administration {ctx.country}",
            country=ctx.country,
            kind="administration",
        )


def current_key(uow: UnitOfWork, org_id: str) -> KeyRecord:
    """Returns the key an organisation signs with now."""
    now = uow.clock()
    # Not retired and not revoked now. A key's start date is not checked here: jobs that replay past events
    # (imports, the demo) run with earlier clocks than the key's creation.
    usable = [
        k
        for k in store.org_keys(uow.conn, org_id)
        if (k.valid_until is None or now < k.valid_until) and (k.revoked_at is None or now < k.revoked_at)
    ]
    if not usable:
        raise DomainError(f"organisation '{org_id}' has no valid signing key; rotate one in", code="NO_SIGNING_KEY")
    return usable[-1]


def signer(uow: UnitOfWork, ctx: LedgerContext, org_id: str) -> Signer:
    """Returns the decrypted current signing key of an organisation of this platform."""
    org = store.get_org(uow.conn, org_id)
    if org is None:
        raise NotFound(f"no organisation '{org_id}'")
    if org.is_foreign:
        raise DomainError(
            f"'{org_id}' is a partner's organisation: this platform holds no key of it", code="FOREIGN_ORG"
        )
    record = current_key(uow, org_id)
    blob = uow.conn.execute(select(store.keys.c.private_key).where(store.keys.c.kid == record.kid)).scalar_one()
    cache_key = (record.kid, bytes(blob))
    try:
        private = _DECRYPTED.get(cache_key) or keys.decrypt_private(ctx.secret_key, record.kid, bytes(blob))
    except InvalidTag:
        raise DomainError(
            "the signing key cannot be decrypted: CLEARWAY_SECRET_KEY differs from the one that stored it",
            code="KEY_DECRYPT",
        ) from None
    _DECRYPTED[cache_key] = private
    return Signer(record.kid, private, org_id, org.did)


_DECRYPTED: dict[tuple[str, bytes], Ed25519PrivateKey] = {}


def rotate_key(uow: UnitOfWork, ctx: LedgerContext, org_id: str) -> str:
    """Retires the current key (its past signatures stay valid) and creates the next; returns the new key id."""
    org = store.get_org(uow.conn, org_id)
    if org is None or org.is_foreign:
        raise NotFound(f"no organisation '{org_id}' of this platform")
    now = uow.clock()  # exact: what the old key signed earlier in this second stays valid
    existing = store.org_keys(uow.conn, org_id)
    uow.conn.execute(
        update(store.keys)
        .where(store.keys.c.org_id == org_id, store.keys.c.valid_until.is_(None))
        .values(valid_until=now)
    )
    return _new_key(uow, ctx, org_id, org.did, len(existing) + 1)


def revoke_key(uow: UnitOfWork, kid: str, *, reason: str, at: datetime | None = None) -> KeyRecord:
    """Revokes a key from a date (e.g. when it was compromised): what it signed from then on fails."""
    record = store.get_key(uow.conn, kid)
    if record is None:
        raise NotFound(f"no key '{kid}'")
    if record.revoked_at is not None:
        raise Conflict(f"key '{kid}' was revoked already", code="KEY_REVOKED")
    when = at or uow.clock()
    uow.conn.execute(
        update(store.keys).where(store.keys.c.kid == kid).values(revoked_at=when, revocation_reason=reason)
    )
    result = store.get_key(uow.conn, kid)
    assert result is not None
    return result


def resolve_key(uow: UnitOfWork, kid: str) -> KeyRecord | None:
    """Resolves a key id to its published key (ours or a registered partner's)."""
    return store.get_key(uow.conn, kid)


def did_document(uow: UnitOfWork, org_id: str) -> dict[str, Any]:
    """Returns an organisation's DID document with every key and its dates."""
    org = store.get_org(uow.conn, org_id)
    if org is None:
        raise NotFound(f"no organisation '{org_id}'")
    return keys.did_document(org.did, store.org_keys(uow.conn, org_id), name=org.name)


def register_partner(
    uow: UnitOfWork,
    *,
    org_id: str,
    name: str,
    country: str,
    did_document: dict[str, Any],
    mra_since: date | None,
) -> str:
    """Registers (or refreshes the keys of) a partner administration from its DID document, with the MRA date."""
    try:
        records = keys.keys_from_did_document(did_document, org_id)
    except (ValueError, TypeError, AttributeError) as exc:
        raise DomainError(f"the partner's DID document is not usable: {exc}", code="DID_DOCUMENT") from None
    did = str(did_document["id"])
    existing = store.get_org(uow.conn, org_id)
    if existing is not None and (not existing.is_foreign or existing.did != did):
        raise Conflict(f"organisation '{org_id}' exists with another identity", code="ORG_EXISTS")
    if existing is None:
        uow.conn.execute(
            store.orgs.insert().values(
                id=org_id,
                did=did,
                name=name,
                country=country.upper(),
                kind="administration",
                party_id=None,
                is_foreign=True,
                mra_since=mra_since,
                created_at=uow.clock(),
            )
        )
    else:
        uow.conn.execute(update(store.orgs).where(store.orgs.c.id == org_id).values(mra_since=mra_since, name=name))
    for r in records:
        known = store.get_key(uow.conn, r.kid)
        values = {"valid_until": r.valid_until, "revoked_at": r.revoked_at}
        if known is None:
            uow.conn.execute(
                store.keys.insert().values(
                    kid=r.kid, org_id=org_id, public_key=r.public_key, valid_from=r.valid_from, **values
                )
            )
        elif known.public_key != r.public_key:
            raise Conflict(f"partner key {r.kid} changed its public key: refused", code="KEY_CHANGED")
        else:
            uow.conn.execute(update(store.keys).where(store.keys.c.kid == r.kid).values(**values))
    return did


def list_orgs(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lists the organisations known to the ledger."""
    rows = uow.conn.execute(select(store.orgs).order_by(store.orgs.c.id)).all()
    return [
        {
            "id": r.id,
            "did": r.did,
            "name": r.name,
            "country": r.country,
            "kind": r.kind,
            "party_id": r.party_id,
            "foreign": bool(r.is_foreign),
            "mra_since": r.mra_since.isoformat() if r.mra_since else None,
        }
        for r in rows
    ]
