"""What the ledger does when the clearance core acts: log decisions partners rely on, check declared products."""

from __future__ import annotations

from clearway.declarations.events import DeclarationAccepted, DeclarationDecided, DeclarationReleased
from clearway.ledger import counterfeit, service
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime

LOGGED_DECISIONS = frozenset({"detain", "clear", "invalidate"})  # "release" arrives as DeclarationReleased


def subscribe(runtime: Runtime) -> None:
    """Subscribes the ledger to the clearance core's events."""
    ctx = service.context(runtime)

    def released(uow: UnitOfWork, event: DeclarationReleased) -> None:
        d = event.declaration
        service.record_clearance(uow, ctx, mrn=d.mrn, decision="release", status=d.status.value, office=d.data.office)

    def decided(uow: UnitOfWork, event: DeclarationDecided) -> None:
        if event.decision in LOGGED_DECISIONS:
            d = event.declaration
            service.record_clearance(
                uow, ctx, mrn=d.mrn, decision=event.decision, status=d.status.value, office=d.data.office
            )

    def accepted(uow: UnitOfWork, event: DeclarationAccepted) -> None:
        if any(item.product_ids for item in event.declaration.data.goods_items):
            counterfeit.record_check(uow, event.declaration)

    runtime.bus.subscribe(DeclarationReleased, released)
    runtime.bus.subscribe(DeclarationDecided, decided)
    runtime.bus.subscribe(DeclarationAccepted, accepted)
