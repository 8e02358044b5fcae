"""An assessment as a JSON document (Decimal as strings) and back: what is stored and what the API shows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from clearway.core.time import ensure_utc
from clearway.tariff.model import Assessment, ItemAssessment, Levy, RateUsed


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _levy(lv: Levy) -> dict[str, Any]:
    return {
        "code": lv.code,
        "kind": lv.kind,
        "name": lv.name,
        "base": str(lv.base),
        "rate": _dec(lv.rate),
        "specific_rate": _dec(lv.specific_rate),
        "quantity": _dec(lv.quantity),
        "quantity_unit": lv.quantity_unit,
        "rate_text": lv.rate_text,
        "amount": str(lv.amount),
        "note": lv.note,
    }


def assessment_as_dict(a: Assessment) -> dict[str, Any]:
    """Returns the assessment as a JSON-able dict: per item values and levies, totals, rates used."""
    return {
        "mrn": a.mrn,
        "declaration_id": a.declaration_id,
        "declaration_version": a.declaration_version,
        "currency": a.currency,
        "incoterm": a.incoterm,
        "valuation_note": a.valuation_note,
        "acceptance_date": a.acceptance_date.isoformat(),
        "assessed_at": a.assessed_at.isoformat(),
        "schedule": {"id": a.schedule_id, "name": a.schedule_name},
        "exchange_rates": [
            {"currency": r.currency, "rate": str(r.rate), "valid_from": r.valid_from.isoformat()}
            for r in a.exchange_rates
        ],
        "items": [
            {
                "sequence": i.sequence,
                "commodity_code": i.commodity_code,
                "tariff_line": i.tariff_line,
                "origin_country": i.origin_country,
                "preference_claimed": i.preference_claimed,
                "preference_applied": i.preference_applied,
                "invoice_amount": str(i.invoice_amount),
                "invoice_currency": i.invoice_currency,
                "exchange_rate": str(i.exchange_rate),
                "price": str(i.price),
                "freight": str(i.freight),
                "insurance": str(i.insurance),
                "customs_value": str(i.customs_value),
                "levies": [_levy(lv) for lv in i.levies],
                "total": str(i.total),
                "notes": list(i.notes),
            }
            for i in a.items
        ],
        "declaration_levies": [_levy(lv) for lv in a.declaration_levies],
        "customs_value": str(a.customs_value),
        "totals": {code: str(amount) for code, amount in a.totals.items()},
        "total": str(a.total),
    }


def _opt(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _levy_from(d: dict[str, Any]) -> Levy:
    return Levy(
        code=d["code"],
        kind=d["kind"],
        name=d["name"],
        base=Decimal(d["base"]),
        amount=Decimal(d["amount"]),
        rate_text=d["rate_text"],
        rate=_opt(d.get("rate")),
        specific_rate=_opt(d.get("specific_rate")),
        quantity=_opt(d.get("quantity")),
        quantity_unit=d.get("quantity_unit"),
        note=d.get("note"),
    )


def assessment_from_dict(d: dict[str, Any]) -> Assessment:
    """Rebuilds an assessment from its stored document."""
    return Assessment(
        mrn=d["mrn"],
        declaration_id=d["declaration_id"],
        declaration_version=int(d["declaration_version"]),
        currency=d["currency"],
        incoterm=d["incoterm"],
        valuation_note=d["valuation_note"],
        acceptance_date=date.fromisoformat(d["acceptance_date"]),
        assessed_at=ensure_utc(datetime.fromisoformat(d["assessed_at"])),
        schedule_id=d["schedule"]["id"],
        schedule_name=d["schedule"]["name"],
        exchange_rates=tuple(
            RateUsed(r["currency"], Decimal(r["rate"]), date.fromisoformat(r["valid_from"]))
            for r in d["exchange_rates"]
        ),
        items=tuple(
            ItemAssessment(
                sequence=int(i["sequence"]),
                commodity_code=i["commodity_code"],
                tariff_line=i["tariff_line"],
                origin_country=i["origin_country"],
                preference_claimed=i.get("preference_claimed"),
                preference_applied=i.get("preference_applied"),
                invoice_amount=Decimal(i["invoice_amount"]),
                invoice_currency=i["invoice_currency"],
                exchange_rate=Decimal(i["exchange_rate"]),
                price=Decimal(i["price"]),
                freight=Decimal(i["freight"]),
                insurance=Decimal(i["insurance"]),
                customs_value=Decimal(i["customs_value"]),
                levies=tuple(_levy_from(lv) for lv in i["levies"]),
                notes=tuple(i.get("notes", ())),
            )
            for i in d["items"]
        ),
        declaration_levies=tuple(_levy_from(lv) for lv in d.get("declaration_levies", ())),
    )
