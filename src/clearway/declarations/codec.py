"""Converts between the API's declaration document and the domain's DeclarationData."""

from __future__ import annotations

import hashlib
import json
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


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _party_json(p: Party) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "name": p.name, "country": p.country}
    if p.address is not None:
        out["address"] = p.address
    return out


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def to_json(data: DeclarationData) -> dict[str, Any]:
    """Returns the declaration as a JSON document (amounts as exact decimal strings)."""
    c, inv, rep = data.consignment, data.invoice, data.representative
    doc: dict[str, Any] = {
        "type": data.type,
        "additional_type": data.additional_type,
        "lrn": data.lrn,
        "office": data.office,
        "declarant": _party_json(data.declarant),
        "importer": _party_json(data.importer),
        "exporter": _party_json(data.exporter),
        "consignment": {
            "transport_mode": c.transport_mode,
            "means_id": c.means_id,
            "means_nationality": c.means_nationality,
            "loading_place": c.loading_place,
            "discharge_place": c.discharge_place,
            "arrival_date": c.arrival_date.isoformat(),
        },
        "invoice": _drop_none(
            {
                "number": inv.number,
                "incoterm": inv.incoterm,
                "currency": inv.currency,
                "total_amount": str(inv.total_amount),
                "freight": _s(inv.freight),
                "insurance": _s(inv.insurance),
            }
        ),
        "goods_items": [
            _drop_none(
                {
                    "sequence": i.sequence,
                    "description": i.description,
                    "commodity_code": i.commodity_code,
                    "origin_country": i.origin_country,
                    "preference": i.preference,
                    "quantity": str(i.quantity),
                    "unit": i.unit,
                    "net_mass": str(i.net_mass),
                    "gross_mass": str(i.gross_mass),
                    "invoice_amount": str(i.invoice_amount),
                    "invoice_currency": i.invoice_currency,
                    "valuation_method": i.valuation_method,
                    "procedure_code": i.procedure_code,
                    "packages": _drop_none(
                        {"count": i.packages.count, "kind": i.packages.kind, "marks": i.packages.marks}
                    ),
                    "product_ids": list(i.product_ids) or None,
                }
            )
            for i in data.goods_items
        ],
        "documents": [
            _drop_none({"type": d.type, "reference": d.reference, "item_sequence": d.item_sequence})
            for d in data.documents
        ],
    }
    if rep is not None:
        doc["representative"] = {
            "id": rep.id,
            "name": rep.name,
            "country": rep.country,
            "representation": rep.representation,
        }
    if data.total_items is not None:
        doc["total_items"] = data.total_items
    if data.total_packages is not None:
        doc["total_packages"] = data.total_packages
    if data.extensions:
        doc["extensions"] = data.extensions
    return doc


def from_json(doc: dict[str, Any]) -> DeclarationData:
    """Rebuilds the domain declaration from a stored JSON document."""
    body = {k: v for k, v in doc.items() if k != "extensions"}
    return to_domain(DeclarationIn.model_validate(body, strict=False), doc.get("extensions"))


def payload_hash(document: dict[str, Any]) -> str:
    """Returns a fingerprint of the declared content, to tell a retry from a different submission."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _flatten(value: Any, pointer: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            _flatten(sub, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}", out)
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            _flatten(sub, f"{pointer}/{index}", out)
    else:
        out[pointer] = value


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Lists every changed field of a declaration as ``{"pointer", "old", "new"}`` (JSON pointers, in order).

    The verbatim extensions of a WCO DM message are compared as a whole (``/extensions``), not element by element.
    """
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten({k: v for k, v in old.items() if k != "extensions"}, "", before)
    _flatten({k: v for k, v in new.items() if k != "extensions"}, "", after)
    changes = [
        {"pointer": p, "old": before.get(p), "new": after.get(p)}
        for p in sorted(before.keys() | after.keys())
        if before.get(p) != after.get(p)
    ]
    if old.get("extensions") != new.get("extensions"):
        changes.append({"pointer": "/extensions", "old": "(original message data)", "new": "(changed)"})
    return changes
