"""The typed ports a lodgement goes through: what other capabilities provide to the clearance core.

The core names each step and its order in ``lodging.py``; a capability plugs into a step by registering an
object that implements the port (``Capability.ports``). The core never imports a capability to find it,
and no capability calls back into the core's lane or release logic from inside a step.

Order of the steps (fixed, read it in ``lodging.py``):
  1. ``Assessment``      — duties and taxes (tariff)
  2. ``Routing``         — agency applications (single window)
  3. ``LaneProvider``    — lane proposals (crisis protocols, risk engine); the core's random selectivity is the
                           fallback. Providers are asked in ascending ``precedence``; the first proposal that is
                           ``final`` wins, otherwise the most severe proposal wins.
  4. ``ProductCheck``    — product and supply-chain checks (ledger: counterfeit flags) that add facts
  5. ``ReleaseGate``     — every gate lists what still blocks release (unpaid duties, agency approvals…)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from clearway.declarations.model import Declaration, Lane

if TYPE_CHECKING:
    from clearway.platform.db import UnitOfWork

LANE_SEVERITY = {Lane.GREEN: 0, Lane.YELLOW: 1, Lane.RED: 2}


@dataclass(frozen=True)
class LaneProposal:
    """A lane a provider proposes, with reasons a person can read and the figures behind them.

    ``final`` proposals end the search (a crisis priority lane, a counterfeit hit); ``inspection_probability``
    is the chance this declaration had of being selected for control by the proposer's policy (recorded so
    that models can later learn from inspected declarations without selection bias).
    """

    lane: Lane
    reasons: tuple[str, ...]
    source: str
    scores: dict[str, Any] = field(default_factory=dict)
    final: bool = False
    inspection_probability: float | None = None


@runtime_checkable
class Assessment(Protocol):
    """Assesses (or re-assesses, after an amendment) the duties and taxes of a declaration."""

    def assess(self, uow: UnitOfWork, decl: Declaration) -> None: ...

    def cancel(self, uow: UnitOfWork, decl: Declaration) -> None: ...


@runtime_checkable
class Routing(Protocol):
    """Routes a declaration to the agencies that must approve it."""

    def route(self, uow: UnitOfWork, decl: Declaration) -> None: ...


@runtime_checkable
class LaneProvider(Protocol):
    """Proposes a lane for a declaration, or ``None`` to leave it to the next provider."""

    precedence: int

    def propose(self, uow: UnitOfWork, decl: Declaration) -> LaneProposal | None: ...


@runtime_checkable
class ProductCheck(Protocol):
    """Checks the declared products (identifiers, credentials) and may force a lane (counterfeit → red)."""

    def check(self, uow: UnitOfWork, decl: Declaration) -> LaneProposal | None: ...


@runtime_checkable
class ReleaseGate(Protocol):
    """Lists what still blocks the declaration's release; empty when nothing does."""

    def blockers(self, uow: UnitOfWork, decl: Declaration) -> list[str]: ...
