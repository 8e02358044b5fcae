"""The sentence the HS check writes when a description does not support the declared code (a risk reason)."""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect

# the title is the nomenclature's own words: kept as written
DISAGREES = Phrase(
    "classification.disagrees",
    "item {item}: declared {declared} but the description suggests {suggested} ({title})",
    free=frozenset({"title"}),
)

PHRASES = PhraseSet(collect(globals()))
