"""The sentences the supply-chain ledger writes: product checks and AEO standing (risk reasons, history)."""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect

_PROBLEM = frozenset({"problem"})  # a verification problem, as the verifier words it
PASSPORT_INVALID = Phrase(
    "ledger.passport_invalid", "product passport {id} fails verification: {problem}", free=_PROBLEM
)
NO_PASSPORT = Phrase("ledger.no_passport", "no product passport is known for {product}")
HS_MISMATCH = Phrase("ledger.hs_mismatch", "declared under {declared} but the passport says HS {hs}")
ORIGIN_MISMATCH = Phrase("ledger.origin_mismatch", "declared origin {declared} but the passport says made in {country}")
DESCRIPTION_MISMATCH = Phrase(
    "ledger.description_mismatch",
    "'{description}' does not match the passport's '{name}'",
    free=frozenset({"description", "name"}),
)
EVENT_INVALID = Phrase("ledger.event_invalid", "traceability event {id} fails verification: {problem}", free=_PROBLEM)
EVENT_TIME = Phrase("ledger.event_time", "traceability event {id} has no readable eventTime")
NO_TRACEABILITY = Phrase(
    "ledger.no_traceability", "no traceability events link the brand owner {holder} to the importer"
)
CUSTODY_GAP = Phrase(
    "ledger.custody_gap", "event of {at} hands the goods over from {src}, but they were last with {holder}"
)
CHAIN_INCOMPLETE = Phrase(
    "ledger.chain_incomplete", "the chain of custody ends with {holder}, not the importer {importer}"
)
FLAGGED = Phrase("ledger.flagged", "product check: {flags}", nested=frozenset({"flags"}))
FLAG = Phrase("ledger.flag", "item {item} {product}: {code}")
VERIFIED = Phrase("ledger.verified", "{checked} product identifier(s) match their passports and chain of custody")
COUNTERFEIT = Phrase(
    "ledger.counterfeit", "counterfeit check, item {item} {product}: {message} ({code})", nested=frozenset({"message"})
)
AEO_UNRECOGNISED = Phrase(
    "ledger.aeo_unrecognised", "AEO of {country} not recognised: {basis}", nested=frozenset({"basis"})
)
AEO_NATIONAL = Phrase("ledger.aeo_national", "AEO (national programme)")
AEO_MRA = Phrase("ledger.aeo_mra", "AEO ({country}, under MRA)")
AEO_STATUS_NATIONAL = Phrase(
    "ledger.aeo_status_national",
    "AEO status of {trader} (national programme) {status} since {since}",
    words=frozenset({"status"}),
)
AEO_STATUS_MRA = Phrase(
    "ledger.aeo_status_mra",
    "AEO status of {trader} ({country}, under MRA) {status} since {since}",
    words=frozenset({"status"}),
)
STATUSES = tuple(Phrase(f"ledger.status_{s}", s) for s in ("suspended", "revoked", "granted"))
# On what an AEO status is recognised, or why not (``aeo.aeo_status``; the basis of AEO_UNRECOGNISED).
BASIS_NATIONAL = Phrase("ledger.basis_national", "national AEO programme")
BASIS_MRA = Phrase("ledger.basis_mra", "mutual recognition arrangement with {country} since {since}")
BASIS_NO_MRA = Phrase("ledger.basis_no_mra", "no mutual recognition arrangement with {country} in force on {day}")
# The problems the log's verification finds (``log.verify_all``; ``clearway ledger verify`` prints them).
ALTERED = Phrase(
    "ledger.altered", "entry {idx} ({kind} {ref}) was altered: its content no longer matches its leaf hash"
)
UNSIGNED_ENTRY = Phrase("ledger.unsigned_entry", "entry {idx} ({kind} {ref}) carries no valid signature of a known key")
HEAD_MISMATCH = Phrase(
    "ledger.head_mismatch", "signed tree head {size} no longer matches the entries (changed at or after entry {bound})"
)
UNSIGNED_HEAD = Phrase("ledger.unsigned_head", "tree head {size} has no valid signature")
SUBTREE = Phrase("ledger.subtree", "stored subtree ({level}, {index}) differs from the hash of its entries")

PHRASES = PhraseSet(collect(globals()) + STATUSES)
