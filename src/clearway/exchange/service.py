"""Exchange use cases: partners and agreements, the outbox, receiving messages, the delivery log.

The reads other capabilities (and the console) use: ``partners``, ``deliveries``, ``mirror_facts``,
``unmatched``, ``monthly_aggregates``, ``search_alerts``.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from clearway.core import codes
from clearway.core.issues import Conflict, DomainError, Issue, NotFound, ValidationFailed
from clearway.exchange import alerts, mirror, phrases, sharing, store
from clearway.exchange.messages import Refused, Verified, verify
from clearway.exchange.mirror import mirror_facts as _mirror_facts
from clearway.exchange.model import KINDS, MirrorFact, Refusal
from clearway.ledger import aeo, identity
from clearway.ledger import service as ledger
from clearway.ledger.identity import LedgerContext
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)


def context(runtime: Runtime) -> LedgerContext:
    """Returns the ledger context this administration signs with."""
    return ledger.context(runtime)


def our_identity(uow: UnitOfWork, ctx: LedgerContext, *, public_url: str) -> dict[str, Any]:
    """Returns what a partner needs to register us: country, URL, DID and DID document."""
    identity.ensure_administration(uow, ctx)
    doc = identity.did_document(uow, ctx.administration)
    return {
        "country": ctx.country,
        "name": f"Customs administration {ctx.country} ({codes.country_name(ctx.country)})",
        "url": public_url.rstrip("/"),
        "did": doc["id"],
        "did_document": doc,
        "kinds": list(KINDS),
    }


def _org_id(country: str, did: str, ours: str) -> str:
    tail = did.rsplit(":", 1)[-1]
    if tail and tail != ours and tail.replace("-", "").replace(".", "").isalnum() and tail.islower():
        return tail[:64]
    return f"{country.lower()}-customs"


def fetch_did_document(url: str, did: str, *, timeout: float = 10) -> dict[str, Any]:
    """Fetches a partner's DID document from its published identity; refuses one that is not the DID given."""
    try:
        r = httpx.get(url.rstrip("/") + "/api/v1/exchange/identity", timeout=timeout)
        doc = r.json().get("did_document") if r.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        raise DomainError(
            f"the partner at {url} does not answer its identity: {exc}", code="PARTNER_UNREACHABLE"
        ) from None
    if not isinstance(doc, dict) or doc.get("id") != did:
        raise DomainError(f"the partner at {url} is not {did}", code="DID_MISMATCH")
    return doc


def add_partner(
    uow: UnitOfWork,
    ctx: LedgerContext,
    *,
    country: str,
    url: str,
    did: str,
    did_document: dict[str, Any],
    name: str | None = None,
    kinds: tuple[str, ...] = KINDS,
    since: date | None = None,
    mra_since: date | None = None,
    actor: str,
) -> dict[str, Any]:
    """Registers a partner administration (its keys go to the ledger) and what is shared with it from when."""
    country = country.upper()
    problems = []
    if not codes.is_country(country) or country == ctx.country:
        problems.append(Issue("COUNTRY", f"'{country}' is not another ISO 3166 country", "/country"))
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        problems.append(Issue("URL", "url is the partner's http(s) base URL", "/url"))
    if did_document.get("id") != did:
        problems.append(Issue("DID_MISMATCH", f"the DID document is of {did_document.get('id')}, not of {did}", "/did"))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        problems.append(Issue("KIND", f"unknown kinds {', '.join(unknown)}; kinds are {', '.join(KINDS)}", "/kinds"))
    if problems:
        raise ValidationFailed(problems)
    identity.ensure_administration(uow, ctx)
    existing = uow.conn.execute(select(store.partners).where(store.partners.c.country == country)).first()
    if existing is not None and existing.did != did:
        raise Conflict(f"partner {country} is registered with another DID ({existing.did})", code="PARTNER_EXISTS")
    org_id = existing.org_id if existing is not None else _org_id(country, did, ctx.administration)
    day = since or uow.clock().date()
    mra = mra_since if mra_since is not None else (day if "aeo_status" in kinds else None)
    identity.register_partner(
        uow,
        org_id=org_id,
        name=name or f"Customs administration {country}",
        country=country,
        did_document=did_document,
        mra_since=mra,
    )
    values = {"did": did, "url": url.rstrip("/"), "org_id": org_id, "name": name or f"Customs administration {country}"}
    if existing is None:
        uow.conn.execute(
            store.partners.insert().values(country=country, added_at=uow.clock(), added_by=actor, **values)
        )
    else:
        uow.conn.execute(update(store.partners).where(store.partners.c.country == country).values(**values))
    for kind in kinds:
        set_agreement(uow, country=country, kind=kind, since=day, actor=actor)
    log.info("exchange: partner %s registered by %s (%s)", country, actor, ", ".join(kinds))
    return partner(uow, country)


