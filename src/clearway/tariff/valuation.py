"""Assessing a declaration: customs value by incoterm, conversion, duty (MFN or preferential), taxes, fees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from clearway.core.issues import Issue, ValidationFailed, pointer
from clearway.declarations.model import Declaration, DeclarationData, GoodsItem
from clearway.tariff.model import (
    ADD_FREIGHT_AND_INSURANCE,
    ADD_INSURANCE,
    AS_INVOICED,
    CENT,
    HUNDRED,
    ZERO,
    Assessment,
    DutyLine,
    ExchangeRate,
    ItemAssessment,
    Levy,
    RateUsed,
    Schedule,
    TaxRule,
    apportion,
)

RateLookup = Callable[[str], ExchangeRate | None]
# Units that count the same thing: pieces.
_PIECES = frozenset({"H87", "PCE", "NAR"})


def acceptance_date(decl: Declaration) -> date:
    """Returns the day (UTC) whose exchange rate applies: the day the declaration was accepted."""
    return (decl.accepted_at or decl.lodged_at).date()


def valuation_note(incoterm: str) -> str:
    """Explains how the customs value (CIF at the border) is built from the invoice under an incoterm."""
    if incoterm in ADD_FREIGHT_AND_INSURANCE:
        return f"{incoterm}: freight and insurance to the border added to the invoice price"
    if incoterm in ADD_INSURANCE:
        return f"{incoterm}: freight included in the price; insurance added"
    if incoterm in AS_INVOICED:
        return f"{incoterm}: the price includes freight and insurance to the border"
    return (
        f"{incoterm}: the price includes delivery at destination; taken as the customs value "
        "(carriage after importation is not deducted)"
    )


def assess(
    decl: Declaration,
    schedule: Schedule,
    *,
    schedule_id: str,
    rates: RateLookup,
    assessed_at: datetime,
) -> Assessment:
    """Computes what a declaration owes under a schedule; raises with every issue that prevents it."""
    data = decl.data
    national = schedule.currency
    day = acceptance_date(decl)
    issues: list[Issue] = []
    used: dict[str, RateUsed] = {}
    missing: set[str] = set()

    def rate_of(currency: str, where: str) -> Decimal:
        if currency == national:
            return Decimal(1)
        if currency in used:
            return used[currency].rate
        found = None if currency in missing else rates(currency)
        if found is None:
            if currency in missing:
                return Decimal(1)
            missing.add(currency)
            issues.append(
                Issue(
                    "EXCHANGE_RATE_MISSING",
                    f"no {currency} to {national} exchange rate is in force on {day.isoformat()}; the customs "
                    "administration must publish it (clearway tariff rates load) before this can be assessed",
                    where,
                )
            )
            return Decimal(1)
        used[currency] = RateUsed(currency, found.rate, found.valid_from)
        return found.rate

    unassessable = base_issues(data)
    if unassessable:  # nothing meaningful (nor safe: NaN, infinity) can be computed from these bases
        raise ValidationFailed(unassessable)
    invoice_rate = rate_of(data.invoice.currency, "/invoice/currency")
    freight, insurance = _charges(data, issues)
    prices = [
        (item.invoice_amount * rate_of(item.invoice_currency, pointer("goods_items", k, "invoice_currency"))).quantize(
            CENT
        )
        for k, item in enumerate(data.goods_items)
    ]
    freights = apportion((freight * invoice_rate).quantize(CENT), prices)
    insurances = apportion((insurance * invoice_rate).quantize(CENT), prices)
    items = []
    for k, item in enumerate(data.goods_items):
        customs_value = prices[k] + freights[k] + insurances[k]
        items.append(
            _assess_item(
                data,
                k,
                item,
                schedule,
                rate=used[item.invoice_currency].rate if item.invoice_currency in used else Decimal(1),
                price=prices[k],
                freight=freights[k],
                insurance=insurances[k],
                customs_value=customs_value,
                issues=issues,
            )
        )
    if issues:
        raise ValidationFailed(issues)
    _refuse_impossible_levies(items)
    fees = tuple(
        Levy(t.code, "fee", t.name, ZERO, t.rounding.apply(t.amount or ZERO), f"{t.amount} {national}")
        for t in schedule.taxes
        if t.kind == "fee" and t.per == "declaration"
    )
    return Assessment(
        mrn=decl.mrn,
        declaration_id=decl.id,
        declaration_version=decl.version,
        currency=national,
        incoterm=data.invoice.incoterm,
        valuation_note=valuation_note(data.invoice.incoterm),
        acceptance_date=day,
        assessed_at=assessed_at,
        schedule_id=schedule_id,
        schedule_name=schedule.name,
        exchange_rates=tuple(used.values()),
        items=tuple(items),
        declaration_levies=fees,
    )


def _finite(value: Decimal | None) -> bool:
    return value is None or value.is_finite()


def base_issues(data: DeclarationData) -> list[Issue]:
    """Returns why the declared bases cannot be assessed: a mass or quantity not above zero, a negative or
    non-finite amount. The tariff never turns such a base into a negative (or NaN) duty or tax."""
    issues: list[Issue] = []
    inv = data.invoice
    for name, value in (("freight", inv.freight), ("insurance", inv.insurance), ("total_amount", inv.total_amount)):
        if value is not None and (not value.is_finite() or value < ZERO):
            issues.append(
                Issue(
                    "TARIFF_BASE_NEGATIVE",
                    f"invoice {name.replace('_', ' ')} must be a number of 0 or more",
                    f"/invoice/{name}",
                )
            )
    for k, item in enumerate(data.goods_items):
        for name, value in (("net_mass", item.net_mass), ("quantity", item.quantity)):
            if not value.is_finite() or value <= ZERO:
                issues.append(
                    Issue(
                        "TARIFF_BASE_NOT_POSITIVE",
                        f"the {name.replace('_', ' ')} of item {item.sequence} must be greater than zero, not {value}",
                        pointer("goods_items", k, name),
                    )
                )
        if not item.invoice_amount.is_finite() or item.invoice_amount < ZERO:
            issues.append(
                Issue(
                    "TARIFF_BASE_NEGATIVE",
                    f"the invoice amount of item {item.sequence} must be 0 or more, not {item.invoice_amount}",
                    pointer("goods_items", k, "invoice_amount"),
                )
            )
    return issues


def _refuse_impossible_levies(items: list[ItemAssessment]) -> None:
    """Last guard: no assessment leaves with a negative or non-finite customs value, duty or tax."""
    issues = []
    for k, item in enumerate(items):
        bad = [lv.code for lv in item.levies if not lv.amount.is_finite() or lv.amount < ZERO]
        if bad or not item.customs_value.is_finite() or item.customs_value < ZERO:
            issues.append(
                Issue(
                    "LEVY_NOT_POSITIVE",
                    f"item {item.sequence} would owe a negative or undefined {', '.join(bad) or 'customs value'}; "
                    "check its value, quantity and mass",
                    pointer("goods_items", k),
                )
            )
    if issues:
        raise ValidationFailed(issues)


def _charges(data: DeclarationData, issues: list[Issue]) -> tuple[Decimal, Decimal]:
    """Returns the freight and insurance to add to the price under the incoterm."""
    inv = data.invoice
    term = inv.incoterm
    freight = insurance = ZERO
    if term in ADD_FREIGHT_AND_INSURANCE:
        if inv.freight is None:
            issues.append(
                Issue(
                    "FREIGHT_REQUIRED",
                    f"under {term} the buyer pays the freight to the border, which is part of the customs "
                    "value: declare invoice.freight (0 if none was paid)",
                    "/invoice/freight",
                )
            )
        freight = inv.freight or ZERO
    if term in ADD_FREIGHT_AND_INSURANCE | ADD_INSURANCE:
        if inv.insurance is None:
            issues.append(
                Issue(
                    "INSURANCE_REQUIRED",
                    f"under {term} the buyer pays the insurance, which is part of the customs value: "
                    "declare invoice.insurance (0 if the goods travel uninsured)",
                    "/invoice/insurance",
                )
            )
        insurance = inv.insurance or ZERO
    return freight, insurance


def _assess_item(
    data: DeclarationData,
    k: int,
    item: GoodsItem,
    schedule: Schedule,
    *,
    rate: Decimal,
    price: Decimal,
    freight: Decimal,
    insurance: Decimal,
    customs_value: Decimal,
    issues: list[Issue],
) -> ItemAssessment:
    notes: list[str] = []
    relief = schedule.relief_procedures.get(item.procedure_code[:2])
    if relief is not None:
        mfn = schedule.duty_line(item.commodity_code, None)
        notes.append(f"duties and taxes suspended under procedure {item.procedure_code[:2]} ({relief})")
        return _item(item, mfn.code if mfn else "", None, rate, price, freight, insurance, customs_value, (), notes)
    line, applied = _duty_line(data, item, schedule, notes)
    levies: list[Levy] = []
    if line is None:
        issues.append(
            Issue(
                "DUTY_RATE_MISSING",
                f"the loaded tariff has no duty rate for {item.commodity_code} (nor its 8, 6 or 4-digit heading); "
                "check the code or ask the customs administration",
                pointer("goods_items", k, "commodity_code"),
            )
        )
        line = DutyLine(code=item.commodity_code)
    duty = _duty(item, k, line, schedule, customs_value, applied, issues)
    levies.append(duty)
    excise = ZERO
    for tax in schedule.taxes:
        if tax.kind != "excise" or not tax.applies(item.commodity_code):
            continue
        levy = _percent_levy(tax, _base(tax, customs_value, duty.amount, ZERO))
        excise += levy.amount
        levies.append(levy)
    for tax in schedule.taxes:
        if tax.kind == "vat" and tax.applies(item.commodity_code):
            levies.append(_percent_levy(tax, _base(tax, customs_value, duty.amount, excise)))
        elif tax.kind == "fee" and tax.per == "item" and tax.applies(item.commodity_code):
            amount = tax.rounding.apply(tax.amount or ZERO)
            levies.append(Levy(tax.code, "fee", tax.name, ZERO, amount, f"{tax.amount} {schedule.currency}"))
    return _item(item, line.code, applied, rate, price, freight, insurance, customs_value, tuple(levies), notes)


def _item(
    item: GoodsItem,
    tariff_line: str,
    applied: str | None,
    rate: Decimal,
    price: Decimal,
    freight: Decimal,
    insurance: Decimal,
    customs_value: Decimal,
    levies: tuple[Levy, ...],
    notes: list[str],
) -> ItemAssessment:
    return ItemAssessment(
        sequence=item.sequence,
        commodity_code=item.commodity_code,
        tariff_line=tariff_line,
        origin_country=item.origin_country,
        preference_claimed=item.preference,
        preference_applied=applied,
        invoice_amount=item.invoice_amount,
        invoice_currency=item.invoice_currency,
        exchange_rate=rate,
        price=price,
        freight=freight,
        insurance=insurance,
        customs_value=customs_value,
        levies=levies,
        notes=tuple(notes),
    )


def _duty_line(
    data: DeclarationData, item: GoodsItem, schedule: Schedule, notes: list[str]
) -> tuple[DutyLine | None, str | None]:
    """Chooses the preferential line when the claim qualifies, else the MFN line; notes why."""
    claimed = item.preference
    if claimed:
        agreement = schedule.agreements.get(claimed)
        refused: str | None = None
        if agreement is None:
            refused = f"preference {claimed} is not a trade agreement of the loaded tariff"
        elif item.origin_country not in agreement.origins:
            refused = f"origin {item.origin_country} does not qualify under {agreement.name} ({claimed})"
        elif not any(
            d.type in agreement.proof_documents and d.item_sequence in (None, item.sequence) for d in data.documents
        ):
            refused = (
                f"no proof of origin for {agreement.name} ({claimed}): attach a document of type "
                f"{' or '.join(sorted(agreement.proof_documents))}"
            )
        else:
            line = schedule.duty_line(item.commodity_code, claimed)
            if line is not None:
                notes.append(f"preference {claimed} ({agreement.name}) granted")
                return line, claimed
            refused = f"{agreement.name} ({claimed}) has no preferential rate for {item.commodity_code}"
        notes.append(f"preference refused, MFN rate applied: {refused}")
    return schedule.duty_line(item.commodity_code, None), None


def _duty(
    item: GoodsItem,
    k: int,
    line: DutyLine,
    schedule: Schedule,
    customs_value: Decimal,
    applied: str | None,
    issues: list[Issue],
) -> Levy:
    raw = ZERO
    quantity: Decimal | None = None
    if line.ad_valorem is not None:
        raw += customs_value * line.ad_valorem / HUNDRED
    if line.specific is not None and line.unit is not None:
        quantity = _quantity(item, k, line, issues)
        raw += line.specific * quantity
    note = f"preferential rate {applied}" if applied else "MFN rate"
    if line.minimum is not None and raw < line.minimum:
        raw = line.minimum
        note += "; minimum duty applied"
    if line.maximum is not None and raw > line.maximum:
        raw = line.maximum
        note += "; maximum duty applied"
    return Levy(
        code="DUTY",
        kind="duty",
        name="Customs duty",
        base=customs_value,
        amount=schedule.duty_rounding.apply(raw),
        rate_text=line.text(schedule.currency),
        rate=line.ad_valorem,
        specific_rate=line.specific,
        quantity=quantity,
        quantity_unit=line.unit if quantity is not None else None,
        note=note,
    )


def _quantity(item: GoodsItem, k: int, line: DutyLine, issues: list[Issue]) -> Decimal:
    """Returns the quantity a specific rate applies to: net mass for KGM, else the declared quantity."""
    if line.unit == "KGM":
        return item.net_mass
    if item.unit == line.unit or (item.unit in _PIECES and line.unit in _PIECES):
        return item.quantity
    issues.append(
        Issue(
            "TARIFF_UNIT_MISMATCH",
            f"the duty on {item.commodity_code} is charged per {line.unit}; declare the quantity in {line.unit}, "
            f"not {item.unit}",
            pointer("goods_items", k, "unit"),
        )
    )
    return ZERO


def _base(tax: TaxRule, customs_value: Decimal, duty: Decimal, excise: Decimal) -> Decimal:
    if tax.base == "customs_value":
        return customs_value
    if tax.base == "customs_value+duty":
        return customs_value + duty
    return customs_value + duty + excise


def _percent_levy(tax: TaxRule, base: Decimal) -> Levy:
    rate = tax.rate or ZERO
    return Levy(
        code=tax.code,
        kind=tax.kind,
        name=tax.name,
        base=base,
        amount=tax.rounding.apply(base * rate / HUNDRED),
        rate_text=f"{format(rate.normalize(), 'f')}% of {tax.base.replace('+', ' + ').replace('_', ' ')}",
        rate=rate,
    )
