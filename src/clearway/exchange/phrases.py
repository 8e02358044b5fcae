"""The sentences regional cooperation writes: mirror gaps (risk reasons, history) and refused deliveries."""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect

MIRRORED = Phrase(
    "exchange.mirrored",
    "mirror match with export {mrn} of {country} by {basis}: {facts}",
    words=frozenset({"basis"}),
    nested=frozenset({"facts"}),
)
NO_GAP = Phrase("exchange.no_gap", "no gap")
CURRENCY_DIFFERS = Phrase(
    "exchange.currency_differs",
    "exported from {partner} in {exported}, imported in {imported}: values not compared (no official rate for "
    "{missing})",
)
VALUE_GAP = Phrase(
    "exchange.value_gap",
    "exported from {partner} at {e_value} {e_currency} {e_terms}, imported at {i_value} {i_currency} {i_terms}: "
    "{share}",
)
VALUE_GAP_FOB = Phrase(
    "exchange.value_gap_fob",
    "exported from {partner} at {e_value} {e_currency} {e_terms}, imported at {i_value} {i_currency} {i_terms}: "
    "{share} (FOB-equivalent {e_fob} vs {i_fob})",
)
VALUE_GAP_RATES = Phrase(
    "exchange.value_gap_rates",
    "exported from {partner} at {e_value} {e_currency} {e_terms}, imported at {i_value} {i_currency} {i_terms}: "
    "{share} (FOB-equivalent {e_fob} vs {i_fob} at {rates})",
)
QUANTITY_GAP = Phrase(
    "exchange.quantity_gap", "quantity exported from {partner} {exported}, imported {imported}: {share}"
)
MASS_GAP = Phrase("exchange.mass_gap", "net mass exported from {partner} {exported}, imported {imported}: {share}")
HS_MISMATCH = Phrase("exchange.hs_mismatch", "exported from {partner} under HS {exported}, imported under {imported}")
ORIGIN_MISMATCH = Phrase("exchange.origin_mismatch", "origin declared in {partner}: {exported}; here: {imported}")
REPLAYED = Phrase("exchange.replayed", "message {message} from {country} was already received: not processed again")
REPLAYED_AT = Phrase(
    "exchange.replayed_at", "message {message} from {country} was already received at {at}: not processed again"
)
REFUSED = Phrase(
    "exchange.refused", "refused by {country}: HTTP {status} {code}: {message}", free=frozenset({"message"})
)
BASES = tuple(Phrase(f"exchange.basis:{b}", b) for b in ("ucr", "transport document", "parties hs dates"))

PHRASES = PhraseSet(collect(globals()) + BASES)
