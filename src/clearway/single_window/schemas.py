"""API input and output of the single window: strict input models, plain output models."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Code = Annotated[str, Field(min_length=2, max_length=20, pattern=r"^[A-Z][A-Z0-9_]*$", description="Agency code")]
Text = Annotated[str, Field(min_length=1, max_length=500)]
Qty = Annotated[Decimal, Field(gt=0, max_digits=15, decimal_places=3)]
Unit = Annotated[str, Field(min_length=2, max_length=3, description="UN/ECE Rec 20 unit, e.g. KGM, TNE, H87")]
HsText = Annotated[str, Field(min_length=2, max_length=21, description="HS chapter, heading, code or range '06-14'")]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class NeedIn(_In):
    """What the agency needs for the goods."""

    kind: Literal["permit", "licence", "certificate", "inspection"]
    name: Annotated[str, Field(min_length=1, max_length=120, description="e.g. 'phytosanitary certificate'")]


class AgencyIn(_In):
    """A government agency taking part in the single window."""

    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    domain: Annotated[str, Field(min_length=1, max_length=200, description="What it controls, e.g. 'plant health'")]
    automated_decisions: bool = Field(
        default=False, description="Whether the agency lets the platform decide clear cases (standing licences)"
    )


class RequirementTermsIn(_In):
    """What goods a rule controls and what the agency needs for them, from a date."""

    agency: Code
    hs: Annotated[list[HsText], Field(min_length=1, max_length=200)]
    origins: Annotated[list[Annotated[str, Field(min_length=2, max_length=2)]], Field(max_length=300)] = []
    procedures: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=4, pattern=r"^\d+$")]],
        Field(max_length=50, description="Procedure code prefixes, e.g. '40' (release for free circulation)"),
    ] = []
    end_uses: Annotated[list[Annotated[str, Field(min_length=1, max_length=60)]], Field(max_length=50)] = []
    needs: Annotated[list[NeedIn], Field(min_length=1, max_length=20)]
    auto: Literal["none", "standing_licence"] = "none"
    description: Annotated[str, Field(max_length=500)] = ""
    effective_from: date | None = None
    effective_to: date | None = None


class RequirementIn(RequirementTermsIn):
    """A requirement rule with its stable identifier."""

    id: Annotated[str, Field(min_length=2, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")]


class RuleFileIn(_In):
    """A requirements file: agencies and rules, with a default effective date."""

    effective_from: date | None = None
    agencies: Annotated[list[AgencyIn], Field(max_length=500)] = []
    requirements: Annotated[list[RequirementIn], Field(max_length=20_000)] = []


class GoodsLineIn(_In):
    """A goods line of an application filed ahead of shipment."""

    sequence: Annotated[int, Field(ge=1, le=9999)]
    commodity_code: Annotated[str, Field(min_length=6, max_length=10, pattern=r"^\d+$")]
    description: Annotated[str, Field(min_length=1, max_length=512)]
    origin_country: Annotated[str, Field(min_length=2, max_length=2)]
    procedure_code: Annotated[str, Field(min_length=4, max_length=4, pattern=r"^\d{4}$")] = "4000"
    quantity: Qty
    unit: Unit
    net_mass: Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=3)]
    end_use: Annotated[str | None, Field(max_length=60)] = None


class ApplicationIn(_In):
    """An application to one agency, filed ahead of shipment (no declaration yet)."""

    agency: Code
    importer_id: Annotated[str, Field(min_length=2, max_length=40)]
    goods: Annotated[list[GoodsLineIn], Field(min_length=1, max_length=200)]
    note: Annotated[str, Field(max_length=2000)] = ""


class PermitGrantIn(_In):
    """A permit the agency issues with its approval."""

    kind: Literal["permit", "licence", "certificate"] = "permit"
    valid_from: date | None = None
    valid_to: date
    quantity: Qty | None = None
    unit: Unit | None = None


class DecisionIn(_In):
    """An agency's decision on an application."""

    decision: Literal["request_info", "approve", "refuse"]
    message: Annotated[str, Field(max_length=2000)] = ""
    conditions: Annotated[list[Text], Field(max_length=50)] = []
    reasons: Annotated[list[Text], Field(max_length=50)] = []
    permit: PermitGrantIn | None = None
    expected_version: Annotated[int | None, Field(ge=1)] = None


