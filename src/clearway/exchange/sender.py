"""Delivering the outbox: sign each due message, POST it to the partner's inbox, retry with exponential backoff.

No transaction is held while a partner is called: due messages are read, signed in a read-only unit of work,
sent, and the outcomes written in a short one. A partner that is down gets everything when it comes back; the
receiver deduplicates by message id, so an answer lost on the way (we retry, it says REPLAYED) counts as
delivered.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from clearway.exchange import messages, phrases, sharing, store
from clearway.exchange.config import ExchangeSettings, exchange_settings
from clearway.exchange.model import backoff
from clearway.ledger import anchor, identity
from clearway.ledger import service as ledger
from clearway.ledger.config import ledger_settings
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
INBOX_PATH = "/api/v1/exchange/inbox"


@dataclass
class DrainResult:
    """What one drain of the outbox did."""

    sent: int = 0
    retried: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


def prepare(runtime: Runtime, *, heads: bool = False) -> None:
    """Queues what flows without a declaration: new AEO status changes and, when asked, the latest tree head
    (anchored first when ``CLEARWAY_LEDGER_ANCHOR_URL`` names the shared chain)."""
    ctx = ledger.context(runtime)
    with runtime.uow() as uow:
        queued = sharing.share_aeo(uow, ctx)
        if heads:
            queued += sharing.share_head(uow, ctx, chain=_chain(runtime))
        if queued:
            uow.commit()


def _chain(runtime: Runtime) -> anchor.Chain | None:
    ls = ledger_settings(runtime)
    if not ls.anchor_url:
        return None
    cached = runtime.caches.get("exchange.chain")
    if not isinstance(cached, anchor.Chain):
        cached = anchor.connect(ls.anchor_url, account=ls.anchor_account, contract=ls.anchor_contract)
        runtime.caches["exchange.chain"] = cached
    return cached


def drain(
    runtime: Runtime, *, limit: int = 200, ignore_backoff: bool = False, client: httpx.Client | None = None
) -> DrainResult:
    """Sends every due message once; returns how many went, how many wait for a retry, how many were dropped."""
    settings = exchange_settings(runtime)
    ctx = ledger.context(runtime)
    result = DrainResult()
    o = store.outbox.c
    with runtime.uow(readonly=True) as uow:
        now = uow.clock()
        query = select(store.outbox).where(o.status == "pending")
        if not ignore_backoff:
            query = query.where(o.next_attempt_at <= now)
        due = uow.conn.execute(query.order_by(o.created_at, o.id).limit(limit)).all()
        if not due:
            return result
        partners = {p.country: p for p in uow.conn.execute(select(store.partners)).all()}
        who = identity.signer(uow, ctx, ctx.administration)  # once per drain, not per message
        signed: list[tuple[Any, tuple[str, str] | None, str | None]] = []
        for m in due:
            p = partners.get(m.country)
            if p is None:
                signed.append((m, None, "partner no longer registered"))
                continue
            token = messages.sign(uow, ctx, message_id=m.id, kind=m.kind, body=m.body, to_did=p.did, signer=who)
            signed.append((m, (p.url + INBOX_PATH, token), None))
    own = client is None
    http = client or httpx.Client(timeout=settings.timeout_seconds)
    down: set[str] = set()
    outcomes: list[dict[str, Any]] = []
    try:
        for m, target, problem in signed:
            if m.country in down:
                continue  # the partner did not answer this round: keep the order, try again later
            if target is None:
                outcomes.append(_outcome(m, settings, delivered=False, error=problem, permanent=True))
                continue
            url, token = target
            try:
                r = http.post(url, content=token, headers={"content-type": "application/jose"})
            except httpx.HTTPError as exc:
                down.add(m.country)
                outcomes.append(_outcome(m, settings, delivered=False, error=f"{type(exc).__name__}: {exc}"))
                continue
            code = _code(r)
            if r.status_code in (200, 201, 202) or (r.status_code == 409 and code == "REPLAYED"):
                outcomes.append(_outcome(m, settings, delivered=True))
            elif r.status_code >= 500 or r.status_code in (408, 429):
                down.add(m.country)
                outcomes.append(_outcome(m, settings, delivered=False, error=f"HTTP {r.status_code}"))
            else:
                reason = phrases.REFUSED(country=m.country, status=r.status_code, code=code, message=_message(r))
                outcomes.append(
                    _outcome(
                        m, settings, delivered=False, error=reason, permanent=m.attempts + 1 >= settings.max_refusals
                    )
                )
    finally:
        if own:
            http.close()
    with runtime.uow() as uow:
        now = uow.clock()
        for out in outcomes:
            values: dict[str, Any] = {"attempts": out["attempts"], "last_error": out["error"]}
            if out["delivered"]:
                values.update(status="sent", sent_at=now)
                result.sent += 1
            elif out["permanent"]:
                values.update(status="refused")
                result.dropped += 1
                result.errors.append(out["error"] or "")
            else:
                values.update(next_attempt_at=now + out["wait"])
                result.retried += 1
                result.errors.append(out["error"] or "")
            uow.conn.execute(update(store.outbox).where(o.id == out["id"]).values(**values))
        uow.commit()
    return result


def _outcome(
    m: Any, settings: ExchangeSettings, *, delivered: bool, error: str | None = None, permanent: bool = False
) -> dict[str, Any]:
    attempts = int(m.attempts) + 1
    wait = min(
        backoff(attempts, base=timedelta(seconds=settings.backoff_seconds)),
        timedelta(seconds=settings.backoff_max_seconds),
    )
    return {
        "id": m.id,
        "attempts": attempts,
        "delivered": delivered,
        "permanent": permanent,
        "error": None if error is None else error[:500],
        "wait": wait,
    }


def _code(r: httpx.Response) -> str:
    try:
        return str(r.json()["errors"][0]["code"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""


def _message(r: httpx.Response) -> str:
    try:
        return str(r.json()["errors"][0]["message"])[:300]
    except (ValueError, KeyError, IndexError, TypeError):
        return r.text[:300]


class Sender:
    """The background thread of a server: drains the outbox every ``sender_interval`` seconds."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = exchange_settings(runtime)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="clearway-exchange-sender", daemon=True)

    def start(self) -> None:
        """Starts the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Asks the thread to stop and waits for it a little."""
        self._stop.set()
        self._thread.join(timeout=self.settings.timeout_seconds + 2)

    def _run(self) -> None:
        every = self.settings.head_interval
        last_head = time.monotonic() - every  # the first round shares the current head
        with httpx.Client(timeout=self.settings.timeout_seconds) as client:
            while not self._stop.wait(self.settings.sender_interval):
                try:
                    heads = bool(every) and time.monotonic() - last_head >= every
                    prepare(self.runtime, heads=heads)
                    if heads:
                        last_head = time.monotonic()
                    drain(self.runtime, client=client)
                except Exception:  # the thread must outlive any one failure; it is logged and retried
                    log.exception("exchange: the outbox drain failed; retrying in %ss", self.settings.sender_interval)
