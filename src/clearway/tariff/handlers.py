"""Subscriptions of the tariff to the clearance core: assess on acceptance and amendment, gate release."""

from __future__ import annotations

from clearway.declarations.events import DeclarationAccepted, DeclarationAmended, DeclarationDecided, ReleaseCheck
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.tariff import service


def on_accepted(uow: UnitOfWork, event: DeclarationAccepted) -> None:
    """Assesses duties and taxes as part of acceptance."""
    service.assess_declaration(uow, event.declaration)


def on_amended(uow: UnitOfWork, event: DeclarationAmended) -> None:
    """Re-assesses an amended declaration (at the exchange rate of its acceptance date)."""
    service.assess_declaration(uow, event.declaration)


def on_release_check(uow: UnitOfWork, event: ReleaseCheck) -> None:
    """Blocks release while assessed duties and taxes are neither paid nor guaranteed."""
    blocker = service.release_blocker(uow, event.declaration)
    if blocker is not None:
        event.blockers.append(blocker)


def on_decided(uow: UnitOfWork, event: DeclarationDecided) -> None:
    """Gives guarantee drawdowns back (and notes refunds due) when a declaration is invalidated."""
    if event.decision == "invalidate":
        service.cancel_assessment(uow, event.declaration)


def subscribe(runtime: Runtime) -> None:
    """Subscribes the tariff's handlers to the bus."""
    runtime.bus.subscribe(DeclarationAccepted, on_accepted)
    runtime.bus.subscribe(DeclarationAmended, on_amended)
    runtime.bus.subscribe(ReleaseCheck, on_release_check)
    runtime.bus.subscribe(DeclarationDecided, on_decided)
