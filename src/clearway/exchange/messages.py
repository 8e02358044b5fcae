"""Signed messages between administrations: compact JWS (Ed25519) with the sender's ledger key.

The payload names the message (``id``), its ``kind``, sender (``iss``, a DID) and receiver (``aud``), when it was
signed (``iat``) and its ``body``. The receiver checks, in order: it is a JWS at all, the key belongs to a
registered partner, the signature, the key's validity, the addressee, the time window, the agreement, and that
the id was not received before; each failure is a :class:`~clearway.exchange.model.Refusal` with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from clearway.exchange import store
from clearway.exchange.model import KINDS, Refusal, time_problem
from clearway.ledger import credentials, identity, keys
from clearway.ledger.identity import LedgerContext
from clearway.platform.db import UnitOfWork

TYP = "clearway-exchange+jwt"
MAX_TOKEN = 1_000_000


def sign(
    uow: UnitOfWork,
    ctx: LedgerContext,
    *,
    message_id: str,
    kind: str,
    body: dict[str, Any],
    to_did: str,
    signer: identity.Signer | None = None,
) -> str:
    """Signs a message with this administration's current ledger key (looked up unless given)."""
    who = signer or identity.signer(uow, ctx, ctx.administration)
    payload = {
        "type": "ClearwayExchangeMessage",
        "id": message_id,
        "kind": kind,
        "iss": who.did,
        "aud": to_did,
        "country": ctx.country,
        "iat": credentials.iso(uow.clock()),
        "body": body,
    }
    return credentials.sign(payload, kid=who.kid, key=who.key, typ=TYP)


@dataclass(frozen=True)
class Verified:
    """A message that passed every check."""

    message_id: str
    kind: str
    country: str
    issued_at: datetime
    body: dict[str, Any]
    token: str


class Refused(Exception):
    """A message refused, with the partner (if known) and message id (if readable)."""

    def __init__(self, refusal: Refusal, *, country: str | None = None, message_id: str | None = None) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal
        self.country = country
        self.message_id = message_id


def verify(uow: UnitOfWork, ctx: LedgerContext, token: Any, *, window: timedelta) -> Verified:
    """Verifies a received message; raises :class:`Refused` with the first reason it fails."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN or token.count(".") != 2:
        raise Refused(Refusal("UNSIGNED", "the body is not a compact JWS: unsigned messages are refused"))
    token = token.strip()
    if not token.rsplit(".", 1)[1]:
        raise Refused(Refusal("UNSIGNED", "the JWS carries no signature: unsigned messages are refused"))
    parsed = credentials.inspect(token)
    if isinstance(parsed, str):
        raise Refused(Refusal("MALFORMED", parsed))
    header, claimed = parsed
    if str(header.get("alg", "")).lower() == "none":
        raise Refused(Refusal("UNSIGNED", "the JWS carries no signature (alg none): refused"))
    message_id = str(claimed.get("id") or "")[:64] or None
    kid = str(header.get("kid") or "")
    key = identity.resolve_key(uow, kid) if kid else None
    partner = (
        uow.conn.execute(select(store.partners).where(store.partners.c.org_id == key.org_id)).first()
        if key is not None
        else None
    )
    if key is None or partner is None:
        raise Refused(
            Refusal(
                "PARTNER_UNKNOWN",
                f"key '{kid[:200]}' belongs to no partner administration: register it with "
                "'clearway exchange partner add'",
                403,
            ),
            message_id=message_id,
        )
    payload = credentials.verify_signature(token, key)
    if payload is None:
        raise Refused(
            Refusal(
                "SIGNATURE",
                f"signature does not match the key {kid} of {partner.country}: the message was altered or signed "
                "by another key",
                403,
            ),
            country=partner.country,
            message_id=message_id,
        )
    try:
        issued = credentials.parse_time(payload.get("iat"))
    except ValueError:
        issued = None
    if issued is None:
        raise Refused(Refusal("MALFORMED", "the message has no valid 'iat' time"), country=partner.country)
    late = time_problem(issued, uow.clock(), window)
    if late is not None:
        raise Refused(late, country=partner.country, message_id=message_id)
    problem = key.problem_at(issued)
    if problem:
        raise Refused(Refusal("KEY_INVALID", problem, 403), country=partner.country, message_id=message_id)
    our_did = keys.did_for(ctx.did_domain, ctx.administration)
    if payload.get("iss") != partner.did or payload.get("aud") != our_did:
        raise Refused(
            Refusal(
                "NOT_FOR_US",
                f"message from {payload.get('iss')} to {payload.get('aud')}; expected {partner.did} to {our_did}",
                403,
            ),
            country=partner.country,
            message_id=message_id,
        )
    kind = str(payload.get("kind"))
    body = payload.get("body")
    if kind not in KINDS or not isinstance(body, dict) or not message_id:
        raise Refused(
            Refusal("MALFORMED", f"kind must be one of {', '.join(KINDS)}, with an id and a body object"),
            country=partner.country,
            message_id=message_id,
        )
    return Verified(message_id, kind, partner.country, issued, body, token)
