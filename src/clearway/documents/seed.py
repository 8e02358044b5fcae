"""Demo seed: invoices attached to a few demo declarations, one matching, one that disagrees with the declaration,
and a Factur-X invoice (its CII XML embedded in the printed PDF) whose XML disagrees on the incoterm only; and a
certificate of origin (a printed page) whose stated origin differs from one goods item's declared origin."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from babel import Locale

from clearway.core.ids import party_id_scheme
from clearway.core.issues import DomainError, ValidationFailed
from clearway.declarations import service as declarations
from clearway.declarations.model import Declaration
from clearway.documents import einvoice_samples, generator, generator_data, service
from clearway.documents.extract.countries import country_code
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext


def invoice_for(decl: Declaration, *, seed: int, total_factor: Decimal = Decimal(1)) -> bytes:
    """Prints the commercial invoice a declaration relies on (its items, parties, terms), optionally inflated."""
    d = decl.data
    lines: list[dict[str, Any]] = [
        {
            "description": g.description[:60],
            "quantity": g.quantity,
            "unit": g.unit if g.unit in generator_data.UNIT_WORDS else "PCE",
            "unit_price": (g.invoice_amount / g.quantity).quantize(Decimal("0.01")) if g.quantity else g.invoice_amount,
            "amount": g.invoice_amount,
        }
        for g in d.goods_items
    ]
    for ln in lines:
        ln["amount"] = (ln["quantity"] * ln["unit_price"] * total_factor).quantize(Decimal("0.01"))
        ln["unit_price"] = (ln["unit_price"] * total_factor).quantize(Decimal("0.01"))
    override = {
        "number": d.invoice.number or f"INV-{decl.mrn[-6:]}",
        "issued": decl.lodged_at.date() if decl.lodged_at else date(2026, 1, 1),
        "incoterm": d.invoice.incoterm,
        "currency": d.invoice.currency,
        "seller": (d.exporter.name, tax_line(d.exporter.id), d.exporter.address or d.exporter.country),
        "buyer": (d.importer.name, tax_line(d.importer.id), d.importer.address or ""),
        "origin": d.goods_items[0].origin_country,
        "lines": lines,
        "tax": Decimal(0),
        "gross_kg": sum((g.gross_mass for g in d.goods_items), Decimal(0)),
        "net_kg": sum((g.net_mass for g in d.goods_items), Decimal(0)),
    }
    return generator.make_invoice(seed, "dev", lang="en", override=override).pdf


def tax_line(party_id: str) -> str:
    """How an invoice prints a declared party's id: its scheme and national number (RUC 20512345671), else as a TIN.

    Each party block prints its id, so that a reader never takes the buyer's RUC for the seller's.
    """
    scheme = party_id_scheme(party_id)
    return f"{scheme} {party_id[2:]}" if scheme else f"TIN {party_id}"


def other_incoterm(incoterm: str) -> str:
    """The incoterm the demo's Factur-X XML states instead of the declared one."""
    return "FCA" if incoterm != "FCA" else "CIF"


def factur_x_for(decl: Declaration, *, seed: int) -> bytes:
    """A Factur-X invoice for a declaration: its printed invoice with the CII XML attached as factur-x.xml (Data).

    The XML agrees with the declaration (number, currency, items, quantities, amounts, origin, parties) except on
    the incoterm, so that the cross-check shows one discrepancy read from the embedded XML, not from the print.
    """
    d = decl.data
    lines = [
        {
            "description": g.description[:60],
            "quantity": g.quantity,
            "unit": "C62" if g.unit in {"PCE", "U", "NIU", "C62"} else g.unit,
            "unit_price": (g.invoice_amount / g.quantity).quantize(Decimal("0.0001"))
            if g.quantity
            else g.invoice_amount,
            "amount": g.invoice_amount,
            "origin": g.origin_country,
        }
        for g in d.goods_items
    ]
    xml, _ = einvoice_samples.cii_invoice(
        seed,
        currency=d.invoice.currency,
        number=d.invoice.number or f"INV-{decl.mrn[-6:]}",
        lines=lines,
        seller=(d.exporter.name, d.exporter.country, None),
        buyer=(d.importer.name, d.importer.country),
        incoterm=other_incoterm(d.invoice.incoterm),
        origin=d.goods_items[0].origin_country,
        tax_rate=Decimal(0),
    )
    return einvoice_samples.factur_x(invoice_for(decl, seed=seed), xml)


def origin_one_off(decl: Declaration) -> str | None:
    """The country a certificate of origin may state so that exactly one goods item's declared origin differs (the
    exporter's country first, then the items' origins in order) and whose printed name the reader knows; None when
    no country does."""
    items = decl.data.goods_items
    if len(items) < 2:
        return None
    countries = [decl.data.exporter.country, *(g.origin_country for g in items)]
    for country in dict.fromkeys(countries):
        if sum(1 for g in items if g.origin_country != country) == 1 and country_code(country_name(country)) == country:
            return country
    return None


def country_name(code: str) -> str:
    """A country's English name as a certificate prints it (babel's CLDR names), the code when it has none."""
    return str(Locale("en").territories.get(code, code))


