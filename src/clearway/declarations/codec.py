"""Converts between the API's declaration document and the domain's DeclarationData."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
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
from clearway.declarations.schemas import DeclarationIn


def _text(value: Any, upper: bool = False) -> str:
    """A declared text, stripped; the empty string stands for 'not declared'."""
    if not isinstance(value, str):
        return ""
    text: str = value.strip()
    return text.upper() if upper else text


def _opt_text(value: Any) -> str | None:
    return _text(value) or None


def _num(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: Any, default: date) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return default
    return default


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _party_of(value: Any) -> Party:
    p = _map(value)
    return Party(
        id=_text(p.get("id")),
        name=_text(p.get("name")),
        country=_text(p.get("country"), True),
        address=_opt_text(p.get("address")),
    )


def from_document(
    doc: dict[str, Any], extensions: dict[str, Any] | None = None, *, today: date | None = None
) -> DeclarationData:
    """Builds the domain declaration from a declaration document, leniently.

    Values that are absent (or were reported broken and removed) become placeholders: the empty string
    for texts, zero for numbers. Validation reports them; a placeholder never reaches an accepted
    declaration unless its category does not require the element.
    """
    zero = Decimal(0)
    rep = doc.get("representative")
    c, inv = _map(doc.get("consignment")), _map(doc.get("invoice"))
    items = (
        [i if isinstance(i, dict) else {} for i in doc.get("goods_items") or []]
        if isinstance(doc.get("goods_items"), list)
        else []
    )
    documents = (
        [x for x in doc.get("documents") or [] if isinstance(x, dict)] if isinstance(doc.get("documents"), list) else []
    )
    fallback = today or date(1970, 1, 1)
    return DeclarationData(
        type=_text(doc.get("type"), True),
        additional_type=_text(doc.get("additional_type"), True),
        lrn=_text(doc.get("lrn")),
        office=_text(doc.get("office"), True),
        declarant=_party_of(doc.get("declarant")),
        importer=_party_of(doc.get("importer")),
        exporter=_party_of(doc.get("exporter")),
        representative=Representative(
            _text(rep.get("id")),
            _text(rep.get("name")),
            _text(rep.get("country"), True),
            _text(rep.get("representation")),
        )
        if isinstance(rep, dict)
        else None,
        consignment=Consignment(
            _int(c.get("transport_mode")) or 0,
            _text(c.get("means_id")),
            _text(c.get("means_nationality"), True),
            _text(c.get("loading_place"), True),
            _text(c.get("discharge_place"), True),
            _date(c.get("arrival_date"), fallback),
        ),
        invoice=Invoice(
            _text(inv.get("incoterm"), True),
            _text(inv.get("currency"), True),
            _num(inv.get("total_amount")) or zero,
            _opt_text(inv.get("number")),
            _num(inv.get("freight")),
            _num(inv.get("insurance")),
        ),
        goods_items=tuple(
            GoodsItem(
                sequence=_int(i.get("sequence")) or 0,
                description=_text(i.get("description")),
                commodity_code=_text(i.get("commodity_code")),
                origin_country=_text(i.get("origin_country"), True),
                quantity=_num(i.get("quantity")) or zero,
                unit=_text(i.get("unit"), True),
                net_mass=_num(i.get("net_mass")) or zero,
                gross_mass=_num(i.get("gross_mass")) or zero,
                invoice_amount=_num(i.get("invoice_amount")) or zero,
                invoice_currency=_text(i.get("invoice_currency"), True),
                valuation_method=_text(i.get("valuation_method")),
                procedure_code=_text(i.get("procedure_code")),
                packages=Packages(
                    _int(_map(i.get("packages")).get("count")) or 0,
                    _text(_map(i.get("packages")).get("kind"), True),
                    _opt_text(_map(i.get("packages")).get("marks")),
                ),
                preference=_opt_text(i.get("preference")),
                product_ids=tuple(p for p in i.get("product_ids") or [] if isinstance(p, str)),
            )
            for i in items
        ),
        documents=tuple(
            Document(_text(x.get("type")), _text(x.get("reference")), _int(x.get("item_sequence"))) for x in documents
        ),
        total_items=_int(doc.get("total_items")),
        total_packages=_int(doc.get("total_packages")),
        extensions=extensions or {},
    )


def to_domain(d: DeclarationIn, extensions: dict[str, Any] | None = None) -> DeclarationData:
    """Builds the domain declaration from the validated API input."""
    return from_document(d.model_dump(mode="python"), extensions)


def with_derivations(
    data: DeclarationData, derived: list[dict[str, Any]], category: str, matrix: Any
) -> DeclarationData:
    """Returns the declaration with its derivations and category recorded in its extensions."""
    ext = dict(data.extensions)
    ext["requirements"] = {
        "category": category,
        "matrix": f"{getattr(matrix, 'administration', '')} {getattr(matrix, 'version', '')}".strip(),
        "derived": derived,
    }
    return replace(data, extensions=ext)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _party_json(p: Party) -> dict[str, Any]:
    return _drop_none({"id": p.id, "name": p.name, "country": p.country, "address": p.address})


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != ""}


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
        "consignment": _drop_none(
            {
                "transport_mode": c.transport_mode or None,
                "means_id": c.means_id,
                "means_nationality": c.means_nationality,
                "loading_place": c.loading_place,
                "discharge_place": c.discharge_place,
                "arrival_date": c.arrival_date.isoformat(),
            }
        ),
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
    if not (data.exporter.id or data.exporter.name):
        del doc["exporter"]
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
    return from_document(body, doc.get("extensions"))


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
