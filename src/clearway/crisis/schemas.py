"""API input and output of crisis protocols. Inputs are strict."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Reason = Annotated[str, Field(min_length=10, max_length=1000, description="Why (recorded, audited, shown)")]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class ActivateIn(_In):
    """A supervisor's request to activate a protocol pack (applied when a second supervisor approves)."""

    reason: Reason
    version: Annotated[str | None, Field(max_length=20, description="The pack version (default: the latest)")] = None


class DeactivateIn(_In):
    """A supervisor's request to end an activation (applied when a second supervisor approves)."""

    reason: Reason


class CompleteIn(_In):
    """The complete declaration that replaces a provisional one (a supplementary declaration)."""

    declaration: dict[str, Any]
    reason: Annotated[str, Field(min_length=3, max_length=500)] = "provisional declaration completed"


class MeasureOut(BaseModel):
    """One measure of a pack."""

    id: str
    kind: str
    title: str
    goods: str | None
    consignees: str | None
    lane: str | None = None
    post_clearance_control: bool = False
    public: bool = True
    waive: list[str] = []
    complete_within_days: int | None = None
    document_type: str | None = None
    authority: str | None = None


class ListOut(BaseModel):
    """A named list of a pack: HS subheadings or consignees."""

    key: str
    title: str
    entries: dict[str, str]


class ActivationOut(BaseModel):
    """An approved activation: in force until deactivated."""

    id: str
    pack_id: str
    pack_version: str
    reason: str
    requested_by: str
    approved_by: str
    activated_at: datetime
    deactivated_at: datetime | None
    deactivation_requested_by: str | None
    deactivated_by: str | None
    deactivation_reason: str | None
    active: bool


class PackOut(BaseModel):
    """A protocol pack (one version), and its activation in force."""

    id: str
    version: str
    title: str
    titles: dict[str, str]
    legal_basis: str
    activation_reason: str
    start: date
    end: date | None
    sources: list[str]
    measures: list[MeasureOut]
    goods: list[ListOut] = []
    consignees: list[ListOut] = []
    active: ActivationOut | None = None


class LoadOut(BaseModel):
    """The outcome of loading a pack."""

    id: str
    version: str
    created: bool
    warnings: list[str]


class EffectOut(BaseModel):
    """A declaration handled under a protocol."""

    mrn: str
    pack_id: str
    activation_id: str
    office: str
    importer_id: str
    declarant_id: str
    measures: list[dict[str, Any]]
    lane: str | None = None
    post_clearance_control: bool | None = None
    lodged_at: datetime
    released_at: datetime | None
    deadline: date | None
    waived: list[str] | None
    completed_at: datetime | None
    overdue: bool


class EffectPageOut(BaseModel):
    """A page of declarations handled under protocols."""

    items: list[EffectOut]
    total: int
    limit: int
    offset: int


class PublicMeasureOut(BaseModel):
    """A public measure of a protocol in force, as traders read it."""

    id: str
    kind: str
    title: str
    goods: list[str]
    consignees: list[str]
    complete_within_days: int | None
    document_type: str | None


class PublicProtocolOut(BaseModel):
    """A protocol in force, as traders read it: its public measures."""

    pack_id: str
    version: str
    title: str
    titles: dict[str, str]
    legal_basis: str
    since: datetime
    reason: str
    measures: list[PublicMeasureOut]


class GroupOut(BaseModel):
    """Volumes and release times of one group of declarations (under a protocol, or normal)."""

    key: str
    lodged: int
    released: int
    median_hours: float | None
    p90_hours: float | None
    lanes: dict[str, int]


class ComparisonOut(BaseModel):
    """Declarations under protocols against the others, over a period."""

    start: date
    end: date
    protocols: list[GroupOut]
    under_protocols: GroupOut
    normal: GroupOut
