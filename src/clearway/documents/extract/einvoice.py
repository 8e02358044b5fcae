"""Structured e-invoices read exactly: UBL 2.1 (Peppol, Peru, Colombia…), UN/CEFACT CII D16B (Factur-X, ZUGFeRD 2.x,
XRechnung) and ZUGFeRD 1.0's CrossIndustryDocument, Mexico's CFDI 3.3/4.0, Brazil's NF-e."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from clearway.documents.extract.page import Found
from clearway.documents.model import CII_ROOT, ZUGFERD_1_ROOT, Format


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _find(el: Any, path: str) -> Any | None:
    """Finds a descendant by a path of local names (namespaces ignored)."""
    current = [el]
    for part in path.split("/"):
        nxt = [c for e in current for c in list(e) if _local(c.tag) == part]
        if not nxt:
            return None
        current = nxt
    return current[0]


def _findall(el: Any, name: str) -> list[Any]:
    return [e for e in el.iter() if _local(e.tag) == name]


def _text(el: Any, path: str) -> str | None:
    found = _find(el, path)
    if found is None or found.text is None:
        return None
    return str(found.text).strip() or None


def _dec(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        return None


def _f(value: Any) -> Found | None:
    return None if value is None else Found(value, 1.0)


def read(root: Any, fmt: Format) -> dict[str, Found | None]:
    """Reads the fields of a parsed e-invoice."""
    if fmt is Format.UBL:
        return _ubl(root)
    if fmt is Format.CII:
        return _cii(root)
    if fmt is Format.CFDI:
        return _cfdi(root)
    return _nfe(root)


def _ubl_party(root: Any, role: str) -> dict[str, Any] | None:
    party = _find(root, f"{role}/Party")
    if party is None:
        return None
    name = _text(party, "PartyLegalEntity/RegistrationName") or _text(party, "PartyName/Name")
    tax = _text(party, "PartyTaxScheme/CompanyID") or _text(party, "PartyLegalEntity/CompanyID")
    country = _text(party, "PostalAddress/Country/IdentificationCode")
    scheme = {"PE": "RUC", "CO": "NIT", "MX": "RFC", "BR": "CNPJ", "CL": "RUT", "AR": "CUIT"}.get(country or "", "VAT")
    return {"name": name, "tax_id": {"scheme": scheme, "id": tax} if tax else None, "country": country}


def _ubl(root: Any) -> dict[str, Found | None]:
    lines = []
    for line in _findall(root, "InvoiceLine"):
        qty_el = _find(line, "InvoicedQuantity")
        lines.append(
            {
                "description": _text(line, "Item/Name") or _text(line, "Item/Description") or "",
                "quantity": _dec(qty_el.text if qty_el is not None else None),
                "unit": qty_el.get("unitCode") if qty_el is not None else None,
                "unit_price": _dec(_text(line, "Price/PriceAmount")),
                "amount": _dec(_text(line, "LineExtensionAmount")),
                "origin": _text(line, "Item/OriginCountry/IdentificationCode"),
            }
        )
    origins = {ln["origin"] for ln in lines if ln["origin"]}
    return {
        "invoice_number": _f(_text(root, "ID")),
        "date": _f(_text(root, "IssueDate")),
        "currency": _f(_text(root, "DocumentCurrencyCode")),
        "seller": _f(_ubl_party(root, "AccountingSupplierParty")),
        "buyer": _f(_ubl_party(root, "AccountingCustomerParty")),
        "net": _f(_dec(_text(root, "LegalMonetaryTotal/TaxExclusiveAmount"))),
        "tax": _f(_dec(_text(root, "TaxTotal/TaxAmount"))),
        "total": _f(
            _dec(_text(root, "LegalMonetaryTotal/PayableAmount"))
            or _dec(_text(root, "LegalMonetaryTotal/TaxInclusiveAmount"))
        ),
        "incoterm": _f(_text(root, "Delivery/DeliveryTerms/ID")),
        "origin": _f({"country": next(iter(origins)), "statement": "cac:OriginCountry"} if len(origins) == 1 else None),
        "gross_weight_kg": _f(_dec(_text(root, "Delivery/Shipment/GrossWeightMeasure"))),
        "net_weight_kg": _f(_dec(_text(root, "Delivery/Shipment/NetWeightMeasure"))),
        "lines": _f(lines or None),
    }


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in list(el) if _local(c.tag) == name] if el is not None else []


def _cii_date(el: Any) -> str | None:
    """A CII date (``udt:DateTimeString``, format 102 = CCYYMMDD) in ISO 8601; None for other formats."""
    found = _find(el, "DateTimeString") if el is not None else None
    text = (found.text or "").strip() if found is not None else ""
    if found is None or found.get("format", "102") != "102" or not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


# CII tax registrations: VA is a VAT number, FC a national tax number (Steuernummer, numéro fiscal).
_CII_TAX_SCHEMES = {"VA": "VAT", "FC": "FC"}


@dataclass(frozen=True)
class CiiSyntax:
    """Where one syntax of the UN/CEFACT Cross Industry family puts the fields (paths of local names).

    CII D16B (EN 16931: Factur-X, ZUGFeRD 2.x, XRechnung) and ZUGFeRD 1.0's ``CrossIndustryDocument`` (2014, the
    FeRD's profile of an earlier CII) share parties, tax registrations, dates, prices and amounts; they name the
    header, the transaction, its three header parts, the three line parts and the monetary summations differently.
    """

    name: str
    header: str
    transaction: str
    agreement: str
    settlement: str
    summation: str
    line_agreement: str
    line_delivery: str
    line_settlement: str
    line_summation: str


CII_D16B = CiiSyntax(
    name="CII",
    header="ExchangedDocument",
    transaction="SupplyChainTradeTransaction",
    agreement="ApplicableHeaderTradeAgreement",
    settlement="ApplicableHeaderTradeSettlement",
    summation="SpecifiedTradeSettlementHeaderMonetarySummation",
    line_agreement="SpecifiedLineTradeAgreement",
    line_delivery="SpecifiedLineTradeDelivery",
    line_settlement="SpecifiedLineTradeSettlement",
    line_summation="SpecifiedTradeSettlementLineMonetarySummation",
)
ZUGFERD_1 = CiiSyntax(
    name="ZUGFeRD 1.0",
    header="HeaderExchangedDocument",
    transaction="SpecifiedSupplyChainTradeTransaction",
    agreement="ApplicableSupplyChainTradeAgreement",
    settlement="ApplicableSupplyChainTradeSettlement",
    summation="SpecifiedTradeSettlementMonetarySummation",
    line_agreement="SpecifiedSupplyChainTradeAgreement",
    line_delivery="SpecifiedSupplyChainTradeDelivery",
    line_settlement="SpecifiedSupplyChainTradeSettlement",
    line_summation="SpecifiedTradeSettlementMonetarySummation",
)
_CII_SYNTAXES = {CII_ROOT: CII_D16B, ZUGFERD_1_ROOT: ZUGFERD_1}


def cii_syntax(root: Any) -> CiiSyntax:
    """The syntax of a Cross Industry root (its qualified tag); D16B for any other, as the upload checks allow."""
    return _CII_SYNTAXES.get(root.tag if isinstance(root.tag, str) else "", CII_D16B)


def _cii_party(agreement: Any, role: str) -> dict[str, Any] | None:
    party = _find(agreement, role) if agreement is not None else None
    if party is None:
        return None
    tax = None
    registrations = [(_find(r, "ID")) for r in _children(party, "SpecifiedTaxRegistration")]
    for scheme_id, scheme in _CII_TAX_SCHEMES.items():
        for reg in registrations:
            if tax is None and reg is not None and reg.get("schemeID") == scheme_id and (reg.text or "").strip():
                tax = {"scheme": scheme, "id": reg.text.strip()}
    name = _text(party, "Name") or _text(party, "SpecifiedLegalOrganization/TradingBusinessName")
    return {
        "name": " ".join(name.split()) if name else None,  # a name printed on two lines is one name
        "tax_id": tax,
        "country": _text(party, "PostalTradeAddress/CountryID"),
    }


def _cii_amount(summation: Any, name: str, currency: str | None) -> Decimal | None:
    """An amount of the header summation; of several (the tax total in two currencies), the invoice's."""
    found = _children(summation, name)
    chosen = [e for e in found if e.get("currencyID") in (None, currency)] or found
    return _dec(chosen[0].text) if chosen and chosen[0].text else None


