"""Mirror analysis: partners' export summaries matched to our imports, their gaps as risk facts and reasons."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select, update

from clearway.core.issues import NotFound
from clearway.declarations import service as declarations
from clearway.declarations.model import Declaration, Lane
from clearway.declarations.ports import LaneProposal, LodgingFacts
from clearway.exchange import phrases, store
from clearway.exchange.model import (
    MATCH_WINDOW_DAYS,
    MirrorFact,
    gaps,
    import_index,
    is_import,
    match_basis,
    monthly_key,
)
from clearway.exchange.ports import OfficialRates
from clearway.platform.db import UnitOfWork
from clearway.reference import hs_correlation

log = logging.getLogger(__name__)
SOURCE = "exchange-mirror"
_RANK = {"ucr": 0, "transport_document": 1, "parties_hs_dates": 2}


def _best(export: dict[str, Any], candidates: list[tuple[str, dict[str, Any]]]) -> tuple[str, str] | None:
    """Returns (key, basis) of the best candidate: UCR first, then transport document, then parties + HS6 + dates."""
    found = []
    hs = hs_correlation.current()
    for key, doc in candidates:
        basis = match_basis(export, doc, hs)
        if basis is not None:
            found.append(
                (
                    _RANK[basis],
                    abs((date.fromisoformat(doc["date"]) - date.fromisoformat(export["date"])).days),
                    key,
                    basis,
                )
            )
    if not found:
        return None
    _, _, key, basis = min(found)
    return key, basis


def compare(
    uow: UnitOfWork, export: dict[str, Any], imp: dict[str, Any], *, basis: str, import_mrn: str
) -> list[MirrorFact]:
    """Computes a matched pair's gaps with this administration's official rates and the HS correlation table."""
    providers = uow.ports.all(OfficialRates)
    national = providers[0].national_currency() if providers else None

    def rates(currency: str, on: date) -> Decimal | None:
        return providers[0].official_rate(uow, currency, on) if providers else None

    return gaps(
        export, imp, basis=basis, import_mrn=import_mrn, hs=hs_correlation.current(), rates=rates, national=national
    )


def _window(day: date) -> tuple[date, date]:
    return day - timedelta(days=MATCH_WINDOW_DAYS), day + timedelta(days=MATCH_WINDOW_DAYS)


def receive_export(uow: UnitOfWork, message_id: str, country: str, body: dict[str, Any]) -> str:
    """Stores a partner's export summary and matches it to an import already lodged here, if any."""
    summary = dict(body)
    summary["country"] = country  # the signed sender's country, whatever the body says
    try:
        day = date.fromisoformat(str(summary["date"]))
        if not (summary["mrn"] and summary["exporter"]["id"] and summary["consignee"]["id"]):
            raise ValueError("incomplete")
    except (KeyError, TypeError, ValueError):
        return "export summary without mrn, date or parties: kept unmatched"
    uow.conn.execute(
        store.exports.insert().values(
            message_id=message_id,
            country=country,
            mrn=str(summary["mrn"])[:40],
            ucr=(summary.get("ucr") or None),
            transport_document=(summary.get("transport_document") or None),
            day=day,
            summary=summary,
            received_at=uow.clock(),
        )
    )
    i = store.imports.c
    lo, hi = _window(day)
    # Cheapest first: a UCR or transport-document hit ends the search before the window scan.
    stages = [i.ucr == summary["ucr"]] if summary.get("ucr") else []
    if summary.get("transport_document"):
        stages.append(i.transport_document == summary["transport_document"])
    stages.append(and_(i.origin_country == country, i.day >= lo, i.day <= hi))
    for cond in stages:
        rows = uow.conn.execute(select(i.mrn, i.summary).where(i.matched_export.is_(None), cond)).all()
        best = _best(summary, [(r.mrn, r.summary) for r in rows])
        if best is not None:
            mrn, basis = best
            imp = next(r.summary for r in rows if r.mrn == mrn)
            return _link(uow, message_id, summary, mrn, imp, basis)
    return f"export {summary['mrn']}: no import matched yet"


