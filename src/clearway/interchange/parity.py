"""Parity with UK CDS: what CDS answered to a sample declaration (its notifications) against Clearway's answer.

CDS accepted a declaration when a notification of it is DMSACC (01) or DMSCLE (09); it rejected it when
the only outcome is DMSREJ (03), whose errors point at WCO classes and tags (e.g. 17C/R144). Clearway
agrees when it accepts what CDS accepted, and rejects what CDS rejected with at least one error at the
same class and tag as one of CDS's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from clearway.core.issues import ValidationFailed
from clearway.interchange import wco, xmlsafe

log = logging.getLogger(__name__)

PointerKind = tuple[str, str | None]
_EXPECTED = re.compile(r"Expected Notifications?[^:]*:([^\n]*)", re.IGNORECASE)


@dataclass(frozen=True)
class CdsOutcome:
    """CDS's answer to a declaration: accepted or not, and the class/tag each rejection error points at."""

    accepted: bool
    pointers: frozenset[PointerKind] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Sample:
    """An original declaration (FunctionCode 9) of a sample folder, with what CDS answered to it."""

    path: Path
    outcome: CdsOutcome
    labelled_by: str  # "notifications" (CDS's own messages) or "comment" (the scenario's expected notification)


def _kind(steps: list[wco.PointerStep]) -> PointerKind | None:
    return (steps[-1].section, steps[-1].tag) if steps else None


def kind_of(xml_path: str) -> PointerKind | None:
    """Returns the WCO class and tag a Clearway error's class/tag path points at."""
    return _kind(wco.pointer_steps(xml_path))


def _text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def read_notifications(paths: Iterable[Path]) -> CdsOutcome | None:
    """Reads CDS notifications (RES messages): accepted if any is 01/09, rejected with pointers if only 03."""
    accepted, rejected = False, False
    pointers: set[PointerKind] = set()
    for path in paths:
        try:
            root = xmlsafe.parse(path.read_bytes())
        except ValidationFailed:
            log.warning("notification %s is not readable; skipped", path.name)
            continue
        for response in root.iter("{*}Response"):
            code = (response.findtext("{*}FunctionCode") or "").strip()
            if code in {"01", "09"}:
                accepted = True
            elif code == "03":
                rejected = True
                for error in response.iter("{*}Error"):
                    steps = [
                        (
                            (p.findtext("{*}DocumentSectionCode") or "").strip(),
                            (p.findtext("{*}TagID") or "").strip() or None,
                        )
                        for p in error.iter("{*}Pointer")
                    ]
                    if steps:
                        pointers.add(steps[-1])
    if accepted:
        return CdsOutcome(True)
    if rejected:
        return CdsOutcome(False, frozenset(pointers))
    return None


def _is(body: bytes, type_name: str) -> bool:
    return f"WCOTypeName>{type_name}<".encode() in body


def samples(root: Path) -> list[Sample]:
    """Finds every original declaration under the samples folder that CDS's answer is known for."""
    out: list[Sample] = []
    for folder in sorted(p for p in root.glob("TT_IM*") if p.is_dir()):
        files = sorted(folder.rglob("*.xml"))
        bodies = {f: f.read_bytes() for f in files}
        originals = [f for f, b in bodies.items() if _is(b, "DEC") and b"<FunctionCode>9</FunctionCode>" in b]
        notes = [f for f, b in bodies.items() if _is(b, "RES")]
        outcome = read_notifications(notes) if notes else None
        for original in originals:
            if outcome is not None:
                out.append(Sample(original, outcome, "notifications"))
                continue
            expected = _EXPECTED.search(_text(bodies[original]))
            if expected is None:
                continue
            said = expected.group(1).upper()
            if "DMSACC" in said or "DMSCLE" in said:
                out.append(Sample(original, CdsOutcome(True), "comment"))
            elif "DMSREJ" in said:
                out.append(Sample(original, CdsOutcome(False), "comment"))
    return out


def agrees(outcome: CdsOutcome, accepted: bool, error_paths: Iterable[str]) -> bool:
    """Tells whether Clearway's answer matches CDS's: same outcome and, for a rejection, one same pointer."""
    if outcome.accepted or accepted:
        return outcome.accepted == accepted
    if not outcome.pointers:
        return True  # CDS's expected rejection without its errors: the outcome is all we can compare
    ours = {kind_of(p) for p in error_paths}
    return bool(ours & outcome.pointers)


__all__ = ["CdsOutcome", "Sample", "agrees", "kind_of", "read_notifications", "samples"]
