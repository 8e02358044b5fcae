"""The risk engine as a platform capability: assigns lanes on acceptance, learns from control outcomes."""

from __future__ import annotations

from clearway.declarations.events import ControlResultRecorded, DeclarationAccepted
from clearway.platform.capability import Capability
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.risk import api, cli, seed, service
from clearway.risk.schemas import RuleSetIn


def subscribe(runtime: Runtime) -> None:
    """Scores every accepted declaration and keeps every control outcome as a label."""

    def on_accepted(uow: UnitOfWork, event: DeclarationAccepted) -> None:
        service.assess(uow, event.declaration, cache=runtime.caches, salt=runtime.settings.secret_key)

    def on_control(uow: UnitOfWork, event: ControlResultRecorded) -> None:
        service.record_outcome(uow, event.declaration, event.findings, by=event.actor)

    runtime.bus.subscribe(DeclarationAccepted, on_accepted)
    runtime.bus.subscribe(ControlResultRecorded, on_control)


capability = Capability(
    name="clearway.risk",
    routers=(api.router,),
    cli=cli.app,
    cli_name="risk",
    subscribe=subscribe,
    seed_demo=seed.seed_demo,
    seed_order=12,
    openapi_models=(RuleSetIn,),
)