def _cii_price(agreement: Any) -> Decimal | None:
    """The net unit price: the charge amount divided by its basis quantity (a price per 100, per 1000…)."""
    price_el = _find(agreement, "NetPriceProductTradePrice") if agreement is not None else None
    price = _dec(_text(price_el, "ChargeAmount")) if price_el is not None else None
    basis = _dec(_text(price_el, "BasisQuantity")) if price_el is not None else None
    if price is None or basis is None or basis <= 0 or basis == 1:
        return price
    return (price / basis).normalize()


def _cii(root: Any) -> dict[str, Found | None]:
    """The Cross Industry family: CII D16B (Factur-X, ZUGFeRD 2.x, XRechnung) and ZUGFeRD 1.0, by the root."""
    syntax = cii_syntax(root)
    header = _find(root, syntax.header)
    trade = _find(root, syntax.transaction)
    agreement = _find(trade, syntax.agreement) if trade is not None else None
    settlement = _find(trade, syntax.settlement) if trade is not None else None
    currency = _text(settlement, "InvoiceCurrencyCode") if settlement is not None else None
    summation = _find(settlement, syntax.summation) if settlement is not None else None
    line_total = f"{syntax.line_settlement}/{syntax.line_summation}/LineTotalAmount"
    lines = []
    for item in _children(trade, "IncludedSupplyChainTradeLineItem"):
        qty_el = _find(item, f"{syntax.line_delivery}/BilledQuantity")
        if _find(item, "SpecifiedTradeProduct") is None and qty_el is None and _find(item, line_total) is None:
            continue  # a text line (ZUGFeRD 1.0 allows a line item that only carries a note): no goods
        lines.append(
            {
                "description": _text(item, "SpecifiedTradeProduct/Name")
                or _text(item, "SpecifiedTradeProduct/Description")
                or "",
                "quantity": _dec(qty_el.text if qty_el is not None else None),
                "unit": qty_el.get("unitCode") if qty_el is not None else None,
                "unit_price": _cii_price(_find(item, syntax.line_agreement)),
                "amount": _dec(_text(item, line_total)),
                "origin": _text(item, "SpecifiedTradeProduct/OriginTradeCountry/ID"),
            }
        )
    origins = {ln["origin"] for ln in lines if ln["origin"]}
    return {
        "invoice_number": _f(_text(header, "ID") if header is not None else None),
        "date": _f(_cii_date(_find(header, "IssueDateTime")) if header is not None else None),
        "currency": _f(currency),
        "seller": _f(_cii_party(agreement, "SellerTradeParty")),
        "buyer": _f(_cii_party(agreement, "BuyerTradeParty")),
        "net": _f(_cii_amount(summation, "TaxBasisTotalAmount", currency) if summation is not None else None),
        "tax": _f(_cii_amount(summation, "TaxTotalAmount", currency) if summation is not None else None),
        "total": _f(_cii_amount(summation, "GrandTotalAmount", currency) if summation is not None else None),
        "incoterm": _f(
            _text(agreement, "ApplicableTradeDeliveryTerms/DeliveryTypeCode") if agreement is not None else None
        ),
        "origin": _f(
            {"country": next(iter(origins)), "statement": "ram:OriginTradeCountry"} if len(origins) == 1 else None
        ),
        "gross_weight_kg": None,
        "net_weight_kg": None,
        "lines": _f(lines or None),
    }


