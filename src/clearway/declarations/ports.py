"""The typed ports a lodgement goes through: what other capabilities provide to the clearance core.

The core names each step and its order in ``lodging.py``; a capability plugs into a step by providing an object
that implements the port (``Capability.ports``, a factory the bootstrap calls with the runtime). The core finds
port objects by the protocol they implement (``uow.ports.all(Protocol)``); it never imports a capability to find
them, and no capability calls back into the core's lane or release logic from inside a step.

Order of the steps (fixed; read it in ``lodging.py``):
  0. ``ValidationRelief``  only when validation found issues: a provisional acceptance (crisis protocols) may waive
                           missing data elements it names, with a deadline for completion; every issue must be
                           waived, else the declaration is refused as usual
  1. ``Assessment``        duties and taxes (tariff)
  2. ``Routing``           agency applications (single window)
  3. ``SupplyChainCheck``  facts about products and the trader (ledger: counterfeit flags, AEO standing)
     ``DocumentaryCheck``  what the declaration's own words and documents say against its figures (documents:
                           invoice vs declared values; classification: declared HS code vs the description)
  4. ``LaneProvider``      lane proposals (crisis protocols, partner data, risk engine), asked in ascending
                           ``precedence``: the first ``final`` proposal wins, otherwise the most severe; the core's
                           random selectivity is the fallback when nobody proposes
  5. ``ReleaseGate``       every gate lists what still blocks release (unpaid duties, agency approvals…)

The supply-chain facts come before the lane (the code taught us this: the risk engine needs the counterfeit
flags and the AEO status to choose the lane, and used to ask the ledger to check the products "now").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from clearway.core.issues import Issue
from clearway.declarations.model import Declaration, DeclarationData, Lane

if TYPE_CHECKING:
    from clearway.platform.db import UnitOfWork

LANE_SEVERITY = {Lane.GREEN: 0, Lane.YELLOW: 1, Lane.RED: 2}

# Values of ``SupplyChainFacts.aeo``.
AEO_NONE, AEO_GRANTED, AEO_UNRECOGNISED = "none", "granted", "unrecognised"


@dataclass(frozen=True)
class SupplyChainFacts:
    """What the supply chain says about a declaration: the trader's AEO standing and counterfeit flags, in words."""

    aeo: str = AEO_NONE  # none | granted | suspended | revoked | unrecognised
    aeo_words: str = ""
    counterfeit: tuple[str, ...] = ()

    @property
    def aeo_active(self) -> bool:
        """Tells whether the trader is a recognised AEO in good standing."""
        return self.aeo == AEO_GRANTED

    @property
    def aeo_lapsed(self) -> bool:
        """Tells whether the trader's recognised AEO status is suspended or revoked (a risk fact)."""
        return self.aeo in {"suspended", "revoked"}

    def merged(self, other: SupplyChainFacts) -> SupplyChainFacts:
        """Combines the facts of two sources (the first source's AEO standing wins when both know one)."""
        aeo, words = (self.aeo, self.aeo_words) if self.aeo != AEO_NONE else (other.aeo, other.aeo_words)
        return SupplyChainFacts(aeo=aeo, aeo_words=words, counterfeit=self.counterfeit + other.counterfeit)


# Codes of ``DocumentaryFinding`` that concern the value, origin or parties (a documentary check at least);
# the others (``HS_DISAGREES``, a lexical suggestion; ``DOC_TAX_ID_INVALID``, often the declared id itself;
# ``DOC_INVOICE_NUMBER``, ``DOC_INCOTERM``, ``DOC_LINE_COUNT``) are reasons and weight, not a lane on their own.
VALUE_FINDINGS = frozenset(
    {
        "DOC_TOTAL",
        "DOC_CURRENCY",
        "DOC_ORIGIN",
        "DOC_QUANTITY",
        "DOC_GROSS_MASS",
        "DOC_NET_MASS",
        "DOC_PARTY",
    }
)


