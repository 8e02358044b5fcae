"""The in-process message bus: capabilities subscribe to domain events by type."""

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
    """Routes each event to the handlers subscribed to its type (or a base type), in order."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Callable[[UnitOfWork, Event], None]]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[UnitOfWork, E], None]) -> None:
        """Subscribes a handler to events of a type."""
        self._handlers[event_type].append(handler)  # type: ignore[arg-type]

    def dispatch(self, uow: UnitOfWork, event: Event) -> None:
        """Runs the handlers of the event's type; a failing handler fails the whole unit of work."""
        for event_type in type(event).__mro__:
            for handler in self._handlers.get(event_type, ()):
                log.debug("event %s -> %s", type(event).__name__, getattr(handler, "__qualname__", handler))
                handler(uow, event)
