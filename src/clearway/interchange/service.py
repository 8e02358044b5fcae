"""Use cases of the interchange: read WCO DM declarations, and answer with WCO DM notifications."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from clearway.core.codes import Nomenclature
from clearway.core.ids import CheckDigits
from clearway.core.issues import DomainError, Issue
from clearway.declarations import service as declarations_service
from clearway.declarations.model import Declaration, DeclarationData
from clearway.interchange import mapping, responses
from clearway.interchange.responses import DeclarationRef, ResponseMessage
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)


class _Lodging:
    """What the renderer needs to know about the XML being lodged: its LRN and field sources."""

    def __init__(self, lrn: str | None = None, sources: dict[str, str] | None = None) -> None:
        self.lrn = lrn
        self.sources = sources or {}


_CURRENT: contextvars.ContextVar[_Lodging | None] = contextvars.ContextVar("interchange_lodging", default=None)

# History status → DMS notification function code. Detention (52) has no DMS code: it is a control (05).
_STATUS_CODES = {
    "01": responses.ACCEPTED,
    "05": responses.CONTROL,
    "06": responses.DOCUMENTS,
    "07": responses.AMENDED,
    "08": responses.RELEASED,
    "09": responses.CLEARED,
    "10": responses.INVALIDATED,
    "52": responses.CONTROL,
}


def parse_declaration(
    body: bytes, *, today: date, nomenclature: Nomenclature | None = None, party_ids: CheckDigits = "off"
) -> DeclarationData:
    """Parses a WCO DM declaration for lodging, remembering its field sources to answer with XML pointers.

    ``party_ids="refuse"`` lists party ids with a wrong check digit among the other errors (lodging warns).
    """
    state = _Lodging()
    _CURRENT.set(state)
    data, sources = mapping.parse(body, today=today, nomenclature=nomenclature, party_ids=party_ids)
    state.lrn, state.sources = data.lrn, sources
    return data


def xml_issues(issues: list[Issue]) -> list[Issue]:
    """Rewrites the issues of the lodgement in progress with WCO class/tag paths instead of JSON pointers."""
    state = _CURRENT.get()
    sources = state.sources if state else {}
    out = []
    for issue in issues:
        p = issue.pointer
        is_xml = len(p) > 1 and p[1:2].isupper()
        out.append(
            issue if is_xml or p in {"", "/"} else Issue(issue.code, issue.message, mapping.to_xml_pointer(p, sources))
        )
    return out


def current_lrn() -> str | None:
    """Returns the LRN of the XML declaration being lodged, when it was readable."""
    state = _CURRENT.get()
    return state.lrn if state else None


def _assessment(uow: UnitOfWork, mrn: str) -> Mapping[str, Any] | None:
    """Returns the tariff capability's assessment of the declaration, when it is installed and has one."""
    try:
        from clearway.tariff import service as tariff_service
    except ImportError:
        return None
    get = getattr(tariff_service, "get_assessment", None)
    describe = getattr(tariff_service, "assessment_as_dict", None)
    if get is None or describe is None:
        return None
    try:
        found = get(uow, mrn)
    except DomainError:
        return None
    if found is None:
        return None
    doc = describe(found)
    return doc if isinstance(doc, Mapping) else None


def _when(value: Any, default: datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return default
    return default


def messages(
    decl: Declaration, entries: list[dict[str, Any]], assessment: Mapping[str, Any] | None
) -> list[ResponseMessage]:
    """Turns a declaration's notifications (and its assessment) into DMS response messages, oldest first."""
    ref = DeclarationRef(decl.data.lrn, decl.mrn, decl.version)
    out: list[ResponseMessage] = []
    for e in entries:
        status = e.get("status")
        code = responses.RECEIVED if e["kind"] == "received" else _STATUS_CODES.get(status or "")
        if code is None:
            continue
        msg = ResponseMessage(code, f"{decl.mrn}-{e['id']}", e["at"], ref)
        if code in {responses.CONTROL, responses.DOCUMENTS, responses.AMENDED, responses.INVALIDATED}:
            msg.statements.append(str(e.get("message") or ""))
        if code == responses.RELEASED:
            msg.released_at = e["at"]
        out.append(msg)
        if code == responses.ACCEPTED and assessment is not None:
            taxes, total = responses.tax_lines(assessment)
            if taxes:
                at = _when(assessment.get("assessed_at"), e["at"])
                out.append(
                    ResponseMessage(responses.TAX, f"{decl.mrn}-{e['id']}-T", at, ref, taxes=taxes, total_due=total)
                )
    return out


def notifications_xml(uow: UnitOfWork, mrn: str, principal: Principal, *, country: str) -> bytes:
    """Returns a declaration's notifications as one WCO DM response document (404 for others' declarations)."""
    decl = declarations_service.get_visible(uow, mrn, principal)
    entries = declarations_service.notifications(uow, decl.mrn, principal)
    return responses.document(messages(decl, entries, _assessment(uow, decl.mrn)), country=country)


def accepted_xml(decl: Declaration, *, country: str) -> bytes:
    """Returns the acceptance notification (01) of a lodged declaration, with its MRN."""
    at = decl.accepted_at or decl.lodged_at
    ref = DeclarationRef(decl.data.lrn, decl.mrn, decl.version)
    return responses.document([ResponseMessage(responses.ACCEPTED, f"{decl.mrn}-ACC", at, ref)], country=country)


def amended_xml(decl: Declaration, kind: str, reason: str, *, at: datetime, country: str) -> bytes:
    """Returns the answer to an amendment (07 amended) or a cancellation request (10 invalidated)."""
    code = responses.INVALIDATED if kind == "INV" else responses.AMENDED
    ref = DeclarationRef(decl.data.lrn, decl.mrn, decl.version)
    msg = ResponseMessage(code, f"{decl.mrn}-{kind}-{decl.version}", at, ref, statements=[reason])
    return responses.document([msg], country=country)


def rejected_xml(issues: list[Issue], *, at: datetime, country: str) -> bytes:
    """Returns the rejection notification (03) with every error and its pointer."""
    lrn = current_lrn()
    msg = ResponseMessage(responses.REJECTED, f"REJ-{at:%Y%m%d%H%M%S%f}", at, DeclarationRef(lrn), errors=issues)
    return responses.document([msg], country=country)


def preview(body: bytes, *, today: date) -> tuple[DeclarationData, dict[str, str]]:
    """Maps a WCO DM declaration without lodging it: the declaration and how each derived field was derived."""
    data, _sources = mapping.parse(body, today=today)
    derived: dict[str, str] = data.extensions.get(mapping.EXTENSION_KEY, {}).get("derived", {})
    return data, derived


__all__ = ["accepted_xml", "notifications_xml", "parse_declaration", "preview", "rejected_xml"]
