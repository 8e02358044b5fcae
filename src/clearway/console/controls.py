"""Recording a control's result on its own, and the trader's reply to a documents request.

The clearance core records findings only together with a decision (release or detain). An officer who has
examined the goods while duties are still unpaid must be able to say what was found without deciding yet;
this module does that through ``declarations.service`` and releases the goods at once when the result shows
no discrepancy and nothing else blocks release. The core should grow an equivalent
``service.record_control_result`` (and release controlled declarations when the last blocker clears, e.g.
when payment arrives): see docs/console.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearway.core.issues import DomainError, Issue, ValidationFailed
from clearway.declarations import service
from clearway.declarations.model import Declaration, Status
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

CONTROL_STATUSES = frozenset({Status.PHYSICAL_CHECK, Status.DOCUMENTS_REQUIRED})
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
# First bytes of the kinds of document a trader may send (checked, not trusted from the browser).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def control_pending(decl: Declaration) -> bool:
    """Tells whether the declaration is under a control whose result has not been recorded since it began."""
    if decl.status not in CONTROL_STATUSES:
        return False
    started = max(
        (i for i, e in enumerate(decl.history) if e.status_to in CONTROL_STATUSES),
        default=-1,
    )
    return not any(e.kind == "control_result" for e in decl.history[started + 1 :])


@dataclass(frozen=True)
class Upload:
    """A document a trader sent with a reply."""

    name: str
    body: bytes


def sniff(name: str, body: bytes) -> tuple[str, str] | None:
    """Returns (media type, extension) of an allowed document from its content, or None when not allowed."""
    for magic, media, ext in SIGNATURES:
        if body.startswith(magic):
            return media, ext
    lowered = name.lower()
    head = body[:2048]
    if lowered.endswith((".xml", ".txt")) and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return ("application/xml", ".xml") if lowered.endswith(".xml") else ("text/plain", ".txt")
    return None


def upload_dir(data_dir: Path) -> Path:
    """Returns the folder where replies' documents are kept (content-addressed)."""
    return data_dir / "console-uploads"


def reply(
    uow: UnitOfWork,
    mrn: str,
    message: str,
    files: list[Upload],
    *,
    principal: Principal,
    data_dir: Path,
) -> Declaration:
    """Records a trader's reply to a documents request, keeping each document by its SHA-256."""
    decl = service.get_visible(uow, mrn, principal)
    if not principal.is_trader:
        raise DomainError("only the trader answers a documents request", code="FORBIDDEN")
    if decl.status is not Status.DOCUMENTS_REQUIRED:
        raise DomainError("customs has not asked for documents on this declaration", code="NO_DOCUMENTS_REQUEST")
    issues: list[Issue] = []
    if len(message.strip()) < 3:
        issues.append(Issue("REQUIRED", "write a reply to customs (at least 3 characters)", "/message"))
    if len(files) > MAX_FILES:
        issues.append(Issue("TOO_MANY_FILES", f"send at most {MAX_FILES} files", "/file"))
    kept: list[dict[str, Any]] = []
    folder = upload_dir(data_dir)
    for f in files[:MAX_FILES]:
        kind = sniff(f.name, f.body)
        if len(f.body) > MAX_FILE_BYTES:
            issues.append(Issue("FILE_TOO_LARGE", f"{f.name[:80]} is larger than 5 MB", "/file"))
        elif kind is None:
            issues.append(Issue("FILE_TYPE", f"{f.name[:80]} is not a PDF, PNG, JPEG, XML or text file", "/file"))
        else:
            digest = hashlib.sha256(f.body).hexdigest()
            kept.append({"name": Path(f.name).name[:120], "sha256": digest, "size": len(f.body), "media_type": kind[0]})
    if issues:
        raise ValidationFailed(issues)
    folder.mkdir(parents=True, exist_ok=True)
    for f, meta in zip([f for f in files if sniff(f.name, f.body)], kept, strict=True):
        target = folder / meta["sha256"]
        if not target.exists():
            target.write_bytes(f.body)
    service.record_event(
        uow,
        decl,
        "reply",
        actor=principal.user,
        role=service.role_of(principal),
        reason=message.strip()[:1000],
        data={"message": message.strip()[:2000], "files": kept},
    )
    return decl


def stored_file(decl: Declaration, sha256: str, data_dir: Path) -> tuple[dict[str, Any], bytes] | None:
    """Returns a document sent with one of the declaration's replies, or None (never another's file)."""
    for e in decl.history:
        if e.kind != "reply":
            continue
        for meta in (e.data or {}).get("files", []):
            if meta.get("sha256") == sha256:
                path = upload_dir(data_dir) / sha256
                return (meta, path.read_bytes()) if path.is_file() else None
    return None


SYSTEM = Principal(user="system", role="officer")  # the platform acting on an officer's recorded control


def release_if_control_cleared(uow: UnitOfWork, mrn: str) -> bool:
    """Releases a controlled declaration whose last control found no discrepancy once nothing blocks it."""
    decl = service.get(uow, mrn)
    return service.try_release(
        uow, decl, actor=SYSTEM.user, reason="control found no discrepancy and nothing blocks release"
    )
