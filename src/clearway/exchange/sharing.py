"""What flows without a declaration: AEO status changes (live mutual recognition) and signed tree heads, with
their consistency proofs and on-chain anchors, checked on receipt and against the shared chain."""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import Any

from cryptography.exceptions import InvalidSignature
from sqlalchemy import select

from clearway.exchange import store
from clearway.ledger import aeo, anchor, identity, log, merkle
from clearway.ledger import credentials as vc
from clearway.ledger.identity import LedgerContext
from clearway.platform.db import UnitOfWork

logger = logging.getLogger(__name__)


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def share_aeo(uow: UnitOfWork, ctx: LedgerContext) -> list[str]:
    """Queues this administration's AEO status changes not yet sent to each partner sharing AEO status."""
    from clearway.exchange.service import enqueue, partners_for

    countries = partners_for(uow, "aeo_status", uow.clock().date())
    if not countries:
        return []
    parsed = vc.inspect(aeo.export(uow, ctx))
    if isinstance(parsed, str):  # pragma: no cover - we signed it ourselves
        return []
    entries = [str(e) for e in parsed[1].get("entries") or []]
    hashes = {hashlib.sha256(e.encode()).hexdigest(): e for e in entries}
    sent = []
    for country in countries:
        known = set(
            uow.conn.execute(
                select(store.aeo_shared.c.entry_hash).where(store.aeo_shared.c.country == country)
            ).scalars()
        )
        new = [h for h in hashes if h not in known]
        if not new:
            continue
        who = identity.signer(uow, ctx, ctx.administration)
        token = aeo.sign_export(who.kid, who.key, who.did, [hashes[h] for h in new], at=uow.clock())
        sent.append(enqueue(uow, country=country, kind="aeo_status", body={"export": token, "entries": len(new)}))
        uow.conn.execute(
            store.aeo_shared.insert(), [{"country": country, "entry_hash": h, "shared_at": uow.clock()} for h in new]
        )
    return sent


def _last_shared_size(uow: UnitOfWork, country: str) -> int:
    o = store.outbox.c
    rows = uow.conn.execute(select(o.body).where(o.country == country, o.kind == "tree_head")).scalars()
    return max((int(b.get("tree_size", 0)) for b in rows), default=0)


def share_head(uow: UnitOfWork, ctx: LedgerContext, *, chain: anchor.Chain | None = None) -> list[str]:
    """Signs the log's latest tree head (anchoring it first when a chain is given) and queues it for partners,
    with the consistency proof from the last head each partner received."""
    from clearway.exchange.service import enqueue, partners_for

    countries = partners_for(uow, "tree_head", uow.clock().date())
    if not countries:
        return []
    anchored = anchor.anchor_latest(uow, ctx, chain) if chain is not None else None
    head = log.seal(uow, ctx)
    if head.tree_size == 0:
        return []
    sent = []
    for country in countries:
        previous = _last_shared_size(uow, country)
        if previous >= head.tree_size:
            continue
        body: dict[str, Any] = {**head.as_json(), "previous_size": previous}
        body["consistency"] = [_b64(h) for h in log.consistency(uow.conn, previous, head.tree_size)] if previous else []
        if chain is not None and chain.contract is not None:
            body["anchor"] = {
                "chain_id": int(chain.w3.eth.chain_id),
                "contract": chain.address,
                "tx_hash": anchored.tx_hash if anchored else None,
            }
        sent.append(enqueue(uow, country=country, kind="tree_head", body=body))
    return sent


