"""How the single window takes part in clearance: routing and the release gate (ports), release times (bus)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clearway.declarations.events import DeclarationReleased
from clearway.declarations.model import Declaration
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.single_window import phrases, routing, service


class SingleWindowPorts:
    """Routes declarations to the agencies that must approve them, and blocks release until they have."""

    def __init__(self, cache: dict[str, Any]) -> None:
        self.cache = cache

    def route(self, uow: UnitOfWork, decl: Declaration) -> None:
        """Creates an application per agency that must act (again, for the new lines of an amendment)."""
        routing.route_declaration(uow, self.cache, decl)

    def blockers(self, uow: UnitOfWork, decl: Declaration) -> list[str]:
        """Says which agencies still block release, and what each is missing."""
        return service.blockers(uow, self.cache, decl)

    def blockers_many(self, uow: UnitOfWork, decls: Sequence[Declaration]) -> dict[str, list[str]]:
        """Says which agencies still block release of several declarations at once (one query for all)."""
        return service.blockers_many(uow, self.cache, list(decls))


def ports(runtime: Runtime) -> Sequence[object]:
    """The single window's ports: ``Routing`` and ``ReleaseGate``, and its phrases (``PhraseSource``)."""
    return (SingleWindowPorts(runtime.caches), phrases.PHRASES)


def subscribe(runtime: Runtime) -> None:
    """Times the release of routed declarations (for the Time Release Study)."""

    def on_released(uow: UnitOfWork, event: DeclarationReleased) -> None:
        service.mark_released(uow, event.mrn, event.at)

    runtime.bus.subscribe(DeclarationReleased, on_released)