@dataclass(frozen=True)
class DocumentaryFinding:
    """One difference between what is declared and what its documents or its own words say.

    ``message`` is the sentence an officer reads ("invoice total 12,400.00 USD, declared 4,100.00 USD"),
    ``pointer`` the declared field it concerns (``/invoice/total_amount``), ``source`` who found it.
    """

    code: str
    message: str
    pointer: str
    source: str


@dataclass(frozen=True)
class DocumentaryFacts:
    """The documentary findings of every source, in the order the sources gave them."""

    findings: tuple[DocumentaryFinding, ...] = ()

    @property
    def value_findings(self) -> tuple[DocumentaryFinding, ...]:
        """The findings on value, origin, quantities, masses or parties (worth a documentary check)."""
        return tuple(f for f in self.findings if f.code in VALUE_FINDINGS)

    def codes(self) -> set[str]:
        """The findings' codes, for rules (``documentary`` fact)."""
        return {f.code for f in self.findings}

    def merged(self, other: DocumentaryFacts) -> DocumentaryFacts:
        """Combines the findings of two sources."""
        return DocumentaryFacts(findings=self.findings + other.findings)


@dataclass(frozen=True)
class LodgingFacts:
    """What the steps before the lane found out, handed to the lane providers."""

    supply_chain: SupplyChainFacts = field(default_factory=SupplyChainFacts)
    documentary: DocumentaryFacts = field(default_factory=DocumentaryFacts)


@dataclass(frozen=True)
class LaneProposal:
    """A lane a provider proposes, with reasons a person can read and the figures behind them.

    ``final`` proposals end the search (a crisis priority lane); ``inspection_probability`` is the chance this
    declaration had of being selected for control under the proposer's policy, recorded so that models can later
    learn from inspected declarations without selection bias.
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


@runtime_checkable
class Routing(Protocol):
    """Routes a declaration (again, after an amendment) to the agencies that must approve it."""

    def route(self, uow: UnitOfWork, decl: Declaration) -> None: ...


@runtime_checkable
class SupplyChainCheck(Protocol):
    """Checks the declared products and the responsible trader's standing; records its findings in history."""

    def check(self, uow: UnitOfWork, decl: Declaration, on: date) -> SupplyChainFacts: ...


@runtime_checkable
class DocumentaryCheck(Protocol):
    """Compares the declared figures with the declaration's documents or its own descriptions; records nothing."""

    def findings(self, uow: UnitOfWork, decl: Declaration) -> tuple[DocumentaryFinding, ...]: ...


@runtime_checkable
class LaneProvider(Protocol):
    """Proposes a lane for a declaration, or ``None`` to leave it to the next provider."""

    precedence: int

    def propose(self, uow: UnitOfWork, decl: Declaration, facts: LodgingFacts) -> LaneProposal | None: ...


@runtime_checkable
class ReleaseGate(Protocol):
    """Lists what still blocks the declaration's release; empty when nothing does."""

    def blockers(self, uow: UnitOfWork, decl: Declaration) -> list[str]: ...


@runtime_checkable
class BatchReleaseGate(Protocol):
    """A release gate that can also answer for many declarations at once (a work queue's page): MRN -> blockers."""

    def blockers_many(self, uow: UnitOfWork, decls: Sequence[Declaration]) -> dict[str, list[str]]: ...


@dataclass(frozen=True)
class Relief:
    """A provisional acceptance: the issues waived, the day the declaration must be completed by, and why."""

    waived: tuple[Issue, ...]
    deadline: date
    reason: str
    source: str
    data: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class ValidationRelief(Protocol):
    """Accepts an incomplete declaration provisionally, or ``None``; a relief that leaves an issue unwaived is
    ignored (the declaration is refused with every issue, as without relief)."""

    def relieve(self, uow: UnitOfWork, data: DeclarationData, issues: Sequence[Issue]) -> Relief | None: ...
