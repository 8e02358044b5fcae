"""Reading a tariff schedule (YAML, or CSV duty lines) and exchange rates, with every bad row reported."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from clearway.core import codes
from clearway.core.issues import Issue, ValidationFailed, pointer
from clearway.tariff.model import (
    ROUNDING_MODES,
    TAX_BASES,
    TAX_KINDS,
    Agreement,
    DutyLine,
    ExchangeRate,
    Rounding,
    Schedule,
    TaxRule,
)

MAX_ISSUES = 100
DUTY_COLUMNS = ("code", "agreement", "ad_valorem", "specific", "unit", "minimum", "maximum", "description")
RATE_COLUMNS = ("currency", "valid_from", "rate")


class _Issues:
    """Collects issues, up to a limit, so the administration sees every bad row at once."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(self, code: str, message: str, where: str) -> None:
        if len(self.items) < MAX_ISSUES:
            self.items.append(Issue(code, message, where))

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)


def _decimal(value: Any, where: str, issues: _Issues, *, low: Decimal | None = None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        issues.add("TARIFF_NUMBER", f"{where}: '{value}' is not a number", where)
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        issues.add("TARIFF_NUMBER", f"{where}: '{value}' is not a number", where)
        return None
    if not number.is_finite() or (low is not None and number < low):
        issues.add("TARIFF_NUMBER", f"{where}: {value} must be a number of at least {low}", where)
        return None
    return number


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def duty_line(row: Mapping[str, Any], where: str, issues: _Issues, agreements: Iterable[str]) -> DutyLine | None:
    """Validates one duty line (a YAML mapping or a CSV row); returns it, or None with its issues noted."""
    before = len(issues.items)
    raw_code = row.get("code")
    if isinstance(raw_code, int | float) and not isinstance(raw_code, bool):
        issues.add(
            "TARIFF_CODE",
            f"{where}: quote the commodity code ('{raw_code}'): unquoted, YAML reads it as a number "
            "and drops leading zeros",
            f"{where}/code",
        )
        return None
    code = _text(raw_code)
    if not code.isdigit() or len(code) not in {4, 6, 8, 10}:
        issues.add("TARIFF_CODE", f"{where}: code '{code}' must be 4, 6, 8 or 10 digits", f"{where}/code")
    agreement = _text(row.get("agreement")).upper() or None
    if agreement is not None and agreement not in set(agreements):
        issues.add(
            "TARIFF_AGREEMENT",
            f"{where}: agreement '{agreement}' is not defined in the schedule's agreements",
            f"{where}/agreement",
        )
    ad_valorem = _decimal(row.get("ad_valorem"), f"{where}/ad_valorem", issues, low=Decimal(0))
    if ad_valorem is not None and ad_valorem > 1000:
        issues.add("TARIFF_NUMBER", f"{where}: ad_valorem {ad_valorem}% is implausible", f"{where}/ad_valorem")
    specific = _decimal(row.get("specific"), f"{where}/specific", issues, low=Decimal(0))
    unit = _text(row.get("unit")).upper() or None
    minimum = _decimal(row.get("minimum"), f"{where}/minimum", issues, low=Decimal(0))
    maximum = _decimal(row.get("maximum"), f"{where}/maximum", issues, low=Decimal(0))
    if ad_valorem is None and specific is None and len(issues.items) == before:
        issues.add(
            "TARIFF_RATE_REQUIRED",
            f"{where}: give ad_valorem (percent), specific (amount per unit) or both; 0 for duty-free",
            f"{where}/ad_valorem",
        )
    if specific is not None and unit not in codes.UNITS:
        issues.add(
            "TARIFF_UNIT",
            f"{where}: a specific rate needs a unit ({', '.join(sorted(codes.UNITS))}), not '{unit or ''}'",
            f"{where}/unit",
        )
    if specific is None and unit is not None:
        issues.add("TARIFF_UNIT", f"{where}: unit '{unit}' given without a specific rate", f"{where}/unit")
    if minimum is not None and maximum is not None and minimum > maximum:
        issues.add("TARIFF_BOUNDS", f"{where}: minimum {minimum} exceeds maximum {maximum}", f"{where}/minimum")
    if len(issues.items) > before:
        return None
    return DutyLine(
        code=code,
        agreement=agreement,
        ad_valorem=ad_valorem,
        specific=specific,
        unit=unit,
        minimum=minimum,
        maximum=maximum,
        description=_text(row.get("description"))[:200],
    )


def _rounding(value: Any, where: str, issues: _Issues) -> Rounding:
    if value is None:
        return Rounding()
    if not isinstance(value, dict):
        issues.add("TARIFF_ROUNDING", f"{where}: rounding is {{quantum: '0.01', mode: half_up}}", where)
        return Rounding()
    quantum = _decimal(value.get("quantum", "0.01"), f"{where}/quantum", issues, low=Decimal("0.0001"))
    mode = _text(value.get("mode", "half_up")).lower()
    if mode not in ROUNDING_MODES:
        issues.add(
            "TARIFF_ROUNDING", f"{where}: mode '{mode}' is not one of {', '.join(ROUNDING_MODES)}", f"{where}/mode"
        )
        mode = "half_up"
    return Rounding(quantum or Decimal("0.01"), mode)


def _list(doc: Mapping[str, Any], key: str, issues: _Issues) -> list[Any]:
    value = doc.get(key) or []
    if not isinstance(value, list):
        issues.add("TARIFF_STRUCTURE", f"'{key}' must be a list", f"/{key}")
        return []
    return value


def _agreement(row: Any, where: str, issues: _Issues) -> Agreement | None:
    if not isinstance(row, dict):
        issues.add(
            "TARIFF_STRUCTURE", f"{where}: an agreement is a mapping (code, name, origins, proof_documents)", where
        )
        return None
    before = len(issues.items)
    code = _text(row.get("code")).upper()
    if not code or len(code) > 10:
        issues.add("TARIFF_AGREEMENT", f"{where}: code must be 1 to 10 characters", f"{where}/code")
    origins = row.get("origins") or []
    bad = [o for o in origins if not codes.is_country(str(o).upper())] if isinstance(origins, list) else [origins]
    if bad or not origins:
        issues.add(
            "TARIFF_AGREEMENT",
            f"{where}: origins must be a non-empty list of ISO 3166 countries (bad: {bad})",
            f"{where}/origins",
        )
    proofs = row.get("proof_documents") or []
    if not isinstance(proofs, list) or not proofs:
        issues.add(
            "TARIFF_AGREEMENT",
            f"{where}: proof_documents must list the document types that prove origin (e.g. N954)",
            f"{where}/proof_documents",
        )
    if len(issues.items) > before:
        return None
    return Agreement(
        code=code,
        name=_text(row.get("name")) or code,
        origins=frozenset(str(o).upper() for o in origins),
        proof_documents=frozenset(str(p).strip() for p in proofs),
    )


def _tax(row: Any, where: str, issues: _Issues) -> TaxRule | None:
    if not isinstance(row, dict):
        issues.add("TARIFF_STRUCTURE", f"{where}: a tax is a mapping (code, name, kind, rate…)", where)
        return None
    before = len(issues.items)
    code = _text(row.get("code")).upper()
    if not code or len(code) > 10:
        issues.add("TARIFF_TAX", f"{where}: code must be 1 to 10 characters", f"{where}/code")
    kind = _text(row.get("kind")).lower()
    if kind not in TAX_KINDS:
        issues.add("TARIFF_TAX", f"{where}: kind '{kind}' must be one of {', '.join(TAX_KINDS)}", f"{where}/kind")
    rate = _decimal(row.get("rate"), f"{where}/rate", issues, low=Decimal(0))
    amount = _decimal(row.get("amount"), f"{where}/amount", issues, low=Decimal(0))
    if kind in {"excise", "vat"} and rate is None:
        issues.add("TARIFF_TAX", f"{where}: a {kind} tax needs a rate (percent)", f"{where}/rate")
    if kind == "fee" and amount is None:
        issues.add("TARIFF_TAX", f"{where}: a fee needs an amount", f"{where}/amount")
    base = _text(row.get("base")) or "customs_value"
    if base not in TAX_BASES:
        issues.add("TARIFF_TAX", f"{where}: base '{base}' must be one of {', '.join(TAX_BASES)}", f"{where}/base")
    per = _text(row.get("per")) or "item"
    if per not in {"item", "declaration"}:
        issues.add("TARIFF_TAX", f"{where}: per must be 'item' or 'declaration'", f"{where}/per")
    applies = row.get("applies_to") or []
    if not isinstance(applies, list) or not all(isinstance(p, str) and p.isdigit() for p in applies):
        issues.add(
            "TARIFF_TAX",
            f"{where}: applies_to must list quoted commodity code prefixes, e.g. ['2208']",
            f"{where}/applies_to",
        )
        applies = []
    rounding = _rounding(row.get("rounding"), f"{where}/rounding", issues)
    if len(issues.items) > before:
        return None
    return TaxRule(
        code=code,
        name=_text(row.get("name")) or code,
        kind=kind,
        rate=rate,
        amount=amount,
        base=base,
        applies_to=tuple(applies),
        per=per,
        rounding=rounding,
    )


def parse_schedule_yaml(text: str) -> Schedule:
    """Parses a whole schedule (agreements, duty lines, taxes, fees) from YAML; raises with every issue."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValidationFailed([Issue("TARIFF_YAML", f"the file is not valid YAML{line}", "")]) from None
    if not isinstance(doc, dict):
        raise ValidationFailed([Issue("TARIFF_STRUCTURE", "the schedule must be a YAML mapping", "")])
    return parse_schedule_doc(doc)


def parse_schedule_doc(doc: dict[str, Any]) -> Schedule:
    """Validates a schedule document (parsed YAML or the stored JSON); raises with every issue."""
    issues = _Issues()
    currency = _text(doc.get("currency")).upper()
    if not codes.is_currency(currency):
        issues.add("TARIFF_CURRENCY", f"currency '{currency}' is not an ISO 4217 code", "/currency")
    agreements = [
        a for k, r in enumerate(_list(doc, "agreements", issues)) if (a := _agreement(r, f"/agreements/{k}", issues))
    ]
    known = {a.code for a in agreements}
    duties: list[DutyLine] = []
    seen: dict[tuple[str, str | None], str] = {}
    for k, row in enumerate(_list(doc, "duties", issues)):
        where = f"/duties/{k}"
        if not isinstance(row, dict):
            issues.add("TARIFF_STRUCTURE", f"{where}: a duty line is a mapping (code, ad_valorem…)", where)
            continue
        line = duty_line(row, where, issues, known)
        if line is not None:
            _unique(line, where, seen, issues)
            duties.append(line)
    if not duties and not issues.items:
        issues.add("TARIFF_EMPTY", "the schedule has no duty lines", "/duties")
    taxes = [t for k, r in enumerate(_list(doc, "taxes", issues)) if (t := _tax(r, f"/taxes/{k}", issues))]
    rounding = _rounding(doc.get("duty_rounding"), "/duty_rounding", issues)
    relief = doc.get("relief_procedures") or {}
    if not isinstance(relief, dict) or not all(
        isinstance(k, str) and len(k) == 2 and k.isdigit() and isinstance(v, str) for k, v in relief.items()
    ):
        issues.add(
            "TARIFF_PROCEDURES",
            "relief_procedures maps quoted two-digit procedure codes to their names, e.g. {'71': customs warehousing}",
            "/relief_procedures",
        )
        relief = {}
    issues.raise_if_any()
    return Schedule.of(
        name=_text(doc.get("name")) or "tariff schedule",
        currency=currency,
        duties=duties,
        agreements=agreements,
        taxes=taxes,
        duty_rounding=rounding,
        relief_procedures=relief,
    )


def _unique(line: DutyLine, where: str, seen: dict[tuple[str, str | None], str], issues: _Issues) -> None:
    key = (line.code, line.agreement)
    if key in seen:
        issues.add(
            "TARIFF_DUPLICATE",
            f"{where}: code {line.code} ({line.agreement or 'MFN'}) is already defined at {seen[key]}",
            f"{where}/code",
        )
    seen[key] = where


def parse_duties_csv(text: str, base: Schedule) -> Schedule:
    """Replaces the duty lines of a schedule with those of a CSV file (agreements and taxes stay)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "code" not in header or not ({"ad_valorem", "specific"} & set(header)):
        raise ValidationFailed([Issue("TARIFF_COLUMNS", f"the CSV header must name {','.join(DUTY_COLUMNS)}", "/1")])
    reader.fieldnames = header
    issues = _Issues()
    duties: list[DutyLine] = []
    seen: dict[tuple[str, str | None], str] = {}
    for row_no, row in enumerate(reader, start=2):
        line = duty_line(row, f"/{row_no}", issues, base.agreements)
        if line is not None:
            _unique(line, f"/{row_no}", seen, issues)
            duties.append(line)
    if not duties and not issues.items:
        issues.add("TARIFF_EMPTY", "the file has no duty lines", "/2")
    issues.raise_if_any()
    return Schedule.of(
        name=base.name,
        currency=base.currency,
        duties=duties,
        agreements=base.agreements.values(),
        taxes=base.taxes,
        duty_rounding=base.duty_rounding,
        relief_procedures=base.relief_procedures,
    )


def parse_rates(text: str, national: str) -> list[ExchangeRate]:
    """Parses exchange rates from CSV (currency,valid_from,rate), in national currency per unit."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not set(RATE_COLUMNS) <= set(header):
        raise ValidationFailed([Issue("RATE_COLUMNS", f"the CSV header must be {','.join(RATE_COLUMNS)}", "/1")])
    reader.fieldnames = header
    issues = _Issues()
    out: dict[tuple[str, date], ExchangeRate] = {}
    for row_no, row in enumerate(reader, start=2):
        where = f"/{row_no}"
        currency = _text(row.get("currency")).upper()
        if not codes.is_currency(currency) or currency == national:
            issues.add(
                "RATE_CURRENCY",
                f"row {row_no}: '{currency}' must be an ISO 4217 currency other than {national}",
                pointer(str(row_no), "currency"),
            )
        try:
            valid_from = date.fromisoformat(_text(row.get("valid_from")))
        except ValueError:
            issues.add("RATE_DATE", f"row {row_no}: valid_from must be a date YYYY-MM-DD", f"{where}/valid_from")
            continue
        rate = _decimal(row.get("rate"), f"{where}/rate", issues, low=Decimal("0.000001"))
        if rate is None:
            if not _text(row.get("rate")):
                issues.add("RATE_REQUIRED", f"row {row_no}: rate is empty", f"{where}/rate")
            continue
        if (currency, valid_from) in out:
            issues.add(
                "RATE_DUPLICATE", f"row {row_no}: {currency} on {valid_from} appears twice", f"{where}/valid_from"
            )
        out[(currency, valid_from)] = ExchangeRate(currency, valid_from, rate)
    if not out and not issues.items:
        issues.add("RATE_EMPTY", "the file has no rates", "/2")
    issues.raise_if_any()
    return list(out.values())


def schedule_as_dict(s: Schedule) -> dict[str, Any]:
    """Returns a schedule as a JSON-able document (the stored form, and what the YAML file holds)."""

    def rnd(r: Rounding) -> dict[str, str]:
        return {"quantum": str(r.quantum), "mode": r.mode}

    def opt(d: Decimal | None) -> str | None:
        return None if d is None else str(d)

    return {
        "name": s.name,
        "currency": s.currency,
        "duty_rounding": rnd(s.duty_rounding),
        "relief_procedures": dict(s.relief_procedures),
        "agreements": [
            {"code": a.code, "name": a.name, "origins": sorted(a.origins), "proof_documents": sorted(a.proof_documents)}
            for a in s.agreements.values()
        ],
        "duties": [
            {
                "code": d.code,
                "agreement": d.agreement,
                "ad_valorem": opt(d.ad_valorem),
                "specific": opt(d.specific),
                "unit": d.unit,
                "minimum": opt(d.minimum),
                "maximum": opt(d.maximum),
                "description": d.description,
            }
            for d in s.duties.values()
        ],
        "taxes": [
            {
                "code": t.code,
                "name": t.name,
                "kind": t.kind,
                "rate": opt(t.rate),
                "amount": opt(t.amount),
                "base": t.base,
                "applies_to": list(t.applies_to),
                "per": t.per,
                "rounding": rnd(t.rounding),
            }
            for t in s.taxes
        ],
    }


def schedule_from_dict(doc: dict[str, Any]) -> Schedule:
    """Rebuilds a stored schedule (it was validated when loaded)."""
    return parse_schedule_doc(doc)