def _attr(el: Any, name: str) -> Any:
    """A CFDI attribute: capitalised since CFDI 3.3 (``Total``), lower case in 3.2 (``total``)."""
    value = el.get(name)
    return value if value is not None else el.get(name[0].lower() + name[1:])


def _cfdi(root: Any) -> dict[str, Found | None]:
    def party(name: str) -> dict[str, Any] | None:
        el = _find(root, name)
        if el is None:
            return None
        rfc = _attr(el, "Rfc")
        return {"name": _attr(el, "Nombre"), "tax_id": {"scheme": "RFC", "id": rfc} if rfc else None}

    lines = [
        {
            "description": (_attr(c, "Descripcion") or ""),
            "quantity": _dec(_attr(c, "Cantidad")),
            "unit": _attr(c, "ClaveUnidad") or _attr(c, "Unidad"),
            "unit_price": _dec(_attr(c, "ValorUnitario")),
            "amount": _dec(_attr(c, "Importe")),
        }
        for c in _findall(root, "Concepto")
    ]
    number = "".join(x for x in (_attr(root, "Serie"), _attr(root, "Folio")) if x) or None
    taxes = _find(root, "Impuestos")
    date = _attr(root, "Fecha")
    cce = next(iter(_findall(root, "ComercioExterior")), None)
    return {
        "invoice_number": _f(number),
        "date": _f(date[:10] if date else None),
        "currency": _f(_attr(root, "Moneda")),
        "seller": _f(party("Emisor")),
        "buyer": _f(party("Receptor")),
        "net": _f(_dec(_attr(root, "SubTotal"))),
        "tax": _f(_dec(_attr(taxes, "TotalImpuestosTrasladados")) if taxes is not None else None),
        "total": _f(_dec(_attr(root, "Total"))),
        "incoterm": _f(_attr(cce, "Incoterm") if cce is not None else None),
        "origin": None,
        "gross_weight_kg": None,
        "net_weight_kg": None,
        "lines": _f(lines or None),
    }


