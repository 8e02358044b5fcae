"""The documents table: each row is one uploaded file with its hash and the fields read from it; never updated."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    select,
)

from clearway.documents.model import DocumentType, Format, StoredDocument
from clearway.platform.db import metadata

documents = Table(
    "documents_files",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("declaration_id", String(36), nullable=False, index=True),
    Column("mrn", String(40), nullable=False, index=True),
    Column("doc_type", String(32), nullable=False),
    Column("format", String(8), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("pages", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploaded_role", String(20), nullable=False),
    Column("uploaded_party", String(40), nullable=True),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("fields", JSON, nullable=False),
    UniqueConstraint("declaration_id", "sha256", name="uq_documents_files_declaration_sha256"),
)

_META = [c for c in documents.c if c.name != "content"]


def _row(r: Any) -> StoredDocument:
    return StoredDocument(
        id=r.id,
        declaration_id=r.declaration_id,
        mrn=r.mrn,
        type=DocumentType(r.doc_type),
        format=Format(r.format),
        filename=r.filename,
        size=r.size,
        sha256=r.sha256,
        pages=r.pages,
        uploaded_by=r.uploaded_by,
        uploaded_role=r.uploaded_role,
        uploaded_party=r.uploaded_party,
        uploaded_at=r.uploaded_at,
        fields=dict(r.fields or {}),
    )


def insert(conn: Connection, doc: StoredDocument, content: bytes) -> None:
    """Stores a new document (rows are never updated nor deleted)."""
    conn.execute(
        documents.insert().values(
            id=doc.id,
            declaration_id=doc.declaration_id,
            mrn=doc.mrn,
            doc_type=doc.type.value,
            format=doc.format.value,
            media_type=doc.format.media_type,
            filename=doc.filename,
            size=doc.size,
            sha256=doc.sha256,
            pages=doc.pages,
            content=content,
            uploaded_by=doc.uploaded_by,
            uploaded_role=doc.uploaded_role,
            uploaded_party=doc.uploaded_party,
            uploaded_at=doc.uploaded_at,
            fields=doc.fields,
        )
    )


def find_by_hash(conn: Connection, declaration_id: str, sha256: str) -> StoredDocument | None:
    """Returns the document with these bytes already attached to the declaration, if any."""
    r = conn.execute(
        select(*_META).where(documents.c.declaration_id == declaration_id, documents.c.sha256 == sha256)
    ).first()
    return _row(r) if r else None


def list_for(conn: Connection, declaration_id: str) -> list[StoredDocument]:
    """Returns a declaration's documents, oldest first."""
    rows = conn.execute(
        select(*_META).where(documents.c.declaration_id == declaration_id).order_by(documents.c.uploaded_at)
    )
    return [_row(r) for r in rows]


def get(conn: Connection, declaration_id: str, document_id: str) -> StoredDocument | None:
    """Returns one document of a declaration."""
    r = conn.execute(
        select(*_META).where(documents.c.declaration_id == declaration_id, documents.c.id == document_id)
    ).first()
    return _row(r) if r else None


def content(conn: Connection, declaration_id: str, document_id: str) -> bytes | None:
    """Returns a document's bytes as uploaded."""
    r = conn.execute(
        select(documents.c.content).where(documents.c.declaration_id == declaration_id, documents.c.id == document_id)
    ).first()
    return bytes(r[0]) if r else None
