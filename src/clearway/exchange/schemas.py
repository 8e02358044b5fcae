"""API input of the exchange: strict models (JSON bodies); answers are plain JSON documents."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Country = Annotated[str, Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")]
Kind = Literal["export_summary", "alert", "aeo_status", "tree_head"]
Short = Annotated[str, Field(max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class PartnerIn(_In):
    """A partner administration: its country, base URL and DID (its DID document is fetched from the URL's
    /api/v1/exchange/identity unless given), what is shared with it and from when."""

    country: Country
    url: Annotated[str, Field(min_length=8, max_length=500, pattern=r"^https?://")]
    did: Annotated[str, Field(min_length=8, max_length=300, pattern=r"^did:")]
    did_document: dict[str, Any] | None = None
    name: Annotated[str | None, Field(max_length=200)] = None
    kinds: Annotated[list[Kind], Field(min_length=1, max_length=4)] = [
        "export_summary",
        "alert",
        "aeo_status",
        "tree_head",
    ]
    since: date | None = None
    mra_since: date | None = None


class AgreementIn(_In):
    """Shares a kind of message with a partner from a date (until a date)."""

    kind: Kind
    since: date
    until: date | None = None


class PartyIn(_In):
    """A party named in an alert."""

    id: Annotated[str, Field(min_length=2, max_length=40)]
    name: Annotated[str | None, Field(max_length=200)] = None
    role: Annotated[str | None, Field(max_length=40, description="exporter, consignee, carrier, courier…")] = None
    country: Annotated[str | None, Field(min_length=2, max_length=2)] = None


class AlertIn(_In):
    """An alert or seizure in the spirit of the WCO CEN simplified form."""

    kind: Literal["alert", "seizure"]
    what: Annotated[str, Field(min_length=1, max_length=500, description="goods found or expected")]
    hs_code: Annotated[str | None, Field(pattern=r"^\d{4,10}$")] = None
    quantity: Annotated[str | None, Field(max_length=40)] = None
    unit: Annotated[str | None, Field(max_length=20)] = None
    place: Annotated[str | None, Field(max_length=200, description="UN/LOCODE or place name")] = None
    date: Annotated[str | None, Field(max_length=30)] = None
    concealment: Short | None = None
    detection: Short | None = None
    route: Short | None = None
    conveyance: Short | None = None
    parties: Annotated[list[PartyIn], Field(max_length=20)] = []
    remarks: Annotated[str | None, Field(max_length=2000)] = None


class WatchlistIn(_In):
    """Turns an alert into a watchlist entry of the risk criteria."""

    severity: Literal["low", "medium", "high", "critical"] = "high"
    note: Annotated[str | None, Field(max_length=500)] = None