def _nfe(root: Any) -> dict[str, Found | None]:
    inf = next(iter(_findall(root, "infNFe")), root)

    def party(name: str) -> dict[str, Any] | None:
        el = _find(inf, name)
        if el is None:
            return None
        for scheme in ("CNPJ", "CPF", "idEstrangeiro"):
            value = _text(el, scheme)
            if value:
                return {"name": _text(el, "xNome"), "tax_id": {"scheme": scheme.upper(), "id": value}}
        return {"name": _text(el, "xNome"), "tax_id": None}

    lines = [
        {
            "description": _text(det, "prod/xProd") or "",
            "quantity": _dec(_text(det, "prod/qCom")),
            "unit": _text(det, "prod/uCom"),
            "unit_price": _dec(_text(det, "prod/vUnCom")),
            "amount": _dec(_text(det, "prod/vProd")),
        }
        for det in _findall(inf, "det")
    ]
    net = _dec(_text(inf, "total/ICMSTot/vProd"))
    total = _dec(_text(inf, "total/ICMSTot/vNF"))
    when = _text(inf, "ide/dhEmi") or _text(inf, "ide/dEmi")
    return {
        "invoice_number": _f(_text(inf, "ide/nNF")),
        "date": _f(when[:10] if when else None),
        "currency": _f("BRL"),
        "seller": _f(party("emit")),
        "buyer": _f(party("dest")),
        "net": _f(net),
        "tax": _f(total - net if total is not None and net is not None else None),
        "total": _f(total),
        "incoterm": None,
        "origin": None,
        "gross_weight_kg": _f(_dec(_text(inf, "transp/vol/pesoB"))),
        "net_weight_kg": _f(_dec(_text(inf, "transp/vol/pesoL"))),
        "lines": _f(lines or None),
    }
