"""E-commerce pages: carriers upload a parcel manifest and follow its screening to each parcel's decision;
officers see every manifest, the held parcels with their reasons, and release or hold them after a check."""

from __future__ import annotations

import logging
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from clearway.console import installed, security, terms
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, error_page, page
from clearway.console.security import SessionDep
from clearway.core.issues import DomainError, ValidationFailed
from clearway.ecommerce import api as ecommerce_api
from clearway.ecommerce import queries, review, service
from clearway.ecommerce.model import MANIFEST_COLUMNS
from clearway.platform.deps import RuntimeDep
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console/ecommerce", include_in_schema=False, route_class=ConsoleRoute)
OFFICERS = ("officer", "supervisor", "admin")
PAGE = 100
JOBS = "console.ecommerce.jobs"
KEEP_JOBS = 200
ERRORS = {
    "reason": N_("Say what the check found (at least 3 characters) before you release or hold the parcel."),
    "action": N_("Choose to release the parcel or to keep it on hold."),
    "not_held": N_("Screening released this parcel; there is nothing to decide."),
    "hs": N_("The verified HS code must be a 6-digit subheading of the nomenclature (digits only, e.g. 640299)."),
}
HISTORY_FLASH = {
    "added": N_("The verified HS code now counts in the classification history for this title."),
    "replaced": N_("The verified HS code replaces this parcel's earlier one in the classification history."),
    "unchanged": N_("This parcel already counts under this HS code in the classification history."),
    "no_title": N_("This parcel has no stored title; the verified HS code was not added to the history."),
    "full": N_("The classification history is full; the verified HS code was not added."),
    "off": N_("The verified HS code was recorded; feeding the classification history from reviews is off."),
}
# What a manifest is not: the first bytes of files people pick by mistake.
NOT_TEXT = {
    b"PK\x03\x04": N_("This is a ZIP or Excel file. Export the manifest as CSV (or JSON lines) and upload that."),
    b"%PDF": N_("This is a PDF document. Upload the manifest itself, as CSV or JSON lines."),
    b"\x89PNG": N_("This is an image. Upload the manifest itself, as CSV or JSON lines."),
    b"\xd0\xcf\x11\xe0": N_("This is an old Excel file. Export the manifest as CSV (or JSON lines) and upload that."),
}


@dataclass
class Job:
    """A manifest being screened in the background, for the progress page."""

    id: str
    user: str
    party: str | None
    name: str
    lines: int
    started: datetime
    rows: int = 0
    state: str = "running"  # running, done, failed
    manifest_id: str | None = None
    problems: list[str] = field(default_factory=list)


def _jobs(runtime: Runtime) -> dict[str, Job]:
    jobs: dict[str, Job] = runtime.caches.setdefault(JOBS, {})
    return jobs


def _installed(request: Request) -> None:
    if not installed.api_mounted(request, ecommerce_api.router):
        raise HTTPException(404, N_("E-commerce screening is not installed on this server."))


def _allowed(request: Request, session: security.Session) -> None:
    _installed(request)
    if session.principal.role != "declarant" and session.principal.role not in OFFICERS:
        raise HTTPException(403, N_("Parcel manifests are for carriers, platforms and customs officers."))


def _page(request: Request, template: str, session: security.Session, **context: Any) -> Response:
    return page(request, template, session, active="ecommerce", term=terms.term, **context)


