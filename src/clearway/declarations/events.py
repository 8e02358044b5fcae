"""Events the clearance core publishes; other capabilities subscribe to them on the bus."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clearway.core.events import Event
from clearway.declarations.model import Declaration


@dataclass(frozen=True)
class DeclarationEvent(Event):
    """Base of the declaration events: carries the declaration as it stands."""

    declaration: Declaration


@dataclass(frozen=True)
class DeclarationAccepted(DeclarationEvent):
    """A declaration passed validation and got its MRN. Assessment, risk and routing react to it.

    A subscriber that assigns a lane calls ``service.assign_lane``; if none does, the core's random
    selectivity assigns one.
    """


@dataclass(frozen=True)
class LaneAssigned(DeclarationEvent):
    """The declaration got its lane (green, yellow, red) with the reasons for it."""


@dataclass(frozen=True)
class DeclarationAmended(DeclarationEvent):
    """The trader replaced the declared data before release."""


@dataclass(frozen=True)
class DeclarationDecided(DeclarationEvent):
    """An officer (or the system, or the trader) changed the declaration's status."""

    decision: str = ""


@dataclass(frozen=True)
class DeclarationReleased(DeclarationEvent):
    """The goods were released."""


@dataclass(frozen=True)
class ReleaseCheck(DeclarationEvent):
    """Asked before release: subscribers append what still blocks it (unpaid duties, missing permits)."""

    blockers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ControlResultRecorded(DeclarationEvent):
    """An officer recorded what a documentary or physical control found (labels for the risk engine)."""

    findings: dict[str, Any] = field(default_factory=dict)