def set_agreement(
    uow: UnitOfWork, *, country: str, kind: str, since: date, until: date | None = None, actor: str
) -> None:
    """Records that ``kind`` is shared with (and accepted from) a partner from ``since`` (until ``until``)."""
    if kind not in KINDS:
        raise ValidationFailed([Issue("KIND", f"kinds are {', '.join(KINDS)}", "/kind")])
    if until is not None and until <= since:
        raise ValidationFailed([Issue("UNTIL", "until must be after since", "/until")])
    row = uow.conn.execute(
        select(store.agreements.c.id).where(
            store.agreements.c.country == country, store.agreements.c.kind == kind, store.agreements.c.since == since
        )
    ).first()
    if row is not None:
        uow.conn.execute(update(store.agreements).where(store.agreements.c.id == row.id).values(until=until))
        return
    uow.conn.execute(
        store.agreements.insert().values(
            country=country, kind=kind, since=since, until=until, created_at=uow.clock(), created_by=actor
        )
    )


def in_force(uow: UnitOfWork, country: str, kind: str, day: date) -> bool:
    """Tells whether an agreement shares ``kind`` with the partner on that day."""
    a = store.agreements.c
    row = uow.conn.execute(
        select(a.id).where(a.country == country, a.kind == kind, a.since <= day, or_(a.until.is_(None), a.until > day))
    ).first()
    return row is not None


def partners_for(uow: UnitOfWork, kind: str, day: date) -> list[str]:
    """Returns the partner countries ``kind`` is shared with on that day."""
    a = store.agreements.c
    rows = uow.conn.execute(
        select(a.country)
        .distinct()
        .where(a.kind == kind, a.since <= day, or_(a.until.is_(None), a.until > day))
        .order_by(a.country)
    ).scalars()
    return list(rows)


def partner(uow: UnitOfWork, country: str) -> dict[str, Any]:
    """Returns one partner with its agreements."""
    for p in partners(uow):
        if p["country"] == country.upper():
            return p
    raise NotFound(f"no partner administration {country}")


