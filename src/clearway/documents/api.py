"""HTTP routes: attach supporting documents to a declaration, list and download them, see the differences."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from clearway.documents import service
from clearway.documents.model import MAX_BYTES, refuse
from clearway.documents.schemas import DiscrepancyListOut, DiscrepancyOut, DocumentListOut, DocumentOut
from clearway.platform.auth import Principal
from clearway.platform.deps import RuntimeDep, require_roles
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/api/v1/declarations", tags=["documents"])
READERS = ("declarant", "officer", "supervisor", "admin")
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token"},
    403: {"description": "Your role may not see documents"},
    404: {"description": "No such declaration (or document) visible to you"},
    413: {"description": "The file is larger than the upload limit"},
    422: {"description": "The file is refused (type, size, pages, active content, malformed), every issue listed"},
}


@router.post(
    "/{mrn}/documents",
    status_code=201,
    response_model=DocumentOut,
    responses={**_ERRORS, 200: {"description": "The same file was already attached", "model": DocumentOut}},
    summary="Attach a supporting document (invoice, packing list, certificate of origin, transport, other)",
    description="Multipart form: `file` (PDF, PNG, JPEG, TIFF, or a UBL 2.1 / CFDI / NF-e XML invoice) and "
    "`type`. The format is sniffed from the bytes (the client's content type is ignored); the file is hashed "
    "(SHA-256), checked, read, and stored unchanged with the declaration.",
)
async def attach(
    mrn: str,
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="The document")],
    type: Annotated[str, Form(description="invoice, packing-list, certificate-of-origin, transport or other")],
    principal: Principal = require_roles(*READERS),
) -> JSONResponse:
    body = await file.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise refuse("DOCUMENT_TOO_LARGE", f"the file exceeds {MAX_BYTES:,} bytes")
    out, created = await run_in_threadpool(_attach, runtime, mrn, body, type, file.filename, principal)
    return JSONResponse(
        out.model_dump(mode="json"), status_code=201 if created else 200, headers={"Location": out.links["self"]}
    )


def _attach(
    runtime: Runtime, mrn: str, body: bytes, doc_type: str, filename: str | None, principal: Principal
) -> tuple[DocumentOut, bool]:
    with runtime.uow() as uow:
        doc, created = service.attach(uow, mrn, body, doc_type=doc_type, filename=filename, principal=principal)
        uow.commit()
    return DocumentOut.of(doc), created


@router.get("/{mrn}/documents", response_model=DocumentListOut, responses=_ERRORS, summary="A declaration's documents")
def list_documents(mrn: str, runtime: RuntimeDep, principal: Principal = require_roles(*READERS)) -> DocumentListOut:
    with runtime.uow(readonly=True) as uow:
        docs = service.list_documents(uow, mrn, principal)
    return DocumentListOut(data=[DocumentOut.of(d) for d in docs], count=len(docs))


@router.get(
    "/{mrn}/documents/{document_id}", response_model=DocumentOut, responses=_ERRORS, summary="One document's record"
)
def get_document(
    mrn: str, document_id: str, runtime: RuntimeDep, principal: Principal = require_roles(*READERS)
) -> DocumentOut:
    with runtime.uow(readonly=True) as uow:
        return DocumentOut.of(service.get_document(uow, mrn, document_id, principal))


@router.get(
    "/{mrn}/documents/{document_id}/content",
    responses={**_ERRORS, 200: {"description": "The file as uploaded", "content": {"application/octet-stream": {}}}},
    summary="Download a document as uploaded",
)
def document_content(
    mrn: str, document_id: str, runtime: RuntimeDep, principal: Principal = require_roles(*READERS)
) -> Response:
    with runtime.uow(readonly=True) as uow:
        doc, body = service.content(uow, mrn, document_id, principal)
    return Response(
        body,
        media_type=doc.format.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{doc.id}.{doc.format.value}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "ETag": f'"{doc.sha256}"',
        },
    )


@router.get(
    "/{mrn}/discrepancies",
    response_model=DiscrepancyListOut,
    responses=_ERRORS,
    summary="Differences between the declaration and its documents",
)
def discrepancies(mrn: str, runtime: RuntimeDep, principal: Principal = require_roles(*READERS)) -> DiscrepancyListOut:
    with runtime.uow(readonly=True) as uow:
        found = service.visible_discrepancies(uow, mrn, principal)
    return DiscrepancyListOut(mrn=mrn.upper(), data=[DiscrepancyOut.of(d) for d in found])
