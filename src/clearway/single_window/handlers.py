"""What the single window does when the clearance core publishes its events."""

from __future__ import annotations

from clearway.declarations import service as declarations
from clearway.declarations.events import DeclarationAccepted, DeclarationAmended, DeclarationReleased, ReleaseCheck
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.single_window import routing, service


def subscribe(runtime: Runtime) -> None:
    """Routes accepted and amended declarations to agencies, gates release, and times it."""
    cache = runtime.caches

    def on_accepted(uow: UnitOfWork, event: DeclarationAccepted) -> None:
        decl = event.declaration
        routed = routing.route_declaration(uow, cache, decl)
        if routed and decl.lane is not None:
            # Another subscriber assigned the lane (and tried to release) before the routing existed.
            declarations.try_release(uow, decl, actor="single-window", reason="agency decisions complete")

    def on_amended(uow: UnitOfWork, event: DeclarationAmended) -> None:
        routing.route_declaration(uow, cache, event.declaration)

    def on_release_check(uow: UnitOfWork, event: ReleaseCheck) -> None:
        event.blockers.extend(service.blockers(uow, cache, event.declaration))

    def on_released(uow: UnitOfWork, event: DeclarationReleased) -> None:
        service.mark_released(uow, event.declaration.mrn, event.at)

    runtime.bus.subscribe(DeclarationAccepted, on_accepted)
    runtime.bus.subscribe(DeclarationAmended, on_amended)
    runtime.bus.subscribe(ReleaseCheck, on_release_check)
    runtime.bus.subscribe(DeclarationReleased, on_released)
