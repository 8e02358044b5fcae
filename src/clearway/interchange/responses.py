"""WCO DM 3.6 (DMS) response messages: accepted, rejected, tax calculation, control, release, clearance…"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from clearway.core.issues import Issue
from clearway.interchange import wco

MD = f"{{{wco.NS_METADATA}}}"
RES = f"{{{wco.NS_RES}}}"
DS = f"{{{wco.NS_RES_DS}}}"
_NSMAP = {None: wco.NS_RES, "md": wco.NS_METADATA, "ds": wco.NS_RES_DS}

# DMS notification function codes (WCO DM Response/FunctionCode as CDS uses them).
ACCEPTED, RECEIVED, REJECTED, CONTROL, DOCUMENTS, AMENDED, RELEASED, CLEARED, INVALIDATED, TAX = (
    "01",
    "02",
    "03",
    "05",
    "06",
    "07",
    "08",
    "09",
    "10",
    "13",
)
# Levy kinds as DMS tax type codes (at most 3 characters) when the schedule's own code is longer.
_TAX_TYPES = {"duty": "A00", "vat": "B00", "excise": "E00", "fee": "F00"}


@dataclass(frozen=True)
class DeclarationRef:
    """Which declaration a response is about: LRN, MRN and version."""

    lrn: str | None
    mrn: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class TaxLine:
    """One duty or tax of an item as a DMS DutyTaxFee: base, rate, type and amount."""

    type_code: str
    base: Decimal | None
    rate: Decimal | None
    amount: Decimal
    currency: str


@dataclass
class ResponseMessage:
    """One WCO DM Response: its function code, time, and what it says."""

    function_code: str
    reference: str
    issued_at: datetime
    declaration: DeclarationRef
    statements: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    released_at: datetime | None = None
    taxes: dict[int, list[TaxLine]] = field(default_factory=dict)
    total_due: tuple[Decimal, str] | None = None


def wco_time(at: datetime) -> str:
    """Formats a time as WCO format 304 (YYYYMMDDHHMMSSZ, UTC)."""
    return at.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, RES + name, attrs)
    if text is not None:
        el.text = text
    return el


def _time(parent: etree._Element, name: str, at: datetime) -> None:
    # The date-time string belongs to the response data-set namespace, as the schema declares it.
    stamp = etree.SubElement(_sub(parent, name), DS + "DateTimeString", {"formatCode": "304"})
    stamp.text = wco_time(at)


def _amount(value: Decimal) -> str:
    cents = value.quantize(Decimal("0.01"))
    return format(cents if cents == value else value.quantize(Decimal("0.001")), "f")


def _pointer(parent: etree._Element, path: str) -> None:
    for step in wco.pointer_steps(path):
        p = _sub(parent, "Pointer")
        if step.sequence is not None:
            _sub(p, "SequenceNumeric", str(step.sequence))
        _sub(p, "DocumentSectionCode", step.section)
        if step.tag is not None:
            _sub(p, "TagID", step.tag)


def _response(parent: etree._Element, msg: ResponseMessage) -> None:
    r = _sub(parent, "Response")
    _sub(r, "FunctionCode", msg.function_code)
    _sub(r, "FunctionalReferenceID", msg.reference[:35])
    _time(r, "IssueDateTime", msg.issued_at)
    for text in msg.statements:
        _sub(_sub(r, "AdditionalInformation"), "StatementDescription", text[:512])
    for issue in msg.errors:
        e = _sub(r, "Error")
        where = f" (at {issue.pointer})" if issue.pointer else ""
        _sub(e, "Description", f"{issue.code}: {issue.message}{where}"[:512])
        _sub(e, "ValidationCode", wco.validation_code(issue.code))
        _pointer(e, issue.pointer)
    if msg.released_at is not None:
        status = _sub(r, "Status")
        _time(status, "ReleaseDateTime", msg.released_at)
    _declaration(r, msg)


def _declaration(parent: etree._Element, msg: ResponseMessage) -> None:
    d = _sub(parent, "Declaration")
    ref = msg.declaration
    if msg.function_code == ACCEPTED:
        _time(d, "AcceptanceDateTime", msg.issued_at)
    if msg.function_code == INVALIDATED:
        _time(d, "CancellationDateTime", msg.issued_at)
    if ref.lrn:
        _sub(d, "FunctionalReferenceID", ref.lrn[:35])
    if ref.mrn:
        _sub(d, "ID", ref.mrn)
    if msg.function_code == REJECTED:
        _time(d, "RejectionDateTime", msg.issued_at)
    if ref.version is not None:
        _sub(d, "VersionID", str(ref.version))
    if msg.total_due is not None:
        amount, currency = msg.total_due
        pay = _sub(_sub(d, "DutyTaxFee"), "Payment")
        _sub(pay, "TaxAssessedAmount", _amount(amount), currencyID=currency)
    if msg.taxes:
        gs = _sub(d, "GoodsShipment")
        for sequence, lines in sorted(msg.taxes.items()):
            item = _sub(gs, "GovernmentAgencyGoodsItem")
            _sub(item, "SequenceNumeric", str(sequence))
            commodity = _sub(item, "Commodity")
            for line in lines:
                fee = _sub(commodity, "DutyTaxFee")
                if line.base is not None:
                    _sub(fee, "AdValoremTaxBaseAmount", _amount(line.base), currencyID=line.currency)
                if line.rate is not None:
                    _sub(fee, "TaxRateNumeric", format(line.rate, "f"))
                _sub(fee, "TypeCode", line.type_code)
                pay = _sub(fee, "Payment")
                _sub(pay, "TaxAssessedAmount", _amount(line.amount), currencyID=line.currency)


def document(messages: Iterable[ResponseMessage], *, country: str, agency: str = "Clearway") -> bytes:
    """Builds the MetaData envelope with one Response per message, as UTF-8 XML bytes."""
    root = etree.Element(MD + "MetaData", nsmap=_NSMAP)
    for name, value in (
        ("WCODataModelVersionCode", "3.6"),
        ("WCOTypeName", "RES"),
        ("ResponsibleCountryCode", country[:2]),
        ("ResponsibleAgencyName", agency[:70]),
    ):
        etree.SubElement(root, MD + name).text = value
    for msg in messages:
        _response(root, msg)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        return None
    return out if out.is_finite() else None


def tax_lines(assessment: Mapping[str, Any]) -> tuple[dict[int, list[TaxLine]], tuple[Decimal, str] | None]:
    """Reads an assessment (as the tariff capability describes it) into DMS tax lines per item and the total."""
    currency = str(assessment.get("currency") or "")[:3]
    out: dict[int, list[TaxLine]] = {}
    total = Decimal(0)
    for item in assessment.get("items") or []:
        if not isinstance(item, Mapping):
            continue
        try:
            sequence = int(item.get("sequence") or 0)
        except (TypeError, ValueError):
            continue
        for levy in item.get("levies") or []:
            if not isinstance(levy, Mapping):
                continue
            amount = _dec(levy.get("amount"))
            if amount is None or sequence < 1:
                continue
            code = str(levy.get("code") or "")
            type_code = code if 0 < len(code) <= 3 else _TAX_TYPES.get(str(levy.get("kind") or ""), code[:3] or "ZZZ")
            out.setdefault(sequence, []).append(
                TaxLine(type_code, _dec(levy.get("base")), _dec(levy.get("rate")), amount, currency)
            )
            total += amount
    for levy in assessment.get("declaration_levies") or []:
        amount = _dec(levy.get("amount")) if isinstance(levy, Mapping) else None
        total += amount or Decimal(0)
    declared_total = _dec(assessment.get("total"))
    return out, ((declared_total if declared_total is not None else total, currency) if currency and out else None)
