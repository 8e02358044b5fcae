"""Use cases: attach a document to a declaration, list and read them, compare them with what was declared.

Only the declaration's own parties (declarant, representative, importer) and customs staff see or attach its
documents; anyone else is told the declaration does not exist. Services never commit.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any

from clearway.core.issues import NotFound, ValidationFailed
from clearway.declarations import service as declarations
from clearway.declarations.model import Declaration
from clearway.declarations.ports import DocumentaryFinding
from clearway.documents import crosscheck, panel, phrases, store
from clearway.documents.crosscheck import Discrepancy
from clearway.documents.events import DocumentAttached, DocumentsChecked
from clearway.documents.extract.pipeline import extract_document
from clearway.documents.model import DocumentType, Format, StoredDocument, check_filename, refuse
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)
STAFF: frozenset[str] = frozenset({"officer", "supervisor", "admin"})
ATTACHERS = STAFF | {"declarant"}


def _declaration(uow: UnitOfWork, mrn: str, principal: Principal) -> Declaration:
    if principal.role not in ATTACHERS:
        raise NotFound(f"no declaration {mrn}")
    return declarations.get_visible(uow, mrn, principal)


def attach(
    uow: UnitOfWork,
    mrn: str,
    body: bytes,
    *,
    doc_type: str,
    filename: str | None,
    principal: Principal,
    ocr: bool = True,
) -> tuple[StoredDocument, bool]:
    """Stores a document with the declaration; returns it and whether it was new (same bytes → same document).

    The format is sniffed from the bytes, the file deeply checked (limits, active content, bombs), hashed, and
    its fields read once; the row is never changed afterwards.
    """
    decl = _declaration(uow, mrn, principal)
    try:
        kind = DocumentType(doc_type)
    except ValueError:
        allowed = ", ".join(t.value for t in DocumentType)
        raise refuse("DOCUMENT_TYPE", f"type '{doc_type}' is not one of {allowed}", "/type") from None
    digest = hashlib.sha256(body).hexdigest()
    existing = store.find_by_hash(uow.conn, decl.id, digest)
    if existing is not None:
        return existing, False
    try:
        fields = extract_document(body, ocr_enabled=ocr)
    except ValidationFailed:
        raise
    except Exception as exc:
        log.warning("document for %s could not be read: %s", decl.mrn, type(exc).__name__)
        raise refuse("DOCUMENT_MALFORMED", f"the document cannot be read ({type(exc).__name__})") from None
    now = uow.clock()
    doc = StoredDocument(
        id=str(uuid.uuid4()),
        declaration_id=decl.id,
        mrn=decl.mrn,
        type=kind,
        format=_format(fields),
        filename=check_filename(filename),
        size=len(body),
        sha256=digest,
        pages=int(fields.get("pages", 1)),
        uploaded_by=principal.user,
        uploaded_role=principal.role,
        uploaded_party=principal.party_id,
        uploaded_at=now,
        fields=fields,
    )
    store.insert(uow.conn, doc, body)
    declarations.record_event(
        uow,
        decl,
        "document_attached",
        actor=principal.user,
        role=principal.role,
        reason=phrases.ATTACHED(what=kind.value, filename=doc.filename),
        data={"document_id": doc.id, "type": kind.value, "sha256": digest},
    )
    uow.publish(
        DocumentAttached(
            at=now, actor=principal.user, mrn=decl.mrn, document_id=doc.id, document_type=kind.value, sha256=digest
        )
    )
    found = crosscheck.check(decl.data, store.list_for(uow.conn, decl.id))
    # What the officer sees changes with each document: the differences are kept in the history, by sentence.
    declarations.record_event(
        uow,
        decl,
        "documents_checked",
        actor=principal.user,
        role=principal.role,
        reason="; ".join(d.message for d in found) if found else phrases.AGREE(),
        data={"findings": [d.as_dict() for d in found], "document_id": doc.id},
    )
    uow.publish(
        DocumentsChecked(
            at=now,
            actor=principal.user,
            mrn=decl.mrn,
            facts=tuple(_facts(found)),
            discrepancies=len(found),
            messages=tuple(d.message for d in found),
        )
    )
    return doc, True


def _format(fields: dict[str, Any]) -> Format:
    return Format(fields["format"])


def list_documents(uow: UnitOfWork, mrn: str, principal: Principal) -> list[StoredDocument]:
    """Returns the documents of a declaration the caller may see."""
    decl = _declaration(uow, mrn, principal)
    return store.list_for(uow.conn, decl.id)


def get_document(uow: UnitOfWork, mrn: str, document_id: str, principal: Principal) -> StoredDocument:
    """Returns one document of a declaration the caller may see."""
    decl = _declaration(uow, mrn, principal)
    doc = store.get(uow.conn, decl.id, document_id)
    if doc is None:
        raise NotFound(f"no document {document_id} on declaration {decl.mrn}")
    return doc


def content(uow: UnitOfWork, mrn: str, document_id: str, principal: Principal) -> tuple[StoredDocument, bytes]:
    """Returns a document and its bytes as uploaded (served as a download, never rendered inline)."""
    doc = get_document(uow, mrn, document_id, principal)
    body = store.content(uow.conn, doc.declaration_id, doc.id)
    if body is None:  # pragma: no cover - the row was just read
        raise NotFound(f"no document {document_id}")
    return doc, body


def discrepancies(uow: UnitOfWork, mrn: str) -> list[Discrepancy]:
    """Compares a declaration with its documents (platform use: risk, console hints); [] without documents."""
    decl = declarations.get(uow, mrn)
    return crosscheck.check(decl.data, store.list_for(uow.conn, decl.id))


def visible_discrepancies(uow: UnitOfWork, mrn: str, principal: Principal) -> list[Discrepancy]:
    """The same, for a caller who may see the declaration."""
    decl = _declaration(uow, mrn, principal)
    return crosscheck.check(decl.data, store.list_for(uow.conn, decl.id))


def panels(uow: UnitOfWork, mrn: str, principal: Principal) -> list[panel.DocumentPanel]:
    """What the console shows of each document of a declaration the caller may see: the fields read when it was
    attached (stored, not read again), their confidence and page, and the differences next to them."""
    decl = _declaration(uow, mrn, principal)
    docs = store.list_for(uow.conn, decl.id)
    found = crosscheck.check(decl.data, docs)
    return [panel.build(doc, found) for doc in docs]


def _facts(found: list[Discrepancy]) -> list[str]:
    return sorted({f"documents.{d.code.lower()}" for d in found})


def findings(uow: UnitOfWork, decl: Declaration) -> tuple[DocumentaryFinding, ...]:
    """The differences between a declaration and its attached documents, as the lane providers read them."""
    found = crosscheck.check(decl.data, store.list_for(uow.conn, decl.id))
    return tuple(DocumentaryFinding(d.code, d.message, d.pointer, f"documents:{d.document_type}") for d in found)


def risk_facts(uow: UnitOfWork, mrn: str) -> list[str]:
    """The facts a risk rule may test: ``documents.doc_total``, ``documents.doc_origin``… and whether an
    invoice is attached at all (``documents.no_invoice``)."""
    decl = declarations.get(uow, mrn)
    docs = store.list_for(uow.conn, decl.id)
    facts = _facts(crosscheck.check(decl.data, docs))
    if not any(d.type is DocumentType.INVOICE for d in docs):
        facts.append("documents.no_invoice")
    return facts
