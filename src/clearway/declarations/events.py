"""Events the clearance core publishes; other capabilities subscribe to them on the bus.

Events carry values — the declaration's identifiers, version and the facts a subscriber needs — never the live
aggregate. They are published after the declaration's state is saved, so a subscriber that needs more re-reads
it with ``declarations.service.get(uow, event.mrn)`` and sees exactly what was saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from clearway.core.events import Event
from clearway.declarations.model import Declaration


@dataclass(frozen=True)
class DeclarationEvent(Event):
    """Base of the declaration events: who the declaration is and where it stands."""

    mrn: str
    declaration_id: str
    version: int
    status: str
    lane: str | None
    office: str
    declaration_type: str
    importer_id: str
    declarant_id: str

    @classmethod
    def of(cls, decl: Declaration, *, at: datetime, actor: str, **values: Any) -> Self:
        """Makes the event for a declaration as it stands now."""
        d = decl.data
        return cls(
            at=at,
            actor=actor,
            mrn=decl.mrn,
            declaration_id=decl.id,
            version=decl.version,
            status=decl.status.value,
            lane=decl.lane.value if decl.lane else None,
            office=d.office,
            declaration_type=d.type,
            importer_id=d.importer.id,
            declarant_id=d.declarant.id,
            **values,
        )


@dataclass(frozen=True)
class DeclarationAccepted(DeclarationEvent):
    """A declaration passed validation, got its MRN and went through the lodging pipeline."""


@dataclass(frozen=True)
class LaneAssigned(DeclarationEvent):
    """The declaration got its lane (green, yellow, red) with the reasons for it."""

    source: str = ""
    reasons: tuple[str, ...] = ()
    inspection_probability: float | None = None


@dataclass(frozen=True)
class DeclarationAmended(DeclarationEvent):
    """The trader replaced the declared data before release."""

    changes: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class DeclarationCompleted(DeclarationEvent):
    """The trader completed a declaration accepted provisionally (a supplementary declaration)."""

    changes: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class DeclarationDecided(DeclarationEvent):
    """An officer (or the system, or the trader) changed the declaration's status."""

    decision: str = ""


@dataclass(frozen=True)
class DeclarationReleased(DeclarationEvent):
    """The goods were released."""


@dataclass(frozen=True)
class ControlResultRecorded(DeclarationEvent):
    """An officer recorded what a documentary or physical control found (labels for the risk engine)."""

    findings: dict[str, Any] = field(default_factory=dict)