def partners(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lists the partner administrations, their agreements and their outbox backlog."""
    rows = uow.conn.execute(select(store.partners).order_by(store.partners.c.country)).all()
    agreements = uow.conn.execute(select(store.agreements).order_by(store.agreements.c.since)).all()
    backlog: dict[str, int] = {}
    for c in uow.conn.execute(select(store.outbox.c.country).where(store.outbox.c.status == "pending")).scalars():
        backlog[c] = backlog.get(c, 0) + 1
    return [
        {
            "country": r.country,
            "name": r.name,
            "did": r.did,
            "url": r.url,
            "org_id": r.org_id,
            "added_at": store.as_utc(r.added_at),
            "added_by": r.added_by,
            "pending_messages": backlog.get(r.country, 0),
            "agreements": [
                {"kind": a.kind, "since": a.since.isoformat(), "until": a.until.isoformat() if a.until else None}
                for a in agreements
                if a.country == r.country
            ],
        }
        for r in rows
    ]


def enqueue(uow: UnitOfWork, *, country: str, kind: str, body: dict[str, Any]) -> str:
    """Puts a message for a partner in the outbox (sent by the sender thread or ``clearway exchange send``)."""
    message_id = str(uuid.uuid4())
    now = uow.clock()
    uow.conn.execute(
        store.outbox.insert().values(
            id=message_id,
            country=country,
            kind=kind,
            body=body,
            created_at=now,
            status="pending",
            attempts=0,
            next_attempt_at=now,
        )
    )
    return message_id


def broadcast(uow: UnitOfWork, *, kind: str, body: dict[str, Any], only: str | None = None) -> list[str]:
    """Enqueues a message for every partner ``kind`` is shared with today (or only one); returns the ids."""
    countries = partners_for(uow, kind, uow.clock().date())
    return [enqueue(uow, country=c, kind=kind, body=body) for c in countries if only is None or c == only]


def receive(uow: UnitOfWork, ctx: LedgerContext, token: Any, *, window: timedelta) -> dict[str, Any]:
    """Verifies, deduplicates and handles a partner's message; raises :class:`Refused` with the reason."""
    msg = verify(uow, ctx, token, window=window)
    if not in_force(uow, msg.country, msg.kind, uow.clock().date()):
        raise Refused(
            Refusal("NO_AGREEMENT", f"no agreement in force receives '{msg.kind}' from {msg.country}", 403),
            country=msg.country,
            message_id=msg.message_id,
        )
    seen = uow.conn.execute(
        select(store.inbox.c.received_at).where(
            store.inbox.c.country == msg.country, store.inbox.c.message_id == msg.message_id
        )
    ).first()
    if seen is not None:
        raise _replayed(msg, store.as_utc(seen.received_at))
    try:
        with uow.conn.begin_nested():
            inserted = uow.conn.execute(
                store.inbox.insert().values(
                    message_id=msg.message_id,
                    country=msg.country,
                    kind=msg.kind,
                    body=msg.body,
                    jws=msg.token,
                    issued_at=msg.issued_at,
                    received_at=uow.clock(),
                    outcome="received",
                )
            ).inserted_primary_key
            row_id = inserted[0] if inserted is not None else None
    except IntegrityError:
        raise _replayed(msg, None) from None
    outcome = _handle(uow, ctx, msg)
    uow.conn.execute(update(store.inbox).where(store.inbox.c.id == row_id).values(outcome=outcome[:500]))
    log.info("exchange: %s %s from %s: %s", msg.kind, msg.message_id, msg.country, outcome)
    return {"id": msg.message_id, "kind": msg.kind, "from": msg.country, "status": "accepted", "outcome": outcome}


def _replayed(msg: Verified, when: datetime | None) -> Refused:
    reason = (
        phrases.REPLAYED_AT(message=msg.message_id, country=msg.country, at=f"{when:%Y-%m-%dT%H:%M:%SZ}")
        if when
        else phrases.REPLAYED(message=msg.message_id, country=msg.country)
    )
    return Refused(Refusal("REPLAYED", reason, 409), country=msg.country, message_id=msg.message_id)


def _handle(uow: UnitOfWork, ctx: LedgerContext, msg: Verified) -> str:
    if msg.kind == "export_summary":
        return mirror.receive_export(uow, msg.message_id, msg.country, msg.body)
    if msg.kind == "alert":
        return alerts.receive(uow, msg.message_id, msg.country, msg.body)
    if msg.kind == "aeo_status":
        try:
            result = aeo.import_export(uow, ctx, msg.body.get("export"))
        except DomainError as exc:
            raise Refused(Refusal(exc.code, exc.message), country=msg.country, message_id=msg.message_id) from None
        return f"{result.imported} AEO status change(s) imported, {result.already_known} known"
    return sharing.receive(uow, msg.country, msg.body)


def log_refusal(uow: UnitOfWork, refused: Refused, *, remote: str | None) -> None:
    """Keeps a refused message in the delivery log (in its own transaction: the refusal undid the rest)."""
    r = refused.refusal
    uow.conn.execute(
        store.refusals.insert().values(
            received_at=uow.clock(),
            country=refused.country,
            message_id=refused.message_id,
            code=r.code,
            reason=r.reason[:500],
            remote=(remote or "")[:64] or None,
        )
    )
    log.warning("exchange: refused a message from %s (%s): %s", refused.country or remote, r.code, r.reason)


def deliveries(uow: UnitOfWork, *, limit: int = 100) -> dict[str, Any]:
    """The delivery log for admins: messages received, refused, and the outbox."""
    i, r, o = store.inbox.c, store.refusals.c, store.outbox.c
    received = uow.conn.execute(
        select(i.message_id, i.country, i.kind, i.issued_at, i.received_at, i.outcome)
        .order_by(i.id.desc())
        .limit(limit)
    ).all()
    refused = uow.conn.execute(select(store.refusals).order_by(r.id.desc()).limit(limit)).all()
    sent = uow.conn.execute(select(store.outbox).order_by(o.created_at.desc()).limit(limit)).all()
    return {
        "received": [
            {
                "id": x.message_id,
                "from": x.country,
                "kind": x.kind,
                "issued_at": store.as_utc(x.issued_at),
                "received_at": store.as_utc(x.received_at),
                "outcome": x.outcome,
            }
            for x in received
        ],
        "refused": [
            {
                "at": store.as_utc(x.received_at),
                "from": x.country,
                "id": x.message_id,
                "code": x.code,
                "reason": x.reason,
                "remote": x.remote,
            }
            for x in refused
        ],
        "outbox": [
            {
                "id": x.id,
                "to": x.country,
                "kind": x.kind,
                "status": x.status,
                "attempts": x.attempts,
                "created_at": store.as_utc(x.created_at),
                "next_attempt_at": store.as_utc(x.next_attempt_at) if x.status == "pending" else None,
                "sent_at": store.as_utc(x.sent_at),
                "last_error": x.last_error,
            }
            for x in sent
        ],
    }


def received_count(uow: UnitOfWork, *, kind: str | None = None, country: str | None = None) -> int:
    """Counts the messages received (of a kind, from a partner)."""
    i = store.inbox.c
    q = select(i.id).where(and_(*([i.kind == kind] if kind else []), *([i.country == country] if country else [])))
    return len(uow.conn.execute(q).all())


def mirror_facts(uow: UnitOfWork, mrn: str) -> list[MirrorFact]:
    """Returns the mirror gaps of an import declaration against the partner's export (empty when unmatched)."""
    return _mirror_facts(uow, mrn)
