"""WCO DM amendments (FunctionCode 13, TypeCode COR) and cancellation requests (INV) of lodged declarations.

A DMS amendment carries only the data elements that change (with Amendment pointers saying where): they
are laid over the declaration's original XML, which is then mapped and validated like a new lodgement.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from clearway.core.codes import Nomenclature
from clearway.core.ids import CheckDigits
from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations import service as declarations_service
from clearway.declarations.model import Decision, Declaration
from clearway.interchange import mapping, xmlsafe
from clearway.interchange.xmlnode import Node
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

# Elements of an amendment message that describe the message itself, not the declaration's data.
_ENVELOPE = frozenset({"FunctionCode", "FunctionalReferenceID", "ID", "TypeCode", "AdditionalInformation", "Amendment"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


# Classes without a SequenceNumeric that are told apart by what they identify (a document by its type and ID).
_KEYED = frozenset({"AdditionalDocument", "PreviousDocument", "AuthorisationHolder", "AdditionalInformation"})
_KEY_TAGS = ("CategoryCode", "TypeCode", "ID", "StatementCode")


def _key(el: etree._Element) -> tuple[str, ...]:
    values = {xmlsafe.local(c): (c.text or "").strip() for c in el if isinstance(c.tag, str)}
    return tuple(values.get(tag, "") for tag in _KEY_TAGS)


def _sequence(el: etree._Element) -> str | None:
    for child in el:
        if isinstance(child.tag, str) and xmlsafe.local(child) == "SequenceNumeric":
            return (child.text or "").strip()
    return None


def overlay(target: etree._Element, changes: etree._Element) -> None:
    """Lays the changed elements over the original: classes matched by name and SequenceNumeric, values replaced."""
    for change in changes:
        if not isinstance(change.tag, str):
            continue
        name = xmlsafe.local(change)
        candidates = [c for c in target if isinstance(c.tag, str) and xmlsafe.local(c) == name]
        sequence = _sequence(change)
        if sequence is not None:
            candidates = [c for c in candidates if _sequence(c) == sequence]
        elif name in _KEYED:
            key = _key(change)
            candidates = [c for c in candidates if _key(c) == key]
        if len(candidates) != 1:
            target.append(copy.deepcopy(change))  # a new class occurrence
            continue
        match = candidates[0]
        if any(isinstance(c.tag, str) for c in change):
            overlay(match, change)
        else:
            match.text = change.text
            match.attrib.clear()
            match.attrib.update(change.attrib)


def _reason(decl: Node, default: str) -> str:
    return decl.text("AdditionalInformation/StatementDescription") or default


def _original(existing: Declaration) -> etree._Element:
    kept = existing.data.extensions.get(mapping.EXTENSION_KEY, {}).get("xml")
    if not isinstance(kept, str):
        raise ValidationFailed(
            [
                Issue(
                    "NOT_LODGED_AS_XML",
                    f"declaration {existing.mrn} was not lodged as WCO DM XML; "
                    "amend it with the JSON amendment endpoint",
                    "/Declaration/ID",
                )
            ]
        )
    return xmlsafe.parse(_XML_DECLARATION.sub("", kept, count=1).encode("utf-8"))


def apply(
    uow: UnitOfWork, body: bytes, *, principal: Principal, nomenclature: Nomenclature, party_ids: CheckDigits = "warn"
) -> tuple[Declaration, str, str]:
    """Applies an amendment (COR) or cancellation request (INV); returns the declaration, its kind and reason."""
    message = mapping.find_declaration(xmlsafe.parse(body))
    kind = (message.text("TypeCode") or "").upper()
    if message.text("FunctionCode") != "13" or kind not in {"COR", "INV"}:
        raise ValidationFailed(
            [
                Issue(
                    "FUNCTION_CODE",
                    "send an amendment (FunctionCode 13, TypeCode COR) or a cancellation request (TypeCode INV); "
                    "lodge new declarations on POST /api/v1/declarations",
                    "/Declaration/TypeCode",
                )
            ]
        )
    mrn = message.text("ID")
    if mrn is None:
        raise ValidationFailed([Issue("REQUIRED", "the MRN of the declaration (ID) is required", "/Declaration/ID")])
    existing = declarations_service.get_visible(uow, mrn, principal)
    if kind == "INV":
        reason = _reason(message, "cancellation requested by the declarant")
        declarations_service.decide(uow, existing.mrn, Decision.INVALIDATE, principal=principal, reason=reason)
        return existing, kind, reason
    root = _original(existing)
    original = mapping.find_declaration(root)
    overlay(original.el, _data_only(message.el))
    merged: bytes = etree.tostring(root)
    data, sources = mapping.parse(merged, today=existing.data.consignment.arrival_date)
    reason = _reason(message, "amended by the declarant")
    kept = data.extensions[mapping.EXTENSION_KEY]
    earlier = existing.data.extensions.get(mapping.EXTENSION_KEY, {}).get("amendments", [])
    kept["amendments"] = [*earlier, body.decode(message.el.getroottree().docinfo.encoding or "utf-8", "replace")]
    try:
        decl = declarations_service.amend(
            uow,
            existing.mrn,
            data,
            principal=principal,
            reason=reason,
            nomenclature=nomenclature,
            party_ids=party_ids,
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            [
                Issue(i.code, i.message, mapping.to_xml_pointer(i.pointer.removeprefix("/declaration"), sources))
                for i in exc.issues
            ]
        ) from None
    return decl, kind, reason


def _data_only(decl: etree._Element) -> etree._Element:
    """Returns a copy of the message's Declaration without its envelope elements (ID, TypeCode, Amendment…)."""
    out = copy.deepcopy(decl)
    for child in list(out):
        if not isinstance(child.tag, str) or xmlsafe.local(child) in _ENVELOPE:
            out.remove(child)
    return out
