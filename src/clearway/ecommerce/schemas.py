"""API models of e-commerce oversight."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RejectOut(BaseModel):
    """A manifest row that was not screened, and why."""

    line: int
    parcel_id: str | None
    codes: str
    message: str


class ManifestOut(BaseModel):
    """A screened manifest's report."""

    id: str
    submitter_party: str | None
    country: str
    source_name: str
    format: str
    received_at: datetime
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    duplicates: int
    summary: dict[str, Any]
    rejects: list[RejectOut] = []
    links: dict[str, str] = {}


class ManifestPageOut(BaseModel):
    """A page of manifests."""

    data: list[ManifestOut]
    count: int


class DecisionOut(BaseModel):
    """The outcome for one parcel, with its flags and why (traders see only data-quality reasons)."""

    parcel_id: str
    decision: str
    flags: list[str]
    issues: list[str]
    reasons: str
    score: int | None
    day: date


class DecisionPageOut(BaseModel):
    """A page of decisions in parcel-id order; pass ``next_after`` as ``after`` for the next page."""

    data: list[DecisionOut]
    next_after: str | None


class RankedOut(BaseModel):
    """A seller, marketplace or consignee ranked by flagged parcels."""

    key: str
    parcels: int
    flagged: int
    refused: int


class DayOut(BaseModel):
    """Parcels screened on one day, by outcome."""

    day: date
    parcels: int
    release: int
    hold_documents: int
    hold_inspection: int
    refuse: int


class AggregatesOut(BaseModel):
    """Officers' view: top risky sellers, marketplaces and consignees, and the trend per day."""

    since: date
    until: date
    sellers: list[RankedOut]
    marketplaces: list[RankedOut]
    consignees: list[RankedOut]
    days: list[DayOut]


class FindingIn(BaseModel):
    """What an officer's check of a parcel found: fraud confirmed, or the parcel was in order."""

    model_config = ConfigDict(extra="forbid", strict=True)

    confirmed: bool
    reason: str = Field(min_length=1, max_length=1000)


class FindingOut(BaseModel):
    """A recorded finding."""

    manifest_id: str
    parcel_id: str
    seller_id: str | None
    confirmed: bool
    officer: str
    reason: str
    recorded_at: datetime


class ReviewIn(BaseModel):
    """An officer's decision on a held parcel after a check: release it or keep it on hold, why, and optionally
    the HS subheading the check verified (added to the classification history when the setting is on)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    release: bool
    reason: str = Field(min_length=1, max_length=1000)
    verified_hs: str | None = Field(default=None, max_length=20, description="6 digits, e.g. 640299")


class ReviewOut(FindingOut):
    """The recorded decision, the verified code, and what it did to the classification history (``added``,
    ``unchanged``, ``replaced``, ``no_title``, ``full``, ``off``; null without a verified code)."""

    verified_hs: str | None = None
    history: str | None = None


class HistoryIssueOut(BaseModel):
    """A history row that was not kept, and why."""

    code: str
    message: str


class HistoryLoadOut(BaseModel):
    """What loading past parcels into the classification history did."""

    rows: int
    loaded: int
    pairs: int
    rejected: int
    total_parcels: int
    issues: list[HistoryIssueOut] = []
