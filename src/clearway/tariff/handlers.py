"""Subscriptions of the tariff to the clearance core: assess on acceptance and amendment, gate release."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from clearway.declarations.events import (
    DeclarationAccepted,
    DeclarationAmended,
    DeclarationDecided,
    DeclarationEvent,
    ReleaseCheck,
)
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.tariff import service

# Acceptance and amendment events already assessed, per unit of work: another subscriber (the risk
# engine) may assign a green lane, and so ask whether release is blocked, before our own handler runs.
_ASSESSED: WeakKeyDictionary[UnitOfWork, set[int]] = WeakKeyDictionary()


def _assess_once(uow: UnitOfWork, event: DeclarationEvent) -> None:
    done = _ASSESSED.setdefault(uow, set())
    if id(event) in done:
        return
    done.add(id(event))
    service.assess_declaration(uow, event.declaration)


def on_accepted(uow: UnitOfWork, event: DeclarationAccepted) -> None:
    """Assesses duties and taxes as part of acceptance."""
    _assess_once(uow, event)


def on_amended(uow: UnitOfWork, event: DeclarationAmended) -> None:
    """Re-assesses an amended declaration (at the exchange rate of its acceptance date)."""
    _assess_once(uow, event)


def on_release_check(uow: UnitOfWork, event: ReleaseCheck) -> None:
    """Blocks release while assessed duties and taxes are neither paid nor guaranteed.

    If the declaration is being accepted or amended in this unit of work and has not been assessed
    yet (another subscriber asked first), it is assessed now, so that release never outruns assessment.
    """
    decl_id = event.declaration.id
    for pending in uow.events:
        if isinstance(pending, DeclarationAccepted | DeclarationAmended) and pending.declaration.id == decl_id:
            _assess_once(uow, pending)
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
