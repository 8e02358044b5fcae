"""The declaration against its documents: each difference a sentence with a pointer to the declared field.

Plain domain code: it reads the declared data and the fields extracted from each document, and does no I/O.
Tax identifiers are checked with python-stdnum (check digits of RUC, CNPJ, CPF, RFC, NIT, RUT, CUIT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clearway.declarations.model import DeclarationData
from clearway.documents import phrases
from clearway.documents.model import DocumentType, StoredDocument

AMOUNT_TOLERANCE = Decimal("0.005")  # half a percent (rounding, bank charges printed apart)
WEIGHT_TOLERANCE = Decimal("0.02")


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One difference between a document and the declaration."""

    code: str
    message: str
    pointer: str
    document_id: str
    document_type: str

    def as_dict(self) -> dict[str, str]:
        """Returns the discrepancy as the API reports it."""
        return {
            "code": self.code,
            "message": self.message,
            "pointer": self.pointer,
            "document_id": self.document_id,
            "document_type": self.document_type,
        }


def money(value: Decimal, currency: str) -> str:
    """Prints an amount as officers read it: 12,400.00 USD."""
    return f"{value:,.2f} {currency}"


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) <= max(abs(b) * tolerance, Decimal("0.01"))


_STDNUM = {
    "RUC": "stdnum.pe.ruc",
    "CNPJ": "stdnum.br.cnpj",
    "CPF": "stdnum.br.cpf",
    "RFC": "stdnum.mx.rfc",
    "NIT": "stdnum.co.nit",
    "RUT": "stdnum.cl.rut",
    "CUIT": "stdnum.ar.cuit",
}


def tax_id_valid(scheme: str, number: str) -> bool | None:
    """Checks a tax id's check digits with python-stdnum; None when the scheme is not one it knows."""
    module_name = _STDNUM.get(scheme.upper())
    if module_name is None:
        return None
    from stdnum.ar import cuit
    from stdnum.br import cnpj, cpf
    from stdnum.cl import rut
    from stdnum.co import nit
    from stdnum.mx import rfc
    from stdnum.pe import ruc

    module = {
        "stdnum.pe.ruc": ruc,
        "stdnum.br.cnpj": cnpj,
        "stdnum.br.cpf": cpf,
        "stdnum.mx.rfc": rfc,
        "stdnum.co.nit": nit,
        "stdnum.cl.rut": rut,
        "stdnum.ar.cuit": cuit,
    }[module_name]
    return bool(module.is_valid(number))


def _digits(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def check(data: DeclarationData, docs: list[StoredDocument]) -> list[Discrepancy]:
    """Compares the declaration with every document whose fields could be read."""
    out: list[Discrepancy] = []
    for doc in docs:
        f = doc.fields
        if not f:
            continue

        def add(code: str, message: str, pointer: str, doc: StoredDocument = doc) -> None:
            out.append(Discrepancy(code, message, pointer, doc.id, doc.type.value))

        if doc.type is DocumentType.INVOICE:
            _invoice(data, f, add)
        if doc.type in {DocumentType.INVOICE, DocumentType.PACKING_LIST}:
            _weights(data, f, add, doc.type.value.replace("-", " "))
        if doc.type in {DocumentType.INVOICE, DocumentType.CERTIFICATE_OF_ORIGIN}:
            _origin(data, f, add, doc.type)
        if doc.type is not DocumentType.OTHER:
            _parties(data, f, add)
    return out


def _invoice(data: DeclarationData, f: dict[str, Any], add: Any) -> None:
    inv = data.invoice
    currency = f.get("currency")
    if currency and currency != inv.currency:
        add("DOC_CURRENCY", phrases.CURRENCY(found=currency, declared=inv.currency), "/invoice/currency")
    total = _dec(f.get("total"))
    same_currency = not currency or currency == inv.currency
    if total is not None and same_currency and not _close(total, inv.total_amount, AMOUNT_TOLERANCE):
        printed, declared = money(total, currency or inv.currency), money(inv.total_amount, inv.currency)
        add("DOC_TOTAL", phrases.TOTAL(found=printed, declared=declared), "/invoice/total_amount")
    number = f.get("invoice_number")
    if number and inv.number and _digits(str(number)) != _digits(inv.number):
        add("DOC_INVOICE_NUMBER", phrases.NUMBER(found=number, declared=inv.number), "/invoice/number")
    incoterm = f.get("incoterm")
    if incoterm and incoterm != inv.incoterm:
        add("DOC_INCOTERM", phrases.INCOTERM(found=incoterm, declared=inv.incoterm), "/invoice/incoterm")
    lines = f.get("lines") or []
    items = data.goods_items
    if lines and len(lines) != len(items):
        add(
            "DOC_LINE_COUNT",
            phrases.LINE_COUNT(lines=len(lines), items=len(items)),
            "/goods_items",
        )
    elif lines:
        for i, (line, item) in enumerate(zip(lines, items, strict=True)):
            qty = _dec(line.get("quantity"))
            if qty is not None and qty != item.quantity:
                add(
                    "DOC_QUANTITY",
                    phrases.QUANTITY(line=i + 1, found=f"{qty:,f}", declared=f"{item.quantity:,f}", item=item.sequence),
                    f"/goods_items/{i}/quantity",
                )


def _weights(data: DeclarationData, f: dict[str, Any], add: Any, what: str) -> None:
    for key, attr, label in (("gross_weight_kg", "gross_mass", "gross"), ("net_weight_kg", "net_mass", "net")):
        printed = _dec(f.get(key))
        if printed is None:
            continue
        declared = sum((getattr(g, attr) for g in data.goods_items), Decimal(0))
        if not _close(printed, declared, WEIGHT_TOLERANCE):
            pointer = f"/goods_items/0/{attr}" if len(data.goods_items) == 1 else "/goods_items"
            add(
                f"DOC_{label.upper()}_MASS",
                (phrases.GROSS if label == "gross" else phrases.NET)(
                    what=what, found=f"{printed:,.2f}", declared=f"{declared:,.2f}"
                ),
                pointer,
            )


def _origin(data: DeclarationData, f: dict[str, Any], add: Any, kind: DocumentType) -> None:
    origin = (f.get("origin") or {}).get("country") if isinstance(f.get("origin"), dict) else None
    if not origin:
        return
    what = "certificate of origin" if kind is DocumentType.CERTIFICATE_OF_ORIGIN else "invoice"
    for i, item in enumerate(data.goods_items):
        if item.origin_country != origin:
            add(
                "DOC_ORIGIN",
                phrases.ORIGIN(what=what, found=origin, declared=item.origin_country, item=item.sequence),
                f"/goods_items/{i}/origin_country",
            )


def _parties(data: DeclarationData, f: dict[str, Any], add: Any) -> None:
    for role, party, pointer in (("seller", data.exporter, "/exporter/id"), ("buyer", data.importer, "/importer/id")):
        block = f.get(role)
        tax = block.get("tax_id") if isinstance(block, dict) else None
        if not isinstance(tax, dict) or not tax.get("id"):
            continue
        scheme, number = str(tax.get("scheme", "")), str(tax["id"])
        valid = tax_id_valid(scheme, number)
        if valid is False:
            add("DOC_TAX_ID_INVALID", phrases.TAX_ID_INVALID(what=role, scheme=scheme, number=number), pointer)
            continue
        if valid and _digits(number) not in _digits(party.id):
            add("DOC_PARTY", phrases.PARTY(what=role, scheme=scheme, number=number, declared=party.id), pointer)
