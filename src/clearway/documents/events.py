"""Events the documents capability publishes: values (MRN, ids, facts), never live aggregates."""

from __future__ import annotations

from dataclasses import dataclass

from clearway.core.events import Event


@dataclass(frozen=True)
class DocumentAttached(Event):
    """A supporting document was stored with a declaration."""

    mrn: str = ""
    document_id: str = ""
    document_type: str = ""
    sha256: str = ""


@dataclass(frozen=True)
class DocumentsChecked(Event):
    """The declaration was compared with its documents; ``facts`` are what the risk engine may read."""

    mrn: str = ""
    facts: tuple[str, ...] = ()
    discrepancies: int = 0
    messages: tuple[str, ...] = ()
