"""API answers of the documents capability."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from clearway.documents.crosscheck import Discrepancy
from clearway.documents.model import StoredDocument


class DocumentOut(BaseModel):
    """A stored document: what it is, its hash, who attached it, and the fields read from it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    mrn: str
    type: str
    format: str
    media_type: str
    filename: str
    size: int
    sha256: str
    pages: int
    uploaded_by: str
    uploaded_at: datetime
    fields: dict[str, Any]
    links: dict[str, str]

    @classmethod
    def of(cls, doc: StoredDocument) -> DocumentOut:
        """Builds the answer for a stored document."""
        base = f"/api/v1/declarations/{doc.mrn}/documents/{doc.id}"
        return cls(
            id=doc.id,
            mrn=doc.mrn,
            type=doc.type.value,
            format=doc.format.value,
            media_type=doc.format.media_type,
            filename=doc.filename,
            size=doc.size,
            sha256=doc.sha256,
            pages=doc.pages,
            uploaded_by=doc.uploaded_by,
            uploaded_at=doc.uploaded_at,
            fields=doc.fields,
            links={"self": base, "content": f"{base}/content"},
        )


class DocumentListOut(BaseModel):
    """The documents of a declaration."""

    data: list[DocumentOut]
    count: int


class DiscrepancyOut(BaseModel):
    """A difference between a document and the declaration, pointing at the declared field."""

    code: str
    message: str
    pointer: str
    document_id: str
    document_type: str

    @classmethod
    def of(cls, d: Discrepancy) -> DiscrepancyOut:
        """Builds the answer for a discrepancy."""
        return cls(**d.as_dict())


class DiscrepancyListOut(BaseModel):
    """Every difference found between a declaration and its documents."""

    mrn: str
    data: list[DiscrepancyOut]
