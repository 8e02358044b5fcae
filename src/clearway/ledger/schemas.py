"""API input and output of the ledger: strict input models; JSON answers in RFC 9162's field names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

OrgId = Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9.-]*$")]
Text = Annotated[str, Field(min_length=1, max_length=500)]
Token = Annotated[str, Field(min_length=1, max_length=200_000, description="a compact JWS / JWT")]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class OrgIn(_In):
    """An organisation of this platform that signs credentials (administration, agency, exporter, brand owner…)."""

    id: OrgId
    name: Annotated[str, Field(min_length=1, max_length=200)]
    country: Annotated[str, Field(min_length=2, max_length=2)]
    kind: Literal["administration", "agency", "exporter", "importer", "brand_owner", "manufacturer", "carrier"]
    party_id: Annotated[str | None, Field(min_length=2, max_length=40, description="trader id (TIN/RUC/EORI)")] = None


class PartnerIn(_In):
    """A partner administration, registered from its DID document, with the date its MRA took effect."""

    org_id: OrgId
    name: Annotated[str, Field(min_length=1, max_length=200)]
    country: Annotated[str, Field(min_length=2, max_length=2)]
    did_document: dict[str, Any]
    mra_since: date | None = None


class KeyRevocationIn(_In):
    """Revokes a key from a time (default now): signatures made from then on fail."""

    kid: Annotated[str, Field(min_length=8, max_length=320)]
    reason: Text
    at: datetime | None = None


class CredentialIn(_In):
    """A credential to issue: the issuing organisation, the kind, and the UNTP-shaped credential subject."""

    org: OrgId
    kind: Literal["certificate_of_origin", "conformity", "product_passport", "traceability_event"]
    subject: dict[str, Any]
    valid_from: datetime | None = None
    valid_until: datetime | None = None


class VerifyIn(_In):
    """A presented credential to verify."""

    jwt: Token


class RevokeIn(_In):
    """Why a credential is revoked."""

    reason: Text


class AeoIn(_In):
    """An AEO status change of this administration."""

    trader_id: Annotated[str, Field(min_length=2, max_length=40)]
    trader_name: Annotated[str, Field(min_length=1, max_length=200)]
    status: Literal["granted", "suspended", "revoked"]
    effective_from: date
    reason: Text


class AeoImportIn(_In):
    """A partner administration's signed AEO export."""

    export: Token


class CheckOut(BaseModel):
    """One verification check."""

    ok: bool
    reason: str


class VerificationOut(BaseModel):
    """A credential's verification, check by check, and its inclusion in the log."""

    verified: bool
    reasons: list[str]
    format: CheckOut
    integrity: CheckOut
    issuer: CheckOut
    status: CheckOut
    validity: CheckOut
    kid: str | None
    credential: dict[str, Any] | None
    log: dict[str, Any] | None = Field(description="leaf_index, tree_size, audit_path (base64) when logged")


class IssuedOut(BaseModel):
    """A credential just issued."""

    id: str
    kind: str
    jwt: str
    leaf_index: int
    leaf_hash: str


class AeoOut(BaseModel):
    """A trader's AEO status on a date and its history."""

    trader_id: str
    on: date
    status: str | None
    recognised: bool
    basis: str
    administration: str | None
    country: str | None
    since: date | None
    history: list[dict[str, Any]]
