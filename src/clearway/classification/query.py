"""A product description as the ranker reads it: folded, stemmed words without stop words, translated from
Spanish/Portuguese/French and expanded from shop words to nomenclature wording with the lexicon, and the head
noun (the product type) boosted. No I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from clearway.classification.lexicon import EXPAND, PHRASES, TRANSLATE

_STOP = {
    "and",
    "or",
    "of",
    "the",
    "for",
    "with",
    "a",
    "an",
    "in",
    "on",
    "to",
    "by",
    "de",
    "la",
    "el",
    "los",
    "las",
    "y",
    "con",
    "para",
    "en",
    "do",
    "da",
    "dos",
    "das",
    "e",
    "com",
    "le",
    "les",
    "des",
    "du",
    "et",
    "avec",
    "pour",
    "other",
    "n",
    "c",
    "nes",
    "than",
    "not",
    "whether",
    "this",
    "such",
    "their",
    "thereof",
    "parts",
    "heading",
    "chapter",
    "excluding",
    "including",
    "etc",
    "kg",
    "cm",
    "mm",
    "ml",
    "gb",
}


def fold(text: str) -> str:
    """Lower-cases and strips accents."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def stem(word: str) -> str:
    """A light English plural stemmer (enough for 'shirts'/'shirt', 'watches'/'watch', 'babies'/'baby')."""
    w = word.strip("'")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """Splits a text into folded, stemmed words without stop words or bare numbers."""
    return list(_tokens(text))


@lru_cache(maxsize=20_000)
def _tokens(text: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z][a-z'\-]*[a-z]|[a-z]", fold(text))
    return tuple(stem(w) for w in words if w not in _STOP and len(w) > 1)


@dataclass(frozen=True)
class Query:
    """A description as the ranker reads it: its words, what the lexicon added, and the product-type words.

    ``boost`` repeats the head noun (the product type, usually the last word before "for…": "Laptop *Backpack*",
    "Back *Cover* for iPad") and its expansion, so that it outweighs the words that only qualify it.
    """

    text: str
    words: list[str]
    signals: list[str]
    boost: list[str] = field(default_factory=list)


# What follows "for" names the user or the device it fits ("Cover for iPad", "Watch for Men"): kept as words,
# never expanded (an iPad is not the goods), except the audience, which decides garment headings.
_FOR = re.compile(r"\s(?:for|para|pour|pra)\s")
_AUDIENCE = {"men", "women", "man", "woman", "boy", "girl", "baby", "kid", "infant", "unisex", "hombre", "mujer"}
# Words that close a title without naming the goods ("Plant Container *Set*", "Deodorant *Combo*").
_NOT_HEAD = {"set", "combo", "kit", "pack", "piece", "pair", "size", "new", "pcs", "inch", "edition", "series"}
HEAD_REPEAT = 1
_PHRASE_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b")


def _translate(raw: str) -> tuple[list[str], int]:
    words: list[str] = []
    translated = 0
    for w in re.findall(r"[a-z][a-z'\-]*[a-z]|[a-z]", raw):
        key = w if w in TRANSLATE else w[:-1] if w.endswith("s") and w[:-1] in TRANSLATE else None
        if key is not None and TRANSLATE[key] != w:
            translated += 1
            words.append(TRANSLATE[key])
        else:
            words.append(w)
    return words, translated


def _expansion(word: str) -> list[str]:
    extra = EXPAND.get(word) or EXPAND.get(stem(word))
    return extra.split() if extra else []


_MARKS = "abcdefghij"


def _unmark(word: str, found: list[str]) -> list[str]:
    if word.startswith("phrase") and len(word) == 7 and word[6] in _MARKS and _MARKS.index(word[6]) < len(found):
        return found[_MARKS.index(word[6])].split()
    return [word]


def _head(words: list[str]) -> str | None:
    for w in reversed(words):
        t = tokens(w)
        if t and len(t[-1]) > 2 and t[-1] not in _NOT_HEAD and t[-1] not in _AUDIENCE:
            return w
    return None


def prepare(description: str, category: str | None = None) -> Query:
    """Translates and expands a description (and its marketplace category, when given)."""
    raw = fold(description)
    signals: list[str] = []
    translated = 0
    # A shop phrase becomes one placeholder word ("phrasea") until the head is chosen, then its wording.
    found: list[str] = []

    def _mark(m: re.Match[str]) -> str:
        found.append(PHRASES[m.group(0)])
        return f" phrase{_MARKS[len(found) - 1]} " if len(found) <= len(_MARKS) else PHRASES[m.group(0)]

    raw = _PHRASE_RE.sub(_mark, raw)
    first = re.match(r"\s*([a-z][a-z'\-]*)", raw)
    # Spanish, Portuguese and French put the goods first ("camiseta de algodón"): a translated first word is the head.
    native_head = TRANSLATE.get(first.group(1)) if first else None
    for phrase, english in TRANSLATE.items():
        if " " in phrase and phrase in raw:
            raw = raw.replace(phrase, english)
            translated += 1
    cut = _FOR.search(f" {raw} ")
    main, tail = (raw[: cut.start()], raw[cut.end() - 1 :]) if cut and cut.start() > 0 else (raw, "")
    words, n_main = _translate(main)
    tail_words, n_tail = _translate(tail)
    translated += n_main + n_tail
    if translated:
        signals.append(f"translated {translated} word(s) to English")
    expanded: list[str] = []
    for w in " ".join(words).split():
        expanded.append(w)
        expanded.extend(_expansion(w))
    for w in " ".join(tail_words).split():
        expanded.append(w)
        if stem(w) in _AUDIENCE:
            expanded.extend(_expansion(w))
    if found or len(expanded) > len(words) + len(tail_words):
        signals.append("shop words mapped to nomenclature wording")
    boost: list[str] = []
    head = native_head.split()[0] if native_head else _head(" ".join(words).split())
    if head is not None and head.startswith("phrase") and head[6:] in _MARKS:
        boost = list(dict.fromkeys(tokens(found[_MARKS.index(head[6:])]))) * HEAD_REPEAT
    elif head is not None:
        boost = list(dict.fromkeys(t for w in [head, *_expansion(head)] for t in tokens(w))) * HEAD_REPEAT
    expanded = [x for w in expanded for x in _unmark(w, found)]
    if category:
        cat_words = [c for part in category.split(">>")[:3] for c in part.split()]
        for w in cat_words:
            extra = EXPAND.get(fold(w)) or EXPAND.get(stem(fold(w)))
            expanded.extend([fold(w), *(extra.split() if extra else [])])
        signals.append("marketplace category used")
    # Each word counts once: an expansion repeating "footwear" must not outweigh the material.
    unique = list(dict.fromkeys(t for w in expanded for t in tokens(w)))
    return Query(description, unique, signals, boost)
