"""What two administrations exchange, as plain values: export summaries, mirror facts, CEN-style alerts.

No I/O here: the service loads declarations and messages and calls these functions.

How an export is told apart: the declaration ``type`` is ``EX`` (WCO DE 1/1), or every goods item's requested
procedure (the first two digits of ``procedure_code``, WCO DE 1/10) is an export procedure (10 permanent export,
11 export after inward processing, 21–23 outward processing / temporary export, 31 re-export). The destination
country is the consignee's country (``importer.country`` of the export declaration), else the country of the
place of discharge (first two letters of its UN/LOCODE).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from clearway.core.issues import Issue
from clearway.declarations.model import Declaration
from clearway.exchange import phrases
from clearway.reference.hs_correlation import Correlation

# The official rate of a currency on a day, in national currency per unit (None when none is published).
Rates = Callable[[str, date], Decimal | None]

KINDS = ("export_summary", "alert", "aeo_status", "tree_head")
EXPORT_PROCEDURES = frozenset({"10", "11", "21", "22", "23", "31"})
UCR_DOCUMENT = "UCR"  # a document of this type carries the WCO Unique Consignment Reference (DE 2/4)
CONTAINER_DOCUMENT = "CN"  # a document of this type carries an ISO 6346 container number
TRANSPORT_DOCUMENTS = frozenset({"N705", "N703", "N704", "N714", "N720", "N730", "N740", "N741", "N750"})
_ISO6346 = re.compile(r"^[A-Z]{4}\d{7}$")
MATCH_WINDOW_DAYS = 30
CIF_FOB_FACTOR = Decimal("1.10")  # the IMF's conventional CIF/FOB ratio when freight and insurance are not declared
# Value gaps at or beyond these shares (import below export) become risk facts of these severities.
VALUE_GAP_MEDIUM, VALUE_GAP_HIGH = Decimal("-0.20"), Decimal("-0.40")
QUANTITY_GAP, MASS_GAP = Decimal("0.10"), Decimal("0.15")
_CIF_LIKE = frozenset({"CIF", "CIP", "CFR", "CPT", "DAP", "DPU", "DDP"})
_FOB_LIKE = frozenset({"FOB", "FCA", "FAS", "EXW"})


def is_export(decl: Declaration) -> bool:
    """Tells whether a declaration is an export (type EX, or export procedures on every item)."""
    d = decl.data
    if d.type.upper() == "EX":
        return True
    return bool(d.goods_items) and all(i.procedure_code[:2] in EXPORT_PROCEDURES for i in d.goods_items)


def is_import(decl: Declaration) -> bool:
    """Tells whether a declaration is an import for home use or another import procedure (type IM)."""
    return decl.data.type.upper() == "IM" and not is_export(decl)


def destination(decl: Declaration) -> str:
    """Returns the country an export goes to: the consignee's, else the place of discharge's."""
    d = decl.data
    if d.importer.country and d.importer.country.upper() != d.exporter.country.upper():
        return d.importer.country.upper()
    return d.consignment.discharge_place[:2].upper()


def _doc(decl: Declaration, types: frozenset[str] | set[str]) -> str | None:
    for doc in decl.data.documents:
        if doc.type.upper() in types and doc.reference.strip():
            return doc.reference.strip().upper()
    return None


def containers(decl: Declaration) -> list[str]:
    """Returns the container numbers: documents of type CN, and the means id when it is an ISO 6346 number."""
    out = [d.reference.strip().upper() for d in decl.data.documents if d.type.upper() == CONTAINER_DOCUMENT]
    means = decl.data.consignment.means_id.strip().upper()
    if _ISO6346.match(means):
        out.append(means)
    return sorted(set(out))


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def summary_of(decl: Declaration, *, country: str) -> dict[str, Any]:
    """Builds the export summary a partner receives: references, parties, items (HS6), masses, value, terms."""
    d = decl.data
    day = (decl.released_at or decl.accepted_at or decl.lodged_at).date()
    return {
        "mrn": decl.mrn,
        "country": country.upper(),
        "destination": destination(decl),
        "date": day.isoformat(),
        "ucr": _doc(decl, {UCR_DOCUMENT}),
        "transport_document": _doc(decl, set(TRANSPORT_DOCUMENTS)),
        "containers": containers(decl),
        "exporter": {"id": d.exporter.id, "name": d.exporter.name, "country": d.exporter.country},
        "consignee": {"id": d.importer.id, "name": d.importer.name, "country": d.importer.country},
        "incoterm": d.invoice.incoterm.upper(),
        "currency": d.invoice.currency.upper(),
        "value": str(d.invoice.total_amount),
        "freight": _s(d.invoice.freight),
        "insurance": _s(d.invoice.insurance),
        "items": [
            {
                "hs6": i.commodity_code[:6],
                "origin": i.origin_country.upper(),
                "quantity": str(i.quantity),
                "unit": i.unit,
                "net_mass": str(i.net_mass),
                "gross_mass": str(i.gross_mass),
                "value": str(i.invoice_amount),
            }
            for i in d.goods_items
        ],
    }


def import_index(decl: Declaration) -> dict[str, Any]:
    """Builds the same shape for an import declaration, so that both sides compare like with like."""
    doc = summary_of(decl, country=decl.data.importer.country)
    doc["date"] = decl.data.consignment.arrival_date.isoformat()
    doc["origin_country"] = decl.data.exporter.country.upper()
    return doc


@dataclass(frozen=True, slots=True)
class MirrorFact:
    """One gap between an export declared by a partner and the import declared here."""

    code: str  # VALUE_GAP, QUANTITY_GAP, MASS_GAP, HS_MISMATCH, ORIGIN_MISMATCH
    severity: str  # low, medium, high
    reason: str
    export_mrn: str
    import_mrn: str
    partner: str
    basis: str  # how the pair was matched: ucr, transport_document, parties_hs_dates
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Returns the fact as stored and shown."""
        return {
            "code": self.code,
            "severity": self.severity,
            "reason": self.reason,
            "export_mrn": self.export_mrn,
            "import_mrn": self.import_mrn,
            "partner": self.partner,
            "basis": self.basis,
            "figures": self.figures,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MirrorFact:
        """Reads a stored fact."""
        return cls(
            d["code"], d["severity"], d["reason"], d["export_mrn"], d["import_mrn"], d["partner"], d["basis"],
            dict(d.get("figures") or {}),
        )  # fmt: skip


def _hs6(doc: dict[str, Any]) -> set[str]:
    return {str(i["hs6"]) for i in doc.get("items", [])}


def _unmatched_codes(ours: set[str], theirs: set[str], hs: Correlation | None) -> set[str]:
    """Returns our codes that name no goods of theirs, reading HS 2017 codes as what HS 2022 made of them."""
    if hs is None:
        return ours - theirs
    return {a for a in ours if not any(hs.same_goods(a, b) for b in theirs)}


def hs_meet(ehs: set[str], ihs: set[str], hs: Correlation | None = None) -> bool:
    """Tells whether two sets of HS6 codes can name the same goods: a shared subheading (an HS 2017 one counts
    as every HS 2022 subheading it was split into), else a shared heading."""
    if _unmatched_codes(ehs, ihs, hs) != ehs:
        return True
    return bool({h[:4] for h in ehs} & {h[:4] for h in ihs})


def match_basis(export: dict[str, Any], imp: dict[str, Any], hs: Correlation | None = None) -> str | None:
    """Says how an export summary and an import match: UCR, then transport document + container, then parties,
    HS6 (across HS versions through the correlation table, else the heading) and dates within 30 days; None when
    they do not."""
    if export.get("ucr") and export.get("ucr") == imp.get("ucr"):
        return "ucr"
    if export.get("transport_document") and export.get("transport_document") == imp.get("transport_document"):
        ec, ic = set(export.get("containers") or []), set(imp.get("containers") or [])
        if not ec or not ic or ec & ic:
            return "transport_document"
    if export["exporter"]["id"] != imp["exporter"]["id"] or export["consignee"]["id"] != imp["consignee"]["id"]:
        return None
    e_day, i_day = date.fromisoformat(export["date"]), date.fromisoformat(imp["date"])
    if abs((i_day - e_day).days) > MATCH_WINDOW_DAYS:
        return None
    if hs_meet(_hs6(export), _hs6(imp), hs):
        return "parties_hs_dates"
    return None


def _dec(v: Any) -> Decimal | None:
    return None if v in (None, "") else Decimal(str(v))


def fob_value(doc: dict[str, Any]) -> tuple[Decimal, str]:
    """Brings a declared value to FOB: CIF-like terms lose declared freight and insurance (else the IMF's 10%)."""
    value = Decimal(str(doc["value"]))
    term = str(doc.get("incoterm", "")).upper()
    if term in _FOB_LIKE:
        return value, "as declared"
    if term in _CIF_LIKE:
        charges = (_dec(doc.get("freight")) or Decimal(0)) + (_dec(doc.get("insurance")) or Decimal(0))
        if charges:
            return value - charges, f"less declared freight and insurance {money(charges)}"
        return value / CIF_FOB_FACTOR, "divided by the 1.10 CIF/FOB factor"
    return value, f"incoterm {term or '?'} taken as declared"


def money(v: Decimal) -> str:
    """Formats an amount with thousands separators and no cents when whole."""
    q = v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{q:,.0f}" if q == q.to_integral_value() else f"{q:,.2f}"


def pct(v: Decimal) -> str:
    """Formats a share as a signed whole percentage."""
    n = int((v * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{'+' if n > 0 else '−' if n < 0 else '±'}{abs(n)}%"


def _total(doc: dict[str, Any], name: str) -> Decimal:
    return sum((Decimal(str(i[name])) for i in doc.get("items", [])), Decimal(0))


def _in_national(
    value: Decimal, currency: str, on: date, rates: Rates | None, national: str | None
) -> tuple[Decimal, str] | None:
    """Converts an amount to national currency at the official rate of its day (None without a rate)."""
    if national is not None and currency == national:
        return value, ""
    rate = rates(currency, on) if rates is not None else None
    if rate is None or national is None:
        return None
    return value * rate, f"1 {currency} = {rate.normalize():f} {national}"


def gaps(
    export: dict[str, Any],
    imp: dict[str, Any],
    *,
    basis: str,
    import_mrn: str,
    hs: Correlation | None = None,
    rates: Rates | None = None,
    national: str | None = None,
) -> list[MirrorFact]:
    """Computes value (after FOB/CIF adjustment), quantity, mass, HS and origin gaps of a matched pair.

    Values in different currencies are compared in national currency at the official rates (``rates``) of each
    declaration's day; HS 2017 codes are read as what HS 2022 made of them (``hs``)."""
    partner = str(export["country"])

    def fact(code: str, severity: str, reason: str, **figures: Any) -> MirrorFact:
        return MirrorFact(code, severity, reason, str(export["mrn"]), import_mrn, partner, basis, figures)

    out: list[MirrorFact] = []
    e_cur, i_cur = str(export["currency"]), str(imp["currency"])
    e_fob, e_how = fob_value(export)
    i_fob, i_how = fob_value(imp)
    rate_words: list[str] = []
    if e_cur != i_cur:
        e_nat = _in_national(e_fob, e_cur, date.fromisoformat(str(export["date"])), rates, national)
        i_nat = _in_national(i_fob, i_cur, date.fromisoformat(str(imp["date"])), rates, national)
        if e_nat is None or i_nat is None:
            missing = sorted(c for c, v in ((e_cur, e_nat), (i_cur, i_nat)) if v is None)
            out.append(
                fact(
                    "CURRENCY_DIFFERS",
                    "low",
                    phrases.CURRENCY_DIFFERS(
                        partner=partner, exported=e_cur, imported=i_cur, missing=", ".join(missing)
                    ),
                )
            )
            e_fob = Decimal(0)
        else:
            (e_fob, e_words), (i_fob, i_words) = e_nat, i_nat
            rate_words = [w for w in (e_words, i_words) if w]
    if e_fob > 0:
        share = (i_fob - e_fob) / e_fob
        severity = "high" if share <= VALUE_GAP_HIGH else "medium" if share <= VALUE_GAP_MEDIUM else "low"
        values: dict[str, Any] = {
            "partner": partner,
            "e_value": money(Decimal(str(export["value"]))),
            "e_currency": e_cur,
            "e_terms": export["incoterm"],
            "i_value": money(Decimal(str(imp["value"]))),
            "i_currency": i_cur,
            "i_terms": imp["incoterm"],
            "share": pct(share),
        }
        unit = f" {national}" if rate_words else ""
        fob = {"e_fob": f"{money(e_fob)}{unit}", "i_fob": f"{money(i_fob)}{unit}"}
        if rate_words:
            reason = phrases.VALUE_GAP_RATES(**values, **fob, rates=", ".join(rate_words))
        elif (e_how, i_how) != ("as declared", "as declared"):
            reason = phrases.VALUE_GAP_FOB(**values, **fob)
        else:
            reason = phrases.VALUE_GAP(**values)
        figures = {"export_fob": str(e_fob), "import_fob": str(i_fob), "share": str(share)}
        if rate_words:
            figures["compared_in"] = str(national)
        out.append(fact("VALUE_GAP", severity, reason, **figures))
    for code, name, limit, sentence in (
        ("QUANTITY_GAP", "quantity", QUANTITY_GAP, phrases.QUANTITY_GAP),
        ("MASS_GAP", "net_mass", MASS_GAP, phrases.MASS_GAP),
    ):
        e_q, i_q = _total(export, name), _total(imp, name)
        if e_q > 0 and abs(i_q - e_q) / e_q > limit:
            share = (i_q - e_q) / e_q
            out.append(
                fact(
                    code,
                    "medium",
                    sentence(
                        partner=partner,
                        exported=f"{e_q.normalize():f}",
                        imported=f"{i_q.normalize():f}",
                        share=pct(share),
                    ),
                    exported=str(e_q),
                    imported=str(i_q),
                )
            )
    ehs, ihs = _hs6(export), _hs6(imp)
    exported_only = _unmatched_codes(ehs, ihs, hs)
    if exported_only or _unmatched_codes(ihs, ehs, hs):
        out.append(
            fact(
                "HS_MISMATCH",
                "medium" if exported_only == ehs else "low",
                phrases.HS_MISMATCH(partner=partner, exported=", ".join(sorted(ehs)), imported=", ".join(sorted(ihs))),
            )
        )
    e_orig = {str(i["origin"]) for i in export.get("items", [])}
    i_orig = {str(i["origin"]) for i in imp.get("items", [])}
    if e_orig != i_orig:
        out.append(
            fact(
                "ORIGIN_MISMATCH",
                "medium",
                phrases.ORIGIN_MISMATCH(
                    partner=partner, exported=", ".join(sorted(e_orig)), imported=", ".join(sorted(i_orig))
                ),
            )
        )
    return out


def monthly_key(day: date) -> str:
    """Returns the month an aggregate belongs to (YYYY-MM)."""
    return f"{day.year:04d}-{day.month:02d}"


# ---- Alerts and seizures (after the WCO CEN simplified form) -------------------------------------------------

ALERT_KINDS = ("alert", "seizure")
CEN_FIELDS = (
    "what",
    "hs_code",
    "quantity",
    "unit",
    "place",
    "date",
    "concealment",
    "detection",
    "route",
    "conveyance",
    "parties",
    "remarks",
)
MAX_PARTIES = 20


def alert_issues(record: dict[str, Any]) -> list[Issue]:
    """Lists what an alert or seizure record lacks or gets wrong (every issue at once)."""
    issues = []
    if record.get("kind") not in ALERT_KINDS:
        issues.append(Issue("ALERT_KIND", f"kind must be one of {', '.join(ALERT_KINDS)}", "/kind"))
    if not str(record.get("what") or "").strip():
        issues.append(Issue("REQUIRED", "say what was found or is expected ('what')", "/what"))
    hs = str(record.get("hs_code") or "")
    if hs and not (hs.isdigit() and 4 <= len(hs) <= 10):
        issues.append(Issue("HS_FORMAT", "hs_code is 4 to 10 digits", "/hs_code"))
    parties = record.get("parties") or []
    if not isinstance(parties, list) or len(parties) > MAX_PARTIES:
        issues.append(Issue("PARTIES", f"parties is a list of at most {MAX_PARTIES}", "/parties"))
    else:
        for i, p in enumerate(parties):
            if not isinstance(p, dict) or not str(p.get("id") or "").strip():
                issues.append(Issue("REQUIRED", "each party needs an id (TIN, RUC, EORI…)", f"/parties/{i}/id"))
    return issues


def alert_text(record: dict[str, Any]) -> str:
    """Returns the searchable text of an alert."""
    parts = [str(record.get(k) or "") for k in CEN_FIELDS if k != "parties"]
    parts += [f"{p.get('id', '')} {p.get('name', '')}" for p in record.get("parties") or [] if isinstance(p, dict)]
    return " ".join(parts).lower()


# ---- Delivery ---------------------------------------------------------------------------------------------------

MAX_BACKOFF = timedelta(minutes=10)


def backoff(attempts: int, *, base: timedelta = timedelta(seconds=1)) -> timedelta:
    """Returns the wait before the next attempt: 1 s, 2 s, 4 s … capped at 10 minutes."""
    wait: timedelta = base * (2 ** max(attempts - 1, 0))
    return min(wait, MAX_BACKOFF)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a received message was refused."""

    code: str  # UNSIGNED, MALFORMED, PARTNER_UNKNOWN, SIGNATURE, NOT_FOR_US, EXPIRED, FUTURE, REPLAYED, NO_AGREEMENT
    reason: str
    status: int = 422


def time_problem(issued: datetime, now: datetime, window: timedelta) -> Refusal | None:
    """Refuses a message signed too long ago (expired) or too far in the future (clock skew beyond the window)."""
    if issued < now - window:
        return Refusal("EXPIRED", f"signed at {issued:%Y-%m-%dT%H:%M:%SZ}, older than the {window} window")
    if issued > now + window:
        return Refusal("FUTURE", f"signed at {issued:%Y-%m-%dT%H:%M:%SZ}, ahead of this clock by more than {window}")
    return None
