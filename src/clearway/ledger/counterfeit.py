"""Anti-counterfeit check: a declared product's passport and chain of custody, from brand owner to importer."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from clearway.declarations import service as declarations
from clearway.declarations.model import Declaration, GoodsItem
from clearway.ledger import credentials, identity, phrases, store
from clearway.platform.db import UnitOfWork

_WORD = re.compile(r"[a-záéíóúñ0-9]{5,}")  # words that carry meaning, not units


@dataclass(frozen=True, slots=True)
class Flag:
    """One problem with a declared product: which item, which product id, a stable code and why."""

    item: int
    product_id: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """Returns the flag as JSON."""
        return asdict(self)


@dataclass
class _Cred:
    id: str
    kind: str
    issuer_org: str
    subject: dict[str, Any]
    problem: str | None


def _fixed(answer: str | None) -> credentials.StatusLookup:
    def lookup(_payload: dict[str, Any]) -> str | None:
        return answer

    return lookup


def _credentials_for(uow: UnitOfWork, product_id: str) -> list[_Cred]:
    rows = uow.conn.execute(
        select(store.credentials)
        .join(store.product_refs, store.product_refs.c.credential_id == store.credentials.c.id)
        .where(store.product_refs.c.product_id == product_id)
        .order_by(store.credentials.c.issued_at)
    ).all()
    out = []
    for r in rows:
        revoked = f"revoked: {r.revocation_reason}" if r.revoked_at is not None else None
        report = credentials.verify(
            r.jwt,
            resolve_key=lambda kid: identity.resolve_key(uow, kid),
            status_of=_fixed(revoked),
            now=uow.clock(),
        )
        out.append(_Cred(r.id, r.kind, r.issuer_org, dict(r.subject), "; ".join(report.reasons) or None))
    return out


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


@dataclass(frozen=True, slots=True)
class DeclaredProduct:
    """A product as declared on a declaration's goods item or a parcel: what it is said to be, and for whom."""

    item: int
    product_id: str
    commodity_code: str
    origin_country: str
    description: str
    importer_id: str


def check_item(uow: UnitOfWork, decl: Declaration, item: GoodsItem, product_id: str) -> list[Flag]:
    """Checks one product of a declaration's goods item."""
    return check_product(
        uow,
        DeclaredProduct(
            item.sequence, product_id, item.commodity_code, item.origin_country, item.description, decl.data.importer.id
        ),
    )


def check_product(uow: UnitOfWork, item: DeclaredProduct) -> list[Flag]:
    """Checks one declared product against its passport and traceability events."""
    flags: list[Flag] = []
    product_id = item.product_id

    def flag(code: str, message: str) -> None:
        flags.append(Flag(item.item, product_id, code, message))

    creds = _credentials_for(uow, product_id)
    passports = [c for c in creds if c.kind == "product_passport"]
    valid = [c for c in passports if c.problem is None]
    for c in passports:
        if c.problem is not None:
            flag("PASSPORT_INVALID", phrases.PASSPORT_INVALID(id=c.id, problem=c.problem))
    if not valid:
        if not passports:
            flag("NO_PASSPORT", phrases.NO_PASSPORT(product=product_id))
        return flags
    passport = valid[-1]
    product = passport.subject.get("product", {})
    hs = str(product.get("hsCode", "")).replace(".", "")
    if hs[:6] != item.commodity_code[:6]:
        flag("HS_MISMATCH", phrases.HS_MISMATCH(declared=item.commodity_code, hs=hs))
    if str(product.get("countryOfProduction", "")).upper() != item.origin_country.upper():
        flag(
            "ORIGIN_MISMATCH",
            phrases.ORIGIN_MISMATCH(declared=item.origin_country, country=product.get("countryOfProduction")),
        )
    known = _words(f"{product.get('name', '')} {product.get('description', '')}")
    if known and not known & _words(item.description):
        flag(
            "DESCRIPTION_MISMATCH", phrases.DESCRIPTION_MISMATCH(description=item.description, name=product.get("name"))
        )
    brand = store.get_org(uow.conn, passport.issuer_org)
    holder = brand.party_id if brand is not None and brand.party_id else passport.issuer_org
    events = []
    for c in creds:
        if c.kind != "traceability_event":
            continue
        if c.problem is not None:
            flag("EVENT_INVALID", phrases.EVENT_INVALID(id=c.id, problem=c.problem))
            continue
        try:
            at = credentials.parse_time(c.subject.get("eventTime")) or datetime.max
        except ValueError:
            flag("EVENT_INVALID", phrases.EVENT_TIME(id=c.id))
            continue
        events.append((at, c))
    events.sort(key=lambda e: e[0])
    if not events:
        flag("NO_TRACEABILITY", phrases.NO_TRACEABILITY(holder=holder))
        return flags
    for at, c in events:
        src = str((c.subject.get("from") or {}).get("id", ""))
        dst = str((c.subject.get("to") or {}).get("id", ""))
        if src != holder:
            flag(
                "CUSTODY_GAP",
                phrases.CUSTODY_GAP(at=credentials.iso(at), src=src, holder=holder),
            )
        holder = dst
    if holder != item.importer_id:
        flag("CHAIN_INCOMPLETE", phrases.CHAIN_INCOMPLETE(holder=holder, importer=item.importer_id))
    return flags


def check(uow: UnitOfWork, decl: Declaration) -> tuple[int, list[Flag]]:
    """Checks every product identifier declared; returns how many were checked and the flags."""
    flags: list[Flag] = []
    checked = 0
    for item in decl.data.goods_items:
        for pid in item.product_ids:
            checked += 1
            flags.extend(check_item(uow, decl, item, pid))
    return checked, flags


def counterfeit_flags(uow: UnitOfWork, mrn: str) -> list[Flag]:
    """Returns the anti-counterfeit flags of a declaration, checked against the ledger as it stands now."""
    return check(uow, declarations.get(uow, mrn))[1]


def record_check(uow: UnitOfWork, decl: Declaration) -> list[Flag]:
    """Checks a declaration's products and records the outcome in its history (the risk engine reads it there)."""
    checked, flags = check(uow, decl)
    if not checked:
        return []
    if flags:
        reason = "; ".join(phrases.FLAG(item=f.item, product=f.product_id, code=f.code) for f in flags[:5])
        declarations.record_event(
            uow,
            decl,
            "counterfeit_flag",
            actor="ledger",
            role="system",
            reason=phrases.FLAGGED(flags=reason),
            data={"flags": [f.as_dict() for f in flags]},
        )
    else:
        declarations.record_event(
            uow,
            decl,
            "products_verified",
            actor="ledger",
            role="system",
            reason=phrases.VERIFIED(checked=checked),
            data={"checked": checked},
        )
    return flags