def receive(uow: UnitOfWork, country: str, body: dict[str, Any]) -> str:
    """Checks a partner's tree head: its signature, and its consistency with the last head received."""
    try:
        size, ts = int(body["tree_size"]), int(body["timestamp"])
        root = base64.b64decode(str(body["sha256_root_hash"]))
        signature = base64.b64decode(str(body["tree_head_signature"]))
        kid = str(body["log_id"])
        proof = [base64.b64decode(str(h)) for h in body.get("consistency") or []]
        previous = int(body.get("previous_size") or 0)
    except (KeyError, TypeError, ValueError):
        return _store(uow, country, body, False, "tree head malformed")
    problem = None
    key = identity.resolve_key(uow, kid)
    partner_org = uow.conn.execute(select(store.partners.c.org_id).where(store.partners.c.country == country)).scalar()
    if key is None or key.org_id != partner_org:
        problem = f"tree head signed by {kid}, not a key of {country}"
    else:
        try:
            key.verifier().verify(signature, log.tree_head_data(ts, size, root))
        except InvalidSignature:
            problem = "tree head signature does not verify"
    if problem is None:
        h = store.heads.c
        last = uow.conn.execute(
            select(h.tree_size, h.root_hash)
            .where(h.country == country, h.consistent.is_(True))
            .order_by(h.tree_size.desc())
            .limit(1)
        ).first()
        if last is not None and last.tree_size > size:
            problem = f"tree size {size} is smaller than the {last.tree_size} received before: the log shrank"
        elif last is not None and last.tree_size == size and base64.b64decode(last.root_hash) != root:
            problem = f"two different roots for tree size {size}: the log was rewritten"
        elif last is not None and last.tree_size < size:
            if previous != last.tree_size:
                problem = (
                    f"consistency proof from size {previous}, but the last head received has size {last.tree_size}"
                )
            elif not merkle.verify_consistency(last.tree_size, size, base64.b64decode(last.root_hash), root, proof):
                problem = f"the log of size {size} is not an extension of the one of size {last.tree_size}"
    return _store(uow, country, body, problem is None, problem)


def _store(uow: UnitOfWork, country: str, body: dict[str, Any], ok: bool, problem: str | None) -> str:
    raw_anchor = body.get("anchor")
    anchor_info: dict[str, Any] = raw_anchor if isinstance(raw_anchor, dict) else {}
    uow.conn.execute(
        store.heads.insert().values(
            country=country,
            tree_size=int(body.get("tree_size") or 0),
            root_hash=str(body.get("sha256_root_hash") or "")[:64],
            timestamp_ms=int(body.get("timestamp") or 0),
            signature=str(body.get("tree_head_signature") or "")[:128],
            kid=str(body.get("log_id") or "")[:320],
            chain_id=anchor_info.get("chain_id"),
            contract=(str(anchor_info["contract"])[:64] if anchor_info.get("contract") else None),
            tx_hash=(str(anchor_info["tx_hash"])[:80] if anchor_info.get("tx_hash") else None),
            received_at=uow.clock(),
            consistent=ok,
            problem=problem,
        )
    )
    if not ok:
        logger.warning("exchange: tree head from %s refused: %s", country, problem)
    return f"tree head {body.get('tree_size')} from {country}: " + ("consistent" if ok else f"INCONSISTENT: {problem}")


def check_partner_anchors(uow: UnitOfWork, chain: anchor.Chain, *, country: str | None = None) -> list[dict[str, Any]]:
    """Compares each anchored head received from partners with the root their contract holds on the chain."""
    h = store.heads.c
    rows = uow.conn.execute(
        select(store.heads)
        .where(h.contract.is_not(None), h.consistent.is_(True), *([h.country == country] if country else []))
        .order_by(h.country, h.tree_size)
    ).all()
    out = []
    for r in rows:
        chain.at(r.contract)
        on_chain = chain.root_of(int(r.tree_size))
        if on_chain == bytes(32):
            verdict = "not anchored on chain (yet)"
        elif on_chain == base64.b64decode(r.root_hash):
            verdict = "matches the chain"
        else:
            verdict = "DIFFERS from the root anchored on chain"
        out.append({"country": r.country, "tree_size": r.tree_size, "contract": r.contract, "verdict": verdict})
    return out


def heads_received(uow: UnitOfWork, *, country: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Lists partners' tree heads received, with the consistency verdict."""
    h = store.heads.c
    rows = uow.conn.execute(
        select(store.heads)
        .where(*([h.country == country.upper()] if country else []))
        .order_by(h.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "country": r.country,
            "tree_size": r.tree_size,
            "sha256_root_hash": r.root_hash,
            "consistent": bool(r.consistent),
            "problem": r.problem,
            "contract": r.contract,
            "tx_hash": r.tx_hash,
            "received_at": store.as_utc(r.received_at),
        }
        for r in rows
    ]
