"""The facts of a declaration that rules test and models read (plain Python, no I/O)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clearway.declarations.model import Declaration

# Columns of the warehouse export, one row per goods item (the 'platform' mapping reads them).
EXPORT_COLUMNS = (
    "item_id",
    "mrn",
    "accepted_at",
    "office",
    "declarant",
    "importer",
    "exporter",
    "representative",
    "commodity_code",
    "origin_country",
    "loading_country",
    "net_mass",
    "invoice_amount",
    "transport_mode",
    "procedure_code",
    "incoterm",
    "invoice_currency",
    "item_count",
)


def header(decl: Declaration, past_declarations: int) -> dict[str, Any]:
    """Returns the declaration-level facts."""
    d = decl.data
    return {
        "office": d.office,
        "importer": d.importer.id,
        "declarant": d.declarant.id,
        "exporter": d.exporter.id,
        "exporter_country": d.exporter.country,
        "representative": d.representative.id if d.representative else "",
        "transport_mode": str(d.consignment.transport_mode),
        "loading_country": d.consignment.loading_place[:2],
        "incoterm": d.invoice.incoterm,
        "currency": d.invoice.currency,
        "total_value": d.invoice.total_amount,
        "item_count": d.item_count,
        "importer_past_declarations": past_declarations,
    }


def items(decl: Declaration) -> list[dict[str, Any]]:
    """Returns the facts of each goods item, with its unit value (value per kg of net mass)."""
    out = []
    for g in decl.data.goods_items:
        unit_value = (g.invoice_amount / g.net_mass).quantize(Decimal("0.0001")) if g.net_mass > 0 else None
        out.append(
            {
                "sequence": g.sequence,
                "hs": g.commodity_code,
                "hs_chapter": g.commodity_code[:2],
                "hs_heading": g.commodity_code[:4],
                "origin": g.origin_country,
                "unit_value": unit_value,
                "net_mass": g.net_mass,
                "value": g.invoice_amount,
                "description": g.description,
                "procedure": g.procedure_code,
            }
        )
    return out


def parties(decl: Declaration) -> set[str]:
    """Returns the parties a watchlist may name: importer, declarant, exporter, representative."""
    d = decl.data
    found = {d.importer.id, d.declarant.id, d.exporter.id}
    if d.representative:
        found.add(d.representative.id)
    return found


def export_rows(decl: Declaration) -> list[dict[str, Any]]:
    """Returns the declaration's goods items as warehouse rows (the columns of EXPORT_COLUMNS)."""
    d = decl.data
    at = decl.accepted_at or decl.lodged_at
    return [
        {
            "item_id": f"{decl.mrn}-{g.sequence}",
            "mrn": decl.mrn,
            "accepted_at": at.isoformat(),
            "office": d.office,
            "declarant": d.declarant.id,
            "importer": d.importer.id,
            "exporter": d.exporter.id,
            "representative": d.representative.id if d.representative else "",
            "commodity_code": g.commodity_code,
            "origin_country": g.origin_country,
            "loading_country": d.consignment.loading_place[:2],
            "net_mass": str(g.net_mass),
            "invoice_amount": str(g.invoice_amount),
            "transport_mode": str(d.consignment.transport_mode),
            "procedure_code": g.procedure_code,
            "incoterm": d.invoice.incoterm,
            "invoice_currency": g.invoice_currency,
            "item_count": str(d.item_count),
        }
        for g in d.goods_items
    ]
