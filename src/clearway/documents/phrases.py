"""The sentences the documents cross-check writes (discrepancies become risk reasons) and the history's note."""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect

_WORDS = frozenset({"what"})
CURRENCY = Phrase("documents.currency", "invoice currency {found}, declared {declared}")
TOTAL = Phrase("documents.total", "invoice total {found}, declared {declared}")
NUMBER = Phrase("documents.number", "invoice number {found}, declared {declared}")
INCOTERM = Phrase("documents.incoterm", "invoice incoterm {found}, declared {declared}")
LINE_COUNT = Phrase("documents.line_count", "invoice has {lines} line(s), the declaration {items} goods item(s)")
QUANTITY = Phrase("documents.quantity", "invoice line {line} quantity {found}, declared {declared} for item {item}")
GROSS = Phrase("documents.gross", "{what} gross weight {found} kg, declared {declared} kg", words=_WORDS)
NET = Phrase("documents.net", "{what} net weight {found} kg, declared {declared} kg", words=_WORDS)
ORIGIN = Phrase("documents.origin", "{what} states origin {found}, declared {declared} for item {item}", words=_WORDS)
TAX_ID_INVALID = Phrase(
    "documents.tax_id_invalid", "{what}'s {scheme} {number} on the document has a wrong check digit", words=_WORDS
)
PARTY = Phrase("documents.party", "{what}'s {scheme} {number} on the document, declared {declared}", words=_WORDS)
AGREE = Phrase("documents.agree", "documents agree with the declaration")
ATTACHED = Phrase("documents.attached", "{what} {filename} attached", words=_WORDS, free=frozenset({"filename"}))
# the words of the placeholders above
WORDS = tuple(
    Phrase(f"documents.word:{w}", w)
    for w in (
        "invoice",
        "packing list",
        "certificate of origin",
        "seller",
        "buyer",
        "packing-list",
        "certificate-of-origin",
        "transport",
        "other",
    )
)

PHRASES = PhraseSet(collect(globals()) + WORDS)
