"""Demo seed: invoices attached to a few demo declarations, one matching, one that disagrees with the declaration,
and a Factur-X invoice (its CII XML embedded in the printed PDF) whose XML disagrees on the incoterm only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from clearway.core.ids import party_id_scheme
from clearway.core.issues import DomainError, ValidationFailed
from clearway.declarations import service as declarations
from clearway.declarations.model import Declaration
from clearway.documents import einvoice_samples, generator, generator_data, service
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


def seed_demo(ctx: DemoContext) -> None:
    """Attaches a matching invoice to one open declaration, an inflated one to another and, where there is a third,
    a Factur-X invoice whose embedded XML states another incoterm."""
    runtime = ctx.runtime
    officer = Principal(user="officer.rojas", role="officer", office="PECLL")
    with runtime.uow(readonly=True) as uow:
        rows, _ = declarations.list_visible(uow, officer, status="06", limit=20)
        if len(rows) < 3:
            rows, _ = declarations.list_visible(uow, officer, limit=20)
        decls = [declarations.get(uow, r["mrn"]) for r in rows]
    # the Factur-X goes to a declaration of one origin: its printed page states one country of origin, which the
    # reader keeps when the XML's lines give several, and the demo should show the incoterm difference alone
    single = [d for d in decls[2:] if len({g.origin_country for g in d.data.goods_items}) == 1]
    decls = decls[:2] + (single or decls[2:])[:1]
    attached = []
    for k, decl in enumerate(decls):
        broker = Principal(
            user=f"broker.{decl.data.declarant.id[-4:]}", role="declarant", party_id=decl.data.declarant.id
        )
        if k == 2:
            body, filename = factur_x_for(decl, seed=k), f"factur-x-{decl.mrn}.pdf"
        else:
            body = invoice_for(decl, seed=k, total_factor=Decimal(1) if k == 0 else Decimal(3))
            filename = f"invoice-{decl.mrn}.pdf"
        try:
            with runtime.uow() as uow:
                service.attach(
                    uow,
                    decl.mrn,
                    body,
                    doc_type="invoice",
                    filename=filename,
                    principal=broker,
                    ocr=False,
                )
                found = service.discrepancies(uow, decl.mrn)
                uow.commit()
        except (DomainError, ValidationFailed) as exc:  # pragma: no cover - the demo goes on without documents
            ctx.say(f"documents: could not attach to {decl.mrn}: {exc}")
            continue
        attached.append(f"{decl.mrn} ({len(found)} discrepancies)")
    ctx.say("documents: invoices attached to " + ", ".join(attached) if attached else "documents: none attached")
