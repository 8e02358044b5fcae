"""How the ledger takes part in clearance: the supply-chain check (port), the log of decisions (bus)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from clearway.declarations.events import DeclarationDecided, DeclarationReleased
from clearway.declarations.model import Declaration
from clearway.declarations.ports import AEO_GRANTED, AEO_NONE, AEO_UNRECOGNISED, SupplyChainFacts
from clearway.ledger import counterfeit, phrases, service
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime

LOGGED_DECISIONS = frozenset({"detain", "clear", "invalidate"})  # "release" arrives as DeclarationReleased


def responsible_trader(decl: Declaration) -> str:
    """Returns the trader whose AEO status counts: the exporter on an export, else the importer."""
    d = decl.data
    return d.exporter.id if d.type.upper().startswith("EX") else d.importer.id


class SupplyChain:
    """Checks declared products against their passports and chain of custody, and the trader's AEO standing."""

    def check(self, uow: UnitOfWork, decl: Declaration, on: date) -> SupplyChainFacts:
        """Returns the facts (recording the product check in the declaration's history)."""
        trader = responsible_trader(decl)
        status = service.aeo_status(uow, trader, on=on)
        aeo, words = AEO_NONE, ""
        if status is not None and not status.recognised:
            aeo, words = AEO_UNRECOGNISED, phrases.AEO_UNRECOGNISED(country=status.country, basis=status.basis)
        elif status is not None:
            national = status.basis.startswith("national")
            aeo = status.status
            since = status.since.isoformat()
            if status.status == AEO_GRANTED:
                words = phrases.AEO_NATIONAL() if national else phrases.AEO_MRA(country=status.country)
            elif national:
                words = phrases.AEO_STATUS_NATIONAL(trader=trader, status=status.status, since=since)
            else:
                words = phrases.AEO_STATUS_MRA(trader=trader, country=status.country, status=status.status, since=since)
        flags: tuple[str, ...] = ()
        if any(item.product_ids for item in decl.data.goods_items):
            flags = tuple(
                phrases.COUNTERFEIT(item=f.item, product=f.product_id, message=f.message, code=f.code)
                for f in counterfeit.record_check(uow, decl)
            )
        return SupplyChainFacts(aeo=aeo, aeo_words=words, counterfeit=flags)


def ports(_runtime: Runtime) -> Sequence[object]:
    """The ledger's ports: ``SupplyChainCheck``, and its phrases (``PhraseSource``)."""
    return (SupplyChain(), phrases.PHRASES)


def subscribe(runtime: Runtime) -> None:
    """Appends the clearance decisions partners rely on to the transparency log."""
    ctx = service.context(runtime)

    def released(uow: UnitOfWork, event: DeclarationReleased) -> None:
        service.record_clearance(uow, ctx, mrn=event.mrn, decision="release", status=event.status, office=event.office)

    def decided(uow: UnitOfWork, event: DeclarationDecided) -> None:
        if event.decision in LOGGED_DECISIONS:
            service.record_clearance(
                uow, ctx, mrn=event.mrn, decision=event.decision, status=event.status, office=event.office
            )

    runtime.bus.subscribe(DeclarationReleased, released)
    runtime.bus.subscribe(DeclarationDecided, decided)
