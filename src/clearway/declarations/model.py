"""The declaration as customs sees it: plain domain objects; its lifecycle rules live in ``status``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from clearway.core.issues import Conflict, Forbidden
from clearway.declarations.status import (
    DECISION_ROLES,
    DECISION_TARGET,
    OPEN_STATUSES,
    RISK_KINDS,
    STATUS_LABELS,
    TRADER_CHANGEABLE,
    TRANSITIONS,
    Decision,
    Finding,
    Lane,
    Role,
    Status,
)


@dataclass(frozen=True, slots=True)
class Party:
    """A trader: its identifier (TIN, RUC, EORI…), name and country."""

    id: str
    name: str
    country: str
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Representative:
    """The customs broker or agent who lodges for the importer, directly or indirectly."""

    id: str
    name: str
    country: str
    representation: str  # "direct" or "indirect"


@dataclass(frozen=True, slots=True)
class Consignment:
    """How the goods arrive: transport mode and means, loading and discharge places, arrival date."""

    transport_mode: int
    means_id: str
    means_nationality: str
    loading_place: str
    discharge_place: str
    arrival_date: date


@dataclass(frozen=True, slots=True)
class Packages:
    """Packaging of one goods item."""

    count: int
    kind: str
    marks: str | None = None


@dataclass(frozen=True, slots=True)
class GoodsItem:
    """One line of the declaration: what the goods are, where from, how much and how valued."""

    sequence: int
    description: str
    commodity_code: str
    origin_country: str
    quantity: Decimal
    unit: str
    net_mass: Decimal
    gross_mass: Decimal
    invoice_amount: Decimal
    invoice_currency: str
    valuation_method: str
    procedure_code: str
    packages: Packages
    preference: str | None = None
    product_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Invoice:
    """The commercial invoice: terms of delivery and the charges that make up the customs value."""

    incoterm: str
    currency: str
    total_amount: Decimal
    number: str | None = None
    freight: Decimal | None = None
    insurance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A document the declaration relies on (invoice, certificate of origin, permit…)."""

    type: str
    reference: str
    item_sequence: int | None = None