class DocumentRefIn(_In):
    """A document the trader sends in answer to a request for information."""

    type: Annotated[str, Field(min_length=1, max_length=40)]
    reference: Annotated[str, Field(min_length=1, max_length=70)]


class ResponseIn(_In):
    """The trader's answer to an agency's request for information."""

    message: Annotated[str, Field(min_length=1, max_length=2000)]
    documents: Annotated[list[DocumentRefIn], Field(max_length=50)] = []


class PermitIn(_In):
    """A permit or standing licence an agency issues directly to a trader."""

    holder_id: Annotated[str, Field(min_length=2, max_length=40)]
    kind: Literal["permit", "licence", "certificate"] = "licence"
    standing: bool = True
    hs: Annotated[list[HsText], Field(min_length=1, max_length=100)]
    valid_from: date
    valid_to: date
    quantity: Qty | None = None
    unit: Unit | None = None
    number: Annotated[str | None, Field(min_length=3, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9\-/]*$")] = None


class RetireIn(_In):
    """Ends a requirement from a date."""

    effective_to: date


class AgencyOut(BaseModel):
    """An agency."""

    code: str
    name: str
    domain: str
    automated_decisions: bool


class RequirementOut(BaseModel):
    """One version of a requirement."""

    id: str
    version: int
    agency: str
    hs: list[str]
    origins: list[str]
    procedures: list[str]
    end_uses: list[str]
    needs: list[dict[str, str]]
    auto: str
    description: str
    effective_from: date
    effective_to: date | None


class LoadOut(BaseModel):
    """What loading a requirements file changed."""

    agencies_changed: int
    requirements_added: int
    requirements_unchanged: int


class AppEventOut(BaseModel):
    """One entry of an application's history."""

    kind: str
    at: datetime
    actor: str
    role: str
    message: str
    data: dict[str, Any]


class ApplicationOut(BaseModel):
    """An application to one agency and where it stands."""

    id: str
    agency: str
    agency_label: str
    mrn: str | None
    source: str
    importer_id: str
    applicant_id: str
    status: str
    goods: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    needs: list[dict[str, str]]
    submitted_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    automated: bool
    decision_ms: float | None
    message: str | None
    conditions: list[str]
    reasons: list[str]
    permit_number: str | None
    version: int
    history: list[AppEventOut] = []


class ApplicationsOut(BaseModel):
    """A page of applications."""

    data: list[ApplicationOut]
    count: int


class WindowOut(BaseModel):
    """Every agency's status for one declaration, in one place."""

    mrn: str
    declaration_status: str
    declaration_status_label: str
    routed_at: datetime | None
    released_at: datetime | None
    applications: list[ApplicationOut]
    release_blockers: list[str]


class PermitOut(BaseModel):
    """A permit, licence or certificate and how much of it is left."""

    number: str
    agency: str
    holder_id: str
    kind: str
    standing: bool
    hs: list[str]
    valid_from: date
    valid_to: date
    unit: str | None
    quantity: Decimal | None
    remaining: Decimal | None
    revoked: bool
    drawdowns: list[dict[str, Any]] = []


class PermitsOut(BaseModel):
    """A page of permits."""

    data: list[PermitOut]
    count: int


class AgencyTimesOut(BaseModel):
    """Time Release Study figures of one agency: submission to decision."""

    agency: str
    label: str
    decided: int
    automated: int
    pending: int
    median_hours: float | None
    p90_hours: float | None
    median_automated_ms: float | None
    median_manual_hours: float | None
    p90_manual_hours: float | None


class ReportOut(BaseModel):
    """Time Release Study: per agency, submission to decision; and submission to release."""

    since: datetime | None
    agencies: list[AgencyTimesOut]
    released: int
    release_median_hours: float | None
    release_p90_hours: float | None