def certificate_for(decl: Declaration, *, origin: str) -> bytes:
    """Prints a one-page certificate of origin (reportlab) for a declaration's goods, stating ``origin`` as the
    country of origin of them all: the exporter and consignee with their ids, the invoice it covers, the transport,
    the goods (marks, description, HS code, quantity) and the chamber's certification. (The invoice box follows the
    consignee's: the reader ends a party block at an invoice label, not at "Country of origin".)"""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    d = decl.data
    country = country_name(origin)
    issued = decl.lodged_at.date()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(f"Certificate of origin CO-{decl.mrn[-8:]}")
    width, height = A4
    left, right = 40, width - 40
    y = height - 54
    c.setFont("Helvetica-Bold", 15)
    c.drawString(left, y, "CERTIFICATE OF ORIGIN")
    c.setFont("Helvetica", 9)
    c.drawRightString(right, y, f"Certificate No. CO-{decl.mrn[-8:]}")
    y -= 34

    def box(title: str, lines: list[str]) -> None:
        nonlocal y
        c.setFont("Helvetica-Bold", 9)
        c.drawString(left, y, title)
        c.setFont("Helvetica", 9)
        for line in lines:
            y -= 12
            c.drawString(left + 14, y, line)
        y -= 24

    for title, party in (("Exporter", d.exporter), ("Consignee", d.importer)):
        address = [party.address] if party.address else []
        box(title, [party.name, tax_line(party.id), *address, country_name(party.country)])
    box("Invoice", [f"Commercial invoice {d.invoice.number or '-'} of {issued.isoformat()}"])
    box("Country of origin", [country])
    ship = d.consignment
    means = {1: "Vessel", 3: "Truck", 4: "Flight"}.get(ship.transport_mode, "Means of transport")
    box("Transport", [f"{means} {ship.means_id}, loaded at {ship.loading_place}, discharged at {ship.discharge_place}"])
    c.setFont("Helvetica-Bold", 8.5)
    c.drawString(left, y, "Item")
    c.drawString(left + 50, y, "Marks")
    c.drawString(left + 150, y, "Description of goods")
    c.drawString(left + 400, y, "HS code")
    c.drawRightString(right, y, "Quantity")
    c.setFont("Helvetica", 8.5)
    for g in d.goods_items:
        y -= 13
        c.drawString(left + 14, y, str(g.sequence))
        c.drawString(left + 50, y, (g.packages.marks or f"{g.packages.count} {g.packages.kind}")[:18])
        c.drawString(left + 150, y, g.description[:50])
        c.drawString(left + 400, y, g.commodity_code)
        c.drawRightString(right, y, f"{g.quantity:f} {g.unit}")
    y -= 30
    box(
        "Certification",
        [
            "The undersigned chamber of commerce certifies that the goods described above",
            f"originate in {country}, on the evidence the exporter produced.",
            f"Chamber of commerce, {issued.isoformat()}. Signature and stamp.",
        ],
    )
    c.showPage()
    c.save()
    return buf.getvalue()


def seed_demo(ctx: DemoContext) -> None:
    """Attaches a matching invoice to one open declaration, an inflated one to another and, where there is a third,
    a Factur-X invoice whose embedded XML states another incoterm; and, to a declaration whose goods all share an
    origin but one item, a certificate of origin stating that origin for all (one DOC_ORIGIN difference)."""
    runtime = ctx.runtime
    officer = Principal(user="officer.rojas", role="officer", office="PECLL")
    with runtime.uow(readonly=True) as uow:
        rows, _ = declarations.list_visible(uow, officer, status="06", limit=20)
        if len(rows) < 3:
            rows, _ = declarations.list_visible(uow, officer, limit=20)
        more, _ = declarations.list_visible(uow, officer, limit=50)
        listed = [declarations.get(uow, m) for m in dict.fromkeys(r["mrn"] for r in [*rows, *more])]
    decls = listed[: len(rows)]
    # the Factur-X goes to a declaration of one origin: its printed page states one country of origin, which the
    # reader keeps when the XML's lines give several, and the demo should show the incoterm difference alone
    single = [d for d in decls[2:] if len({g.origin_country for g in d.data.goods_items}) == 1]
    decls = decls[:2] + (single or decls[2:])[:1]
    jobs: list[tuple[Declaration, bytes, str, str]] = []
    for k, decl in enumerate(decls):
        if k == 2:
            jobs.append((decl, factur_x_for(decl, seed=k), "invoice", f"factur-x-{decl.mrn}.pdf"))
        else:
            factor = Decimal(1) if k == 0 else Decimal(3)
            jobs.append((decl, invoice_for(decl, seed=k, total_factor=factor), "invoice", f"invoice-{decl.mrn}.pdf"))
    # the certificate goes to a declaration without an invoice of the demo's when one fits (its panel then shows the
    # origin difference alone), else to the matching or the inflated invoice's
    taken = {d.mrn for d in decls}
    fits = [*(d for d in listed if d.mrn not in taken), *decls[:2]]
    target = next((d for d in fits if origin_one_off(d)), None)
    if target is not None:
        origin = origin_one_off(target) or ""
        body = certificate_for(target, origin=origin)
        jobs.append((target, body, "certificate-of-origin", f"certificate-of-origin-{target.mrn}.pdf"))
    attached: dict[str, list[str]] = {"invoice": [], "certificate-of-origin": []}
    for decl, body, doc_type, filename in jobs:
        broker = Principal(
            user=f"broker.{decl.data.declarant.id[-4:]}", role="declarant", party_id=decl.data.declarant.id
        )
        try:
            with runtime.uow() as uow:
                service.attach(uow, decl.mrn, body, doc_type=doc_type, filename=filename, principal=broker, ocr=False)
                found = service.discrepancies(uow, decl.mrn)
                uow.commit()
        except (DomainError, ValidationFailed) as exc:  # pragma: no cover - the demo goes on without documents
            ctx.say(f"documents: could not attach to {decl.mrn}: {exc}")
            continue
        attached[doc_type].append(f"{decl.mrn} ({len(found)} discrepancies)")
    said = [f"invoices attached to {', '.join(attached['invoice'])}"] if attached["invoice"] else []
    said += [f"a certificate of origin to {m}" for m in attached["certificate-of-origin"]]
    ctx.say("documents: " + ("; ".join(said) if said else "none attached"))