@dataclass(frozen=True, slots=True)
class DeclarationData:
    """What the trader declared. Immutable: an amendment replaces it whole."""

    type: str
    additional_type: str
    lrn: str
    office: str
    declarant: Party
    importer: Party
    exporter: Party
    consignment: Consignment
    invoice: Invoice
    goods_items: tuple[GoodsItem, ...]
    documents: tuple[Document, ...] = ()
    representative: Representative | None = None
    total_items: int | None = None
    total_packages: int | None = None
    extensions: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def item_count(self) -> int:
        """Returns the number of goods items."""
        return len(self.goods_items)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded change of a declaration: who, when, why, from which status to which."""

    kind: str
    at: datetime
    actor: str
    role: str
    reason: str
    status_from: Status | None
    status_to: Status | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Declaration:
    """A lodged declaration: the trader's data plus what customs did with it."""

    id: str
    mrn: str
    data: DeclarationData
    status: Status
    lodged_at: datetime
    version: int = 1
    lane: Lane | None = None
    accepted_at: datetime | None = None
    released_at: datetime | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    pending: list[HistoryEntry] = field(default_factory=list)
    # While a use case holds the writes (the lodging pipeline saves the final state and the whole history once),
    # recorded entries wait in ``pending`` instead of being written one by one.
    hold_writes: bool = field(default=False, repr=False, compare=False)

    @property
    def is_open(self) -> bool:
        """Tells whether customs still has to decide (accepted, amended, under control): release may follow."""
        return self.status in OPEN_STATUSES

    @property
    def declarant_id(self) -> str:
        """Returns the party that lodged the declaration."""
        return self.data.declarant.id

    def visible_to_party(self, party_id: str | None) -> bool:
        """Tells whether a trader party may see this declaration (declarant, representative or importer)."""
        if party_id is None:
            return False
        rep = self.data.representative
        return party_id in {self.data.declarant.id, self.data.importer.id} or (rep is not None and rep.id == party_id)

    def record(
        self,
        kind: str,
        *,
        at: datetime,
        actor: str,
        role: Role | str,
        reason: str,
        status_to: Status | None = None,
        data: dict[str, Any] | None = None,
    ) -> HistoryEntry:
        """Records an event in the history, changing status when one is given (and allowed)."""
        status_from = self.status
        if status_to is not None:
            if status_to not in TRANSITIONS[self.status]:
                raise Conflict(
                    f"a declaration in status {self.status.value} ({self.status.label}) cannot become "
                    f"{status_to.value} ({status_to.label})",
                    code="STATUS_TRANSITION",
                )
            self.status = status_to
            if status_to is Status.ACCEPTED:
                self.accepted_at = at
            if status_to is Status.RELEASED:
                self.released_at = at
        entry = HistoryEntry(
            kind=kind,
            at=at,
            actor=actor,
            role=str(role),
            reason=reason,
            status_from=status_from if status_to is not None else None,
            status_to=status_to,
            data=data or {},
        )
        self.pending.append(entry)
        self.history.append(entry)
        return entry

    def decide(
        self,
        decision: Decision,
        *,
        role: Role,
        at: datetime,
        actor: str,
        reason: str,
        data: dict[str, Any] | None = None,
    ) -> HistoryEntry:
        """Applies an officer's (or trader's) decision, checking the role and the lifecycle."""
        if role not in DECISION_ROLES[decision]:
            raise Forbidden(f"role {role.value} may not {decision.value.replace('_', ' ')}")
        if decision is Decision.INVALIDATE and role is Role.DECLARANT and self.status not in TRADER_CHANGEABLE:
            if self.status in OPEN_STATUSES:
                raise Conflict(
                    f"the declaration is under control ({self.status.label}); it can be invalidated only by "
                    "a supervisor's decision once the control is over",
                    code="CONTROL_IN_PROGRESS",
                )
            raise Conflict(
                f"the declaration is {self.status.label}; only open declarations can be invalidated "
                "on the trader's request",
                code="STATUS_TRANSITION",
            )
        if decision is Decision.RELEASE and self.status is Status.DETAINED and role is not Role.SUPERVISOR:
            raise Forbidden("only a supervisor may release detained goods")
        if not reason.strip():
            raise Conflict("a decision needs a reason", code="REASON_REQUIRED")
        return self.record(
            decision.value,
            at=at,
            actor=actor,
            role=role,
            reason=reason,
            status_to=DECISION_TARGET[decision],
            data=data,
        )

    def amend(
        self,
        new_data: DeclarationData,
        *,
        at: datetime,
        actor: str,
        reason: str,
        changes: list[dict[str, Any]] | None = None,
    ) -> HistoryEntry:
        """Replaces the declared data before any control; the LRN and declarant stay the same.

        ``changes`` lists each changed field as ``{"pointer", "old", "new"}`` so the history says what changed.
        """
        self.ensure_amendable()
        return self._replace_data(
            new_data,
            "amended",
            "an amendment",
            at=at,
            actor=actor,
            reason=reason,
            changes=changes,
            status_to=Status.AMENDED,
        )

    @property
    def provisional_open(self) -> bool:
        """Tells whether the declaration was accepted provisionally (crisis relief) and is not yet complete."""
        kinds = [e.kind for e in self.history]
        if "provisional_acceptance" not in kinds:
            return False
        last = len(kinds) - 1 - kinds[::-1].index("provisional_acceptance")
        return not any(k in {"amended", "completed"} for k in kinds[last + 1 :])

    def complete(
        self,
        new_data: DeclarationData,
        *,
        at: datetime,
        actor: str,
        reason: str,
        changes: list[dict[str, Any]] | None = None,
    ) -> HistoryEntry:
        """Replaces a provisional declaration's data with the complete data (a supplementary declaration).

        Unlike an amendment it is allowed after release, and it changes no status: the goods may already be gone.
        """
        if not self.provisional_open:
            raise Conflict(
                "only a declaration accepted provisionally, and not yet completed, can be completed",
                code="NOT_PROVISIONAL",
            )
        if self.status in {Status.REJECTED, Status.INVALIDATED}:
            raise Conflict(f"the declaration is {self.status.label}", code="STATUS_TRANSITION")
        return self._replace_data(
            new_data, "completed", "a completion", at=at, actor=actor, reason=reason, changes=changes
        )

    def _replace_data(
        self,
        new_data: DeclarationData,
        kind: str,
        what: str,
        *,
        at: datetime,
        actor: str,
        reason: str,
        changes: list[dict[str, Any]] | None,
        status_to: Status | None = None,
    ) -> HistoryEntry:
        """Replaces the declared data on the trader's behalf (same LRN and declarant) and records what changed."""
        if new_data.lrn != self.data.lrn or new_data.declarant.id != self.data.declarant.id:
            raise Conflict(f"{what} cannot change the LRN or the declarant", code="AMEND_IDENTITY")
        changed = _changed_sections(self.data, new_data)
        self.data = new_data
        return self.record(
            kind,
            at=at,
            actor=actor,
            role=Role.DECLARANT,
            reason=reason,
            status_to=status_to,
            data={"changed": changed, "changes": changes or []},
        )

    def ensure_amendable(self) -> None:
        """Refuses an amendment once a control is notified (05, 06) or after release."""
        if self.status in OPEN_STATUSES and self.status not in TRADER_CHANGEABLE:
            raise Conflict(
                f"the declaration is under control ({self.status.label}); the officer in charge decides on it, "
                "and it can be amended only after that decision",
                code="CONTROL_IN_PROGRESS",
            )
        if self.status not in OPEN_STATUSES:
            raise Conflict(
                f"the declaration is {self.status.label}; it can be amended only before release",
                code="STATUS_TRANSITION",
            )


def _changed_sections(old: DeclarationData, new: DeclarationData) -> list[str]:
    names = ["office", "importer", "exporter", "representative", "consignment", "invoice", "documents"]
    changed = [n for n in names if getattr(old, n) != getattr(new, n)]
    old_items = {i.sequence: i for i in old.goods_items}
    for item in new.goods_items:
        if old_items.get(item.sequence) != item:
            changed.append(f"goods_items/{item.sequence}")
    changed.extend(f"goods_items/{s}" for s in old_items if s not in {i.sequence for i in new.goods_items})
    return changed


__all__ = [
    "DECISION_ROLES",
    "DECISION_TARGET",
    "OPEN_STATUSES",
    "RISK_KINDS",
    "STATUS_LABELS",
    "TRADER_CHANGEABLE",
    "TRANSITIONS",
    "Consignment",
    "Decision",
    "Declaration",
    "DeclarationData",
    "Document",
    "Finding",
    "GoodsItem",
    "HistoryEntry",
    "Invoice",
    "Lane",
    "Packages",
    "Party",
    "Representative",
    "Role",
    "Status",
]
