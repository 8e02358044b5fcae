"""Demo seed: invoices attached to a few demo declarations, one matching, one that disagrees with the declaration."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from clearway.core.issues import DomainError, ValidationFailed
from clearway.declarations import service as declarations
from clearway.declarations.model import Declaration
from clearway.documents import generator, generator_data, service
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
        "seller": (d.exporter.name, "", d.exporter.address or d.exporter.country),
        "buyer": (
            d.importer.name,
            f"RUC {d.importer.id[2:]}" if d.importer.id.startswith("PE") else "",
            d.importer.address or "",
        ),
        "origin": d.goods_items[0].origin_country,
        "lines": lines,
        "tax": Decimal(0),
        "gross_kg": sum((g.gross_mass for g in d.goods_items), Decimal(0)),
        "net_kg": sum((g.net_mass for g in d.goods_items), Decimal(0)),
    }
    return generator.make_invoice(seed, "dev", lang="en", override=override).pdf


def seed_demo(ctx: DemoContext) -> None:
    """Attaches a matching invoice to one open declaration and an inflated one to another."""
    runtime = ctx.runtime
    officer = Principal(user="officer.rojas", role="officer", office="PECLL")
    with runtime.uow(readonly=True) as uow:
        rows, _ = declarations.list_visible(uow, officer, status="06", limit=2)
        if len(rows) < 2:
            rows, _ = declarations.list_visible(uow, officer, limit=2)
        decls = [declarations.get(uow, r["mrn"]) for r in rows]
    attached = []
    for k, decl in enumerate(decls):
        broker = Principal(
            user=f"broker.{decl.data.declarant.id[-4:]}", role="declarant", party_id=decl.data.declarant.id
        )
        body = invoice_for(decl, seed=k, total_factor=Decimal(1) if k == 0 else Decimal(3))
        try:
            with runtime.uow() as uow:
                service.attach(
                    uow,
                    decl.mrn,
                    body,
                    doc_type="invoice",
                    filename=f"invoice-{decl.mrn}.pdf",
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
