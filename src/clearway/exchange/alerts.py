"""Alerts and seizures after the WCO CEN simplified form: published to partners, searchable, and turned into a
risk watchlist entry by an analyst in one step (through the risk capability's service functions)."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from clearway.core.issues import Conflict, NotFound, ValidationFailed
from clearway.exchange import store
from clearway.exchange.model import CEN_FIELDS, alert_issues, alert_text
from clearway.platform.db import UnitOfWork
from clearway.risk import service as risk

MAX_RESULTS = 200


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    out = {k: record.get(k) for k in ("kind", *CEN_FIELDS) if record.get(k) not in (None, "", [])}
    out["parties"] = [
        {k: str(v)[:200] for k, v in p.items() if k in ("id", "name", "role", "country")}
        for p in record.get("parties") or []
        if isinstance(p, dict)
    ]
    return out


def _insert(uow: UnitOfWork, *, alert_id: str, country: str, record: dict[str, Any], by: str, received: bool) -> None:
    uow.conn.execute(
        store.alerts.insert().values(
            id=alert_id,
            country=country,
            kind=record["kind"],
            record=record,
            text=alert_text(record),
            hs_code=(str(record.get("hs_code")) or None) if record.get("hs_code") else None,
            issued_at=uow.clock(),
            issued_by=by[:100],
            received=received,
        )
    )


def publish(uow: UnitOfWork, *, country: str, record: dict[str, Any], by: str) -> tuple[str, list[str]]:
    """Records an alert or seizure of this administration and queues it for every partner sharing alerts."""
    from clearway.exchange.service import broadcast

    problems = alert_issues(record)
    if problems:
        raise ValidationFailed(problems)
    clean = _clean(record)
    alert_id = str(uuid.uuid4())
    _insert(uow, alert_id=alert_id, country=country, record=clean, by=by, received=False)
    sent = broadcast(uow, kind="alert", body={"alert_id": alert_id, "record": clean})
    return alert_id, sent


def receive(uow: UnitOfWork, message_id: str, country: str, body: dict[str, Any]) -> str:
    """Stores a partner's alert (validated like ours)."""
    record = body.get("record")
    alert_id = str(body.get("alert_id") or message_id)[:36]
    if not isinstance(record, dict) or alert_issues(record):
        return "alert not in the CEN form: kept in the inbox only"
    if uow.conn.execute(select(store.alerts.c.id).where(store.alerts.c.id == alert_id)).first() is not None:
        return f"alert {alert_id} known already"
    clean = _clean(record)
    _insert(uow, alert_id=alert_id, country=country, record=clean, by=f"{country} customs", received=True)
    return f"{clean['kind']} {alert_id} from {country}: {str(clean.get('what'))[:120]}"


def _row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "country": r.country,
        "kind": r.kind,
        "record": r.record,
        "issued_at": store.as_utc(r.issued_at),
        "issued_by": r.issued_by,
        "received": bool(r.received),
        "watchlist": r.watchlist,
    }


def search(
    uow: UnitOfWork,
    *,
    q: str | None = None,
    hs: str | None = None,
    country: str | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Searches alerts by words (what, route, concealment, parties…), HS prefix, issuing country, kind, date."""
    a = store.alerts.c
    query = select(store.alerts)
    for word in (q or "").lower().split()[:8]:
        query = query.where(a.text.contains(word[:60], autoescape=True))
    if hs:
        query = query.where(a.hs_code.startswith(hs[:10], autoescape=True))
    if country:
        query = query.where(a.country == country.upper())
    if kind:
        query = query.where(a.kind == kind)
    if since:
        query = query.where(a.issued_at >= since)
    rows = uow.conn.execute(query.order_by(a.issued_at.desc()).limit(min(limit, MAX_RESULTS))).all()
    return [_row(r) for r in rows]


def get(uow: UnitOfWork, alert_id: str) -> dict[str, Any]:
    """Returns one alert."""
    r = uow.conn.execute(select(store.alerts).where(store.alerts.c.id == alert_id)).first()
    if r is None:
        raise NotFound(f"no alert {alert_id}")
    return _row(r)


def to_watchlist(uow: UnitOfWork, alert_id: str, *, severity: str, by: str, note: str | None = None) -> dict[str, Any]:
    """Turns an alert's parties into a watchlist of the risk criteria (a new rule set version) in one step."""
    alert = get(uow, alert_id)
    if alert["watchlist"]:
        raise Conflict(f"alert {alert_id} is on watchlist '{alert['watchlist']}' already", code="ALERT_WATCHLISTED")
    parties = sorted({p["id"] for p in alert["record"].get("parties") or [] if p.get("id")})
    if not parties:
        raise Conflict(f"alert {alert_id} names no party to watch", code="ALERT_NO_PARTIES")
    name = f"{alert['country']} {alert['kind']} {alert_id[:8]}"
    _, document = risk.ruleset_document(uow)
    doc = copy.deepcopy(document) if document else {}
    lists = list(doc.get("watchlists") or [])
    what = str(alert["record"].get("what", ""))[:200]
    description = f"{alert['country']} {alert['kind']}: {what}"
    lists.append({"name": name, "severity": severity, "parties": parties, "description": description})
    doc["watchlists"] = lists
    ruleset = risk.publish_ruleset(uow, doc, note=note or f"watchlist from {alert['country']} alert {alert_id}", by=by)
    uow.conn.execute(
        update(store.alerts).where(store.alerts.c.id == alert_id).values(watchlist=name, watchlisted_by=by[:100])
    )
    return {"alert": alert_id, "watchlist": name, "parties": parties, "ruleset_version": ruleset.version}
