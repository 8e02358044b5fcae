"""API input and output of the mandates register. Inputs are strict."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

PartyId = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[A-Z0-9]+$")]
Reason = Annotated[str, Field(min_length=3, max_length=500)]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class MandateIn(_In):
    """A mandate a principal gives an agent (a trader for itself; an administrator on evidence)."""

    principal_id: Annotated[PartyId, Field(description="The party that lets another act for it (e.g. the importer)")]
    agent_id: Annotated[PartyId, Field(description="The party that may act for it (e.g. the customs broker)")]
    procedures: Annotated[
        list[Annotated[str, Field(min_length=2, max_length=4)]],
        Field(min_length=1, max_length=20, description="Customs procedure codes (e.g. '40', '4000') or 'all'"),
    ] = ["all"]
    valid_from: Annotated[AwareDatetime | None, Field(description="When it starts (default: now)")] = None
    valid_to: Annotated[AwareDatetime | None, Field(description="When it ends (default: until revoked)")] = None
    reason: Reason
    evidence: Annotated[
        str | None, Field(min_length=3, max_length=200, description="Document cited (required from administrators)")
    ] = None


class RevokeIn(_In):
    """Why a mandate is revoked."""

    reason: Reason


class MandateEventOut(BaseModel):
    """An entry of a mandate's history."""

    kind: str
    actor: str
    role: str
    at: datetime
    reason: str


class MandateOut(BaseModel):
    """A mandate, its status now and, when asked for one, its history."""

    id: str
    principal_id: str
    agent_id: str
    procedures: list[str]
    valid_from: datetime
    valid_to: datetime | None
    status: str
    granted_by: str
    granted_role: str
    granted_at: datetime
    reason: str
    evidence: str | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None
    history: list[MandateEventOut] = []


class MandatePageOut(BaseModel):
    """A page of mandates."""

    items: list[MandateOut]
    total: int
    limit: int
    offset: int