@router.get("")
def manifests(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    """A carrier's manifests and the upload form; for officers every manifest and the parcels held."""
    _allowed(request, session)
    principal = session.principal
    with runtime.uow(readonly=True) as uow:
        rows, total = queries.list_manifests(uow, principal, 20, (page_no - 1) * 20)
        held = review.held_parcels(uow, principal, limit=50) if principal.role in OFFICERS else []
    running = [j for j in _jobs(runtime).values() if j.user == principal.user and j.state == "running"]
    return _page(
        request,
        "ecommerce.html",
        session,
        rows=rows,
        total=total,
        page_no=page_no,
        pages=max(1, -(-total // 20)),
        held=held,
        running=running,
        columns=MANIFEST_COLUMNS,
        is_officer=principal.role in OFFICERS,
        limit_mb=round(runtime.settings.max_body_bytes / 1_000_000, 1),
    )


def _refusal(head: bytes) -> str | None:
    for magic, message in NOT_TEXT.items():
        if head.startswith(magic):
            return message
    if b"\x00" in head:
        return N_("This file is not text. Upload the manifest as CSV or JSON lines.")
    return None


@router.post("/manifests")
async def upload(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    manifest: UploadFile | None = None,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Receives a manifest file and starts its screening; the browser follows its progress."""
    security.check_csrf(request, session, csrf_token)
    _allowed(request, session)
    if session.principal.role != "declarant":
        raise HTTPException(403, N_("Carriers and platforms submit manifests; officers read them."))
    problem: str | None = None
    spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the screening thread, which closes it
    name = (manifest.filename or "manifest").replace("\\", "/").rsplit("/", 1)[-1][:200] if manifest else ""
    lines = 0
    if manifest is None or not name:
        problem = N_("Choose the manifest file to upload.")
    else:
        head = await manifest.read(4096)
        problem = _refusal(head) if head.strip() else N_("The file is empty.")
        while problem is None and head:
            spool.write(head)
            lines += head.count(b"\n")
            head = await manifest.read(1 << 20)
    if problem is not None:
        spool.close()
        return _upload_refused(request, runtime, session, problem)
    spool.seek(0)
    job = Job(uuid.uuid4().hex, session.principal.user, session.principal.party_id, name, lines, runtime.clock())
    jobs = _jobs(runtime)
    for old in [k for k, j in jobs.items() if j.state != "running"][: max(0, len(jobs) - KEEP_JOBS)]:
        del jobs[old]
    jobs[job.id] = job
    threading.Thread(target=_screen, args=(runtime, job, spool), name=f"manifest-{job.id[:8]}", daemon=True).start()
    log.info("manifest %s (%d lines) uploaded by %s", name, lines, session.principal.user)
    return RedirectResponse(f"/console/ecommerce/uploads/{job.id}", status_code=303)


def _upload_refused(request: Request, runtime: Runtime, session: security.Session, problem: str) -> Response:
    with runtime.uow(readonly=True) as uow:
        rows, total = queries.list_manifests(uow, session.principal, 20, 0)
    return _page(
        request,
        "ecommerce.html",
        session,
        status_code=422,
        rows=rows,
        total=total,
        page_no=1,
        pages=max(1, -(-total // 20)),
        held=[],
        running=[],
        columns=MANIFEST_COLUMNS,
        is_officer=False,
        upload_error=problem,
        limit_mb=round(runtime.settings.max_body_bytes / 1_000_000, 1),
    )


def _screen(runtime: Runtime, job: Job, spool: IO[bytes]) -> None:
    def advance(rows: int) -> None:
        job.rows += rows

    try:
        with runtime.uow() as uow:
            report = service.screen_manifest(
                uow,
                spool,
                source_name=job.name,
                country=runtime.settings.country,
                submitted_by=job.user,
                submitter_party=job.party,
                progress=advance,
            )
            uow.commit()
        job.manifest_id, job.rows, job.state = report.manifest_id, report.rows_read, "done"
    except ValidationFailed as exc:
        job.problems, job.state = [i.message for i in exc.issues][:50], "failed"
    except DomainError as exc:
        job.problems, job.state = [exc.message], "failed"
    except Exception:  # the carrier gets a page that says so, the log the detail
        log.exception("screening of manifest %s failed", job.name)
        job.problems, job.state = [N_("Screening failed on the server; the IT team has the details.")], "failed"
    finally:
        spool.close()


@router.get("/uploads/{job_id}")
def progress(job_id: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Shows a manifest's screening as it goes; goes to the manifest's decisions when done."""
    _allowed(request, session)
    job = _jobs(runtime).get(job_id)
    if job is None or job.user != session.principal.user:
        return error_page(request, session, 404, N_("There is no upload of yours at this address."))
    if job.state == "done" and job.manifest_id:
        return RedirectResponse(f"/console/ecommerce/manifests/{job.manifest_id}?done=screened", status_code=303)
    share = min(99, round(100 * job.rows / job.lines)) if job.lines else 0
    return _page(request, "ecommerce_progress.html", session, job=job, share=share, refresh=job.state == "running")


def _reasons(text: str | None) -> list[str]:
    return [r.strip() for r in (text or "").split(" | ") if r.strip()]


@router.get("/manifests/{manifest_id}")
def manifest(
    manifest_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    decision: Annotated[str | None, Query(pattern="^(|release|hold_documents|hold_inspection|refuse|held)$")] = None,
    after: Annotated[str | None, Query(max_length=64)] = None,
    done: Annotated[str | None, Query(max_length=20)] = None,
    hs: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """A manifest's report: figures, rejected rows, and each parcel's decision with its reasons."""
    _allowed(request, session)
    principal = session.principal
    is_officer = principal.role in OFFICERS
    if decision is None and is_officer:
        decision = "held"
    with runtime.uow(readonly=True) as uow:
        try:
            found = queries.get_manifest(uow, manifest_id[:36], principal)
        except DomainError:
            return error_page(request, session, 404, N_("There is no manifest of yours at this address."))
        if decision == "held" and is_officer:
            parcels = review.held_parcels(uow, principal, manifest_id=found["id"], limit=PAGE)
        else:
            wanted = list(review.HELD) if decision == "held" else [decision or None]
            parcels = sorted(
                (
                    p
                    for d in wanted
                    for p in queries.decisions(uow, found["id"], principal, after=after, limit=PAGE, decision=d)
                ),
                key=lambda p: str(p["parcel_id"]),
            )[:PAGE]
            findings = review.findings_for(uow, found["id"], [p["parcel_id"] for p in parcels], principal)
            parcels = [{**p, **_finding(findings.get(p["parcel_id"]))} for p in parcels]
    for p in parcels:
        p["reason_list"] = _reasons(p.get("reasons"))
        p["flag_list"] = [f for f in (p.get("flags") or "").split(";") if f]
    flash = {
        "screened": N_("The manifest was screened: each parcel's decision is below."),
        "released": N_("The parcel is released."),
        "held": N_("The parcel stays on hold."),
    }.get(done or "")
    summary = found.get("summary") or {}
    return _page(
        request,
        "ecommerce_manifest.html",
        session,
        m=found,
        decisions=summary.get("decisions", {}),
        flags={k: v for k, v in (summary.get("flags") or {}).items() if v},
        parcels=parcels,
        decision=decision or "",
        next_after=parcels[-1]["parcel_id"]
        if len(parcels) == PAGE and not (is_officer and decision == "held")
        else None,
        is_officer=is_officer,
        flash=flash,
        history_flash=HISTORY_FLASH.get(hs or "") if flash else None,
        error=ERRORS.get(request.query_params.get("error", "")),
    )


def _finding(found: dict[str, Any] | None) -> dict[str, Any]:
    if not found:
        return {}
    return {
        "confirmed": found["confirmed"],
        "officer": found.get("officer"),
        "finding_reason": found.get("reason"),
        "recorded_at": found.get("recorded_at"),
    }


@router.post("/manifests/{manifest_id}/parcels/{parcel_id}/decision")
async def decide(
    manifest_id: str,
    parcel_id: str,
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    action: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    verified_hs: Annotated[str, Form(max_length=20)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """An officer releases a held parcel or keeps it on hold, saying what the check found, and may give the HS
    code the check verified (added to the classification history when the setting is on)."""
    security.check_csrf(request, session, csrf_token)
    _allowed(request, session)
    if session.principal.role not in OFFICERS:
        raise HTTPException(403, N_("Only customs officers release or hold parcels."))
    back = f"/console/ecommerce/manifests/{manifest_id[:36]}"
    if action not in ("release", "hold"):
        return RedirectResponse(f"{back}?error=action", status_code=303)
    if len(reason.strip()) < 3:
        return RedirectResponse(f"{back}?error=reason#p-{parcel_id[:64]}", status_code=303)

    def run() -> str | None:
        with runtime.uow() as uow:
            found = review.decide(
                uow, manifest_id[:36], parcel_id[:64], release=action == "release", principal=session.principal,
                reason=reason, verified_hs=verified_hs or None,
            )  # fmt: skip
            uow.commit()
        history: str | None = found.get("history")
        return history

    try:
        history = await run_in_threadpool(run)
    except ValidationFailed as exc:
        codes = {i.code for i in exc.issues}
        error = "hs" if codes & {"HS_INVALID", "HS_UNKNOWN"} else "not_held"
        return RedirectResponse(f"{back}?error={error}#p-{parcel_id[:64]}", status_code=303)
    except DomainError:
        return error_page(request, session, 404, N_("There is no such parcel in this manifest."))
    done = "released" if action == "release" else "held"
    more = f"&hs={history}" if history else ""
    return RedirectResponse(f"{back}?done={done}{more}", status_code=303)


def carrier_home(runtime: Runtime, principal: Any) -> str | None:
    """Returns the manifests page for a declarant that submits parcel manifests and lodges no declaration."""
    if principal.role != "declarant" or not principal.party_id:
        return None
    from sqlalchemy.exc import SQLAlchemyError

    from clearway.declarations import service as declarations_service

    try:
        with runtime.uow(readonly=True) as uow:
            _rows, manifests_total = queries.list_manifests(uow, principal, 1, 0)
            if not manifests_total:
                return None
            _rows, declarations_total = declarations_service.list_visible(uow, principal, limit=1)
    except SQLAlchemyError:  # e-commerce installed but not migrated: the ordinary home
        return None
    return "/console/ecommerce" if not declarations_total else None
