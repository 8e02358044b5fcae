"""The sentences the single window writes: routing, agency decisions, release blockers, automated approvals.

What an agency's officer writes (conditions, reasons of a refusal, a request for information) is kept as
written; an agency's name goes through the catalogue (translated where the catalogue names it).
"""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect

_AGENCY = frozenset({"agency"})
APPROVED = Phrase("single_window.approved", "{agency} approved", words=_AGENCY)
APPROVED_WITH = Phrase(
    "single_window.approved_with",
    "{agency} approved with conditions: {conditions}",
    words=_AGENCY,
    free=frozenset({"conditions"}),
)
REFUSED = Phrase("single_window.refused", "{agency} refused: {reasons}", words=_AGENCY, free=frozenset({"reasons"}))
REQUESTS = Phrase(
    "single_window.requests", "{agency} requests information: {message}", words=_AGENCY, free=frozenset({"message"})
)
REQUESTED = Phrase(
    "single_window.requested",
    "{agency} has requested information: {message}",
    words=_AGENCY,
    free=frozenset({"message"}),
)
NOT_APPROVED = Phrase(
    "single_window.not_approved",
    "{agency} has not approved: {needs}",
    words=frozenset({"agency", "needs"}),
    separator="; ",
)
# the name of a document or an inspection, as the agency's requirement names it
NEED_MISSING = Phrase("single_window.need_missing", "{name} missing", free=frozenset({"name"}))
NEED_PENDING = Phrase("single_window.need_pending", "{name} pending", free=frozenset({"name"}))
DECISION_PENDING = Phrase("single_window.decision_pending", "decision pending")
ALL_APPROVED = Phrase("single_window.all_approved", "every agency has approved")
ROUTED = Phrase("single_window.routed", "routed to {agencies}", words=frozenset({"agencies"}))
ROUTED_DECIDED = Phrase(
    "single_window.routed_decided",
    "routed to {agencies}; decided automatically: {decided}",
    words=frozenset({"agencies", "decided"}),
)
SUBMITTED = Phrase("single_window.submitted", "declaration {mrn}")
AUTOMATED = Phrase(
    "single_window.automated",
    "decided automatically in {ms} ms: {why}",
    numbers=frozenset({"ms"}),
    nested=frozenset({"why"}),
)
PRE_APPROVED = Phrase(
    "single_window.pre_approved",
    "importer {importer} is pre-approved: standing {kind} {number} valid to {valid_to}",
    words=frozenset({"kind"}),
)
KINDS = tuple(Phrase(f"single_window.kind_{k}", k) for k in ("licence", "permit", "certificate"))

PHRASES = PhraseSet(collect(globals()) + KINDS)
