"""Converts between the API's declaration document and the domain's DeclarationData."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from clearway.declarations.model import (
    Consignment,
    DeclarationData,
    Document,
    GoodsItem,
    Invoice,
    Packages,
    Party,
    Representative,
)
from clearway.declarations.schemas import DeclarationIn, PartyIn


def _party(p: PartyIn) -> Party:
    return Party(id=p.id, name=p.name, country=p.country.upper(), address=p.address)


def to_domain(d: DeclarationIn, extensions: dict[str, Any] | None = None) -> DeclarationData:
    """Builds the domain declaration from the validated API input."""
    rep = d.representative
    c = d.consignment
    return DeclarationData(
        type=d.type.upper(),
        additional_type=d.additional_type.upper(),
        lrn=d.lrn,
        office=d.office.upper(),
        declarant=_party(d.declarant),
        importer=_party(d.importer),
        exporter=_party(d.exporter),
        representative=Representative(rep.id, rep.name, rep.country.upper(), rep.representation) if rep else None,
        consignment=Consignment(
            c.transport_mode,
            c.means_id,
            c.means_nationality.upper(),
            c.loading_place.upper(),
            c.discharge_place.upper(),
            c.arrival_date,
        ),
        invoice=Invoice(
            d.invoice.incoterm.upper(),
            d.invoice.currency.upper(),
            d.invoice.total_amount,
            d.invoice.number,
            d.invoice.freight,
            d.invoice.insurance,
        ),
        goods_items=tuple(
            GoodsItem(
                sequence=i.sequence,
                description=i.description,
                commodity_code=i.commodity_code,
                origin_country=i.origin_country.upper(),
                quantity=i.quantity,
                unit=i.unit.upper(),
                net_mass=i.net_mass,
                gross_mass=i.gross_mass,
                invoice_amount=i.invoice_amount,
                invoice_currency=i.invoice_currency.upper(),
                valuation_method=i.valuation_method,
                procedure_code=i.procedure_code,
                packages=Packages(i.packages.count, i.packages.kind.upper(), i.packages.marks),
                preference=i.preference,
                product_ids=tuple(i.product_ids),
            )
            for i in d.goods_items
        ),
        documents=tuple(Document(x.type, x.reference, x.item_sequence) for x in d.documents),
        total_items=d.total_items,
        total_packages=d.total_packages,
        extensions=extensions or {},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None or k in _KEEP_NONE}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


_KEEP_NONE: frozenset[str] = frozenset()


def to_json(data: DeclarationData) -> dict[str, Any]:
    """Returns the declaration as a JSON document (amounts as exact decimal strings)."""
    doc: dict[str, Any] = _plain(asdict(data))
    if not doc.get("extensions"):
        doc.pop("extensions", None)
    return doc


def from_json(doc: dict[str, Any]) -> DeclarationData:
    """Rebuilds the domain declaration from a stored JSON document."""
    body = {k: v for k, v in doc.items() if k != "extensions"}
    return to_domain(DeclarationIn.model_validate(body, strict=False), doc.get("extensions"))


def payload_hash(data: DeclarationData) -> str:
    """Returns a fingerprint of the declared content, to tell a retry from a different submission."""
    canonical = json.dumps(to_json(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
