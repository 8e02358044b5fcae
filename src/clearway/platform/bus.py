"""The in-process message bus: capabilities subscribe to domain events by type; events are queued.

``UnitOfWork.publish`` only appends an event to the unit of work's queue. The queue is drained first in, first
out inside the same transaction: every handler of one event finishes before any event it raised is handled, so
no handler ever runs in the middle of another (as in cosmicpython's message bus). Handlers run in the order they
subscribed; an event's handlers never depend on that order — anything that must happen in a given order is a
step of a use case (``declarations/lodging.py``), not a subscription.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from clearway.core.events import Event

if TYPE_CHECKING:
    from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)
Handler = Callable[["UnitOfWork", E], None]


class MessageBus:
    """Routes each event to the handlers subscribed to its type (or a base type)."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Callable[[UnitOfWork, Event], None]]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[UnitOfWork, E], None]) -> None:
        """Subscribes a handler to events of a type."""
        self._handlers[event_type].append(handler)  # type: ignore[arg-type]

    def handlers(self, event: Event) -> list[Callable[[UnitOfWork, Event], None]]:
        """Returns the handlers of an event: those of its type, then of its base types."""
        return [h for event_type in type(event).__mro__ for h in self._handlers.get(event_type, ())]

    def dispatch(self, uow: UnitOfWork, event: Event) -> None:
        """Runs the handlers of one event; a failing handler fails the whole unit of work."""
        for handler in self.handlers(event):
            log.debug("event %s -> %s", type(event).__name__, getattr(handler, "__qualname__", handler))
            handler(uow, event)