def index_import(uow: UnitOfWork, mrn: str) -> str | None:
    """Indexes an accepted import from a partner country and matches it to a received export summary."""
    try:
        decl = declarations.get(uow, mrn)
    except NotFound:
        return None
    if not is_import(decl):
        return None
    origin = decl.data.exporter.country.upper()
    known = uow.conn.execute(select(store.partners.c.country).where(store.partners.c.country == origin)).first()
    if known is None:
        return None
    doc = import_index(decl)
    if uow.conn.execute(select(store.imports.c.mrn).where(store.imports.c.mrn == decl.mrn)).first() is None:
        uow.conn.execute(
            store.imports.insert().values(
                mrn=decl.mrn,
                origin_country=origin,
                ucr=doc.get("ucr"),
                transport_document=doc.get("transport_document"),
                day=date.fromisoformat(doc["date"]),
                summary=doc,
            )
        )
    found = _candidate_export(uow, doc, origin)
    if found is None:
        return None
    message_id, export, basis = found
    return _link(uow, message_id, export, decl.mrn, doc, basis)


def _candidate_export(uow: UnitOfWork, doc: dict[str, Any], origin: str) -> tuple[str, dict[str, Any], str] | None:
    e = store.exports.c
    lo, hi = _window(date.fromisoformat(doc["date"]))
    stages = [e.ucr == doc["ucr"]] if doc.get("ucr") else []
    if doc.get("transport_document"):
        stages.append(e.transport_document == doc["transport_document"])
    stages.append(and_(e.country == origin, e.day >= lo, e.day <= hi))
    hs = hs_correlation.current()
    for cond in stages:
        rows = uow.conn.execute(select(e.message_id, e.summary).where(e.import_mrn.is_(None), cond)).all()
        best: tuple[str, dict[str, Any], str] | None = None
        for r in rows:
            basis = match_basis(r.summary, doc, hs)
            if basis is not None and (best is None or _RANK[basis] < _RANK[best[2]]):
                best = (r.message_id, r.summary, basis)
        if best is not None:
            return best
    return None


def _link(
    uow: UnitOfWork, message_id: str, export: dict[str, Any], import_mrn: str, imp: dict[str, Any], basis: str
) -> str:
    facts = compare(uow, export, imp, basis=basis, import_mrn=import_mrn)
    uow.conn.execute(
        update(store.exports)
        .where(store.exports.c.message_id == message_id)
        .values(import_mrn=import_mrn, basis=basis, facts=[f.as_dict() for f in facts])
    )
    uow.conn.execute(update(store.imports).where(store.imports.c.mrn == import_mrn).values(matched_export=message_id))
    reasons = [f.reason for f in facts if f.severity != "low"] or [f.reason for f in facts]
    summary = phrases.MIRRORED(
        mrn=export["mrn"],
        country=export["country"],
        basis=basis.replace("_", " "),
        facts="; ".join(reasons) or phrases.NO_GAP(),
    )
    try:
        decl = declarations.get(uow, import_mrn)
    except NotFound:
        return summary
    declarations.record_event(
        uow,
        decl,
        "mirror_gap" if any(f.severity != "low" for f in facts) else "mirror_matched",
        actor=SOURCE,
        role="system",
        reason=summary[:1000],
        data={
            "export_mrn": export["mrn"],
            "partner": export["country"],
            "basis": basis,
            "facts": [f.as_dict() for f in facts],
        },
    )
    log.info("exchange: %s", summary)
    return summary


def mirror_facts(uow: UnitOfWork, mrn: str) -> list[MirrorFact]:
    """Returns the gaps recorded for an import declaration (its matched export), empty when it has none."""
    row = uow.conn.execute(select(store.exports.c.facts).where(store.exports.c.import_mrn == mrn.upper())).first()
    if row is None or not row.facts:
        return []
    return [MirrorFact.from_dict(f) for f in row.facts]


def facts_for(uow: UnitOfWork, decl: Declaration) -> list[MirrorFact]:
    """Returns the gaps of a declaration being lodged: recorded ones, else those of a match found now (no write)."""
    recorded = mirror_facts(uow, decl.mrn)
    if recorded or not is_import(decl):
        return recorded
    doc = import_index(decl)
    found = _candidate_export(uow, doc, decl.data.exporter.country.upper())
    if found is None:
        return []
    _, export, basis = found
    return compare(uow, export, doc, basis=basis, import_mrn=decl.mrn)


