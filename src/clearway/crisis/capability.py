"""Crisis protocols as a platform capability: a priority lane, provisional acceptance, export licences, waivers.

Ports (``declarations.ports``), while a protocol is in force:
- ``ValidationRelief``  accepts an incomplete declaration provisionally when a measure waives every missing element;
- ``LaneProvider``      precedence 10, before the risk engine (50): the priority lane, final, with the protocol named
                        in the reason; penalty waivers that apply are recorded on the declaration at the same step;
- ``ReleaseGate``       an export of listed goods waits for its export licence.
Subscriptions keep the list of declarations a protocol touched (for the dashboard and post-clearance control).
"""

from __future__ import annotations

from collections.abc import Sequence

from clearway.core.issues import Issue
from clearway.crisis import api, cli, lodgement, reporting, seed
from clearway.crisis.phrases import PHRASES
from clearway.crisis.schemas import ActivateIn, DeactivateIn
from clearway.declarations import service as declarations_service
from clearway.declarations.events import (
    DeclarationAccepted,
    DeclarationAmended,
    DeclarationCompleted,
    DeclarationReleased,
)
from clearway.declarations.model import Declaration, DeclarationData, Lane, Role
from clearway.declarations.ports import LaneProposal, LodgingFacts, Relief
from clearway.declarations.schemas import AmendmentIn
from clearway.platform.capability import Capability
from clearway.platform.db import UnitOfWork
from clearway.platform.i18n import offering
from clearway.platform.runtime import Runtime


class CrisisLanes:
    """The lane provider of crisis protocols: the priority lane a protocol in force prescribes."""

    precedence = 10  # before the risk engine (50): a protocol in force prescribes the lane

    def propose(self, uow: UnitOfWork, decl: Declaration, facts: LodgingFacts) -> LaneProposal | None:
        """Proposes the priority lane (final) when a protocol's measure fits; records penalty waivers that apply."""
        for words, stamp in lodgement.waivers(uow, decl.data):
            decl.record(
                "crisis_measure", at=uow.clock(), actor=lodgement.SOURCE, role=Role.SYSTEM, reason=words, data=stamp
            )
        found = lodgement.priority(uow, decl, counterfeit=facts.supply_chain.counterfeit)
        if found is None:
            return None
        return LaneProposal(
            lane=Lane(found.lane),
            reasons=(found.reason,),
            source=lodgement.SOURCE,
            scores=found.stamp,
            final=True,
            inspection_probability=0.0,
        )


class CrisisRelief:
    """Provisional acceptance of incomplete declarations under a protocol in force."""

    def relieve(self, uow: UnitOfWork, data: DeclarationData, issues: Sequence[Issue]) -> Relief | None:
        """Waives the missing elements a measure names, with the deadline for completion; None otherwise."""
        return lodgement.relieve(uow, data, issues)


class ExportLicences:
    """The release gate of export restrictions under a protocol in force."""

    def blockers(self, uow: UnitOfWork, decl: Declaration) -> list[str]:
        """Lists the export licences still missing."""
        return lodgement.export_blockers(uow, decl)


def ports(runtime: Runtime) -> Sequence[object]:
    """The crisis ports: ``ValidationRelief``, ``LaneProvider``, ``ReleaseGate``."""
    del runtime
    return (CrisisRelief(), CrisisLanes(), ExportLicences())


def subscribe(runtime: Runtime) -> None:
    """Keeps the declarations a protocol touched, their release times and the completion of provisional ones."""

    def on_accepted(uow: UnitOfWork, event: DeclarationAccepted) -> None:
        reporting.note_lodged(uow, declarations_service.get(uow, event.mrn))

    def on_released(uow: UnitOfWork, event: DeclarationReleased) -> None:
        reporting.note_released(uow, event.mrn)

    def on_completed(uow: UnitOfWork, event: DeclarationCompleted | DeclarationAmended) -> None:
        reporting.note_completed(uow, event.mrn)

    runtime.bus.subscribe(DeclarationAccepted, on_accepted)
    runtime.bus.subscribe(DeclarationReleased, on_released)
    runtime.bus.subscribe(DeclarationCompleted, on_completed)
    runtime.bus.subscribe(DeclarationAmended, on_completed)


capability = Capability(
    name="clearway.crisis",
    routers=(api.router,),
    cli=cli.app,
    cli_name="crisis",
    ports=offering(PHRASES, ports),
    subscribe=subscribe,
    seed_demo=seed.seed_demo,
    seed_order=70,  # after the demo declarations (20): its own relief consignments come on top
    openapi_models=(ActivateIn, DeactivateIn, AmendmentIn),
)
