"""The risk engine as a platform capability: proposes lanes at lodging, learns from control outcomes."""

from __future__ import annotations

from collections.abc import Sequence

from clearway.declarations.events import ControlResultRecorded, DeclarationDecided
from clearway.declarations.model import Declaration
from clearway.declarations.ports import LaneProposal, LodgingFacts
from clearway.documents.events import DocumentsChecked
from clearway.platform.capability import Capability
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.risk import api, cli, documentary, phrases, seed, service
from clearway.risk.schemas import RuleSetIn


class RiskLanes:
    """The lane provider of the risk engine: criteria, watchlists, the promoted model, capacity, ledger facts."""

    precedence = 50  # after protocols that prescribe a lane (crisis measures), before nothing

    def __init__(self, runtime: Runtime) -> None:
        self.cache = runtime.caches
        self.salt = runtime.settings.secret_key

    def propose(self, uow: UnitOfWork, decl: Declaration, facts: LodgingFacts) -> LaneProposal | None:
        """Proposes a lane with its reasons; None while the engine is off (no criteria, no model)."""
        return service.assess(
            uow, decl, cache=self.cache, salt=self.salt, ledger=facts.supply_chain, documentary=facts.documentary
        )


def ports(runtime: Runtime) -> Sequence[object]:
    """The risk engine's ports: ``LaneProvider``, and its phrases (``PhraseSource``)."""
    return (RiskLanes(runtime), phrases.PHRASES)


def subscribe(runtime: Runtime) -> None:
    """Keeps every control outcome as a label; a withdrawn red declaration gives its capacity slot back; documents
    attached after lodging that contradict the declaration are reviewed (``documentary.review``)."""

    def on_control(uow: UnitOfWork, event: ControlResultRecorded) -> None:
        service.record_outcome(uow, event.mrn, event.findings, by=event.actor)

    def on_decided(uow: UnitOfWork, event: DeclarationDecided) -> None:
        if event.decision == "invalidate":
            service.give_back_red(uow, event.mrn)

    def on_documents(uow: UnitOfWork, event: DocumentsChecked) -> None:
        if event.discrepancies:
            documentary.review(uow, event.mrn)

    runtime.bus.subscribe(ControlResultRecorded, on_control)
    runtime.bus.subscribe(DocumentsChecked, on_documents)
    runtime.bus.subscribe(DeclarationDecided, on_decided)


capability = Capability(
    name="clearway.risk",
    routers=(api.router,),
    cli=cli.app,
    cli_name="risk",
    ports=ports,
    subscribe=subscribe,
    seed_demo=seed.seed_demo,
    seed_order=12,
    openapi_models=(RuleSetIn,),
)