class MirrorLanes:
    """The lane provider port: a high value gap against the partner's export asks for a documentary check
    (red beyond it when quantities or HS disagree too); the reason names both figures."""

    precedence = 60  # after crisis protocols, before the general risk engine's score decides

    def propose(self, uow: UnitOfWork, decl: Declaration, lodging: LodgingFacts) -> LaneProposal | None:
        """Proposes yellow (or red) for declarations whose mirror gap is high."""
        facts = facts_for(uow, decl)
        serious = [f for f in facts if f.severity == "high"]
        if not serious:
            return None
        others = [f for f in facts if f.severity == "medium" and f.code in {"QUANTITY_GAP", "HS_MISMATCH"}]
        lane = Lane.RED if others else Lane.YELLOW
        share = next((Decimal(f.figures["share"]) for f in serious if "share" in f.figures), None)
        return LaneProposal(
            lane=lane,
            reasons=tuple(f.reason for f in [*serious, *others]),
            source=SOURCE,
            scores={"mirror": [f.as_dict() for f in facts], "value_gap": str(share) if share is not None else None},
        )


def unmatched(uow: UnitOfWork, *, country: str | None = None, limit: int = 200) -> dict[str, Any]:
    """Lists partners' exports no import matched, and imports from partner countries no export matched."""
    e, i = store.exports.c, store.imports.c
    exports = uow.conn.execute(
        select(e.message_id, e.country, e.mrn, e.day, e.summary)
        .where(e.import_mrn.is_(None), *([e.country == country.upper()] if country else []))
        .order_by(e.day.desc())
        .limit(limit)
    ).all()
    imports = uow.conn.execute(
        select(i.mrn, i.origin_country, i.day, i.summary)
        .where(i.matched_export.is_(None), *([i.origin_country == country.upper()] if country else []))
        .order_by(i.day.desc())
        .limit(limit)
    ).all()
    return {
        "exports": [
            {"partner": r.country, "export_mrn": r.mrn, "date": r.day.isoformat(), "ucr": r.summary.get("ucr"),
             "value": r.summary.get("value"), "currency": r.summary.get("currency")}
            for r in exports
        ],
        "imports": [
            {"partner": r.origin_country, "import_mrn": r.mrn, "date": r.day.isoformat(), "ucr": r.summary.get("ucr"),
             "value": r.summary.get("value"), "currency": r.summary.get("currency")}
            for r in imports
        ],
    }  # fmt: skip


def monthly_aggregates(uow: UnitOfWork, country: str) -> list[dict[str, Any]]:
    """Per month and HS6: what the partner declared exported to us vs what we declared imported from it."""
    e, i = store.exports.c, store.imports.c
    table: dict[tuple[str, str, str], dict[str, Any]] = {}

    hs = hs_correlation.current()

    def add(side: str, day: date, doc: dict[str, Any]) -> None:
        for item in doc.get("items", []):
            now = hs.to_hs2022(str(item["hs6"]))  # an HS 2017 code counts under its HS 2022 successor when it has one
            key = (monthly_key(day), now[0] if len(now) == 1 else str(item["hs6"]), str(doc.get("currency")))
            row = table.setdefault(
                key,
                {"month": key[0], "hs6": key[1], "currency": key[2], "exported_value": Decimal(0),
                 "imported_value": Decimal(0), "exported_mass": Decimal(0), "imported_mass": Decimal(0),
                 "exports": 0, "imports": 0},
            )  # fmt: skip
            row[f"{side}ed_value"] += Decimal(str(item["value"]))
            row[f"{side}ed_mass"] += Decimal(str(item["net_mass"]))
            row[f"{side}s"] += 1

    for r in uow.conn.execute(select(e.day, e.summary).where(e.country == country.upper())).all():
        add("export", r.day, r.summary)
    for r in uow.conn.execute(select(i.day, i.summary).where(i.origin_country == country.upper())).all():
        add("import", r.day, r.summary)
    out = []
    for key in sorted(table):
        row = table[key]
        ev, iv = row["exported_value"], row["imported_value"]
        row["gap"] = str(((iv - ev) / ev).quantize(Decimal("0.0001"))) if ev else None
        out.append({k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()})
    return out
