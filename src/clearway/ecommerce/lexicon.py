"""Which HS chapters a parcel title can belong to: a small lexicon of product nouns.

Two sources, both shipped in ``ecommerce/data``:

- ``hs_terms.csv``: words of the HS nomenclature descriptions (HS 2022, UN Comtrade short texts) with the
  chapters they are used in, built by :func:`build_terms` from ``harmonized-system.csv``; only words that
  point at few chapters are kept;
- ``product_words.csv``: marketplace nouns the nomenclature does not use ("necklace", "kurta", "smartphone",
  "earphone"), written by hand, each with its chapters.

The *head* of a title is the part before " for ", " with ", "compatible", "(" or " - " ("Back Cover for Apple
iPad" → "back cover"); its product noun is the last word of the head found in the lexicon. This is a stand-in
for the HS-suggestion service, good enough to tell that "Lapel Brooch" is not a "lighting chain" and that a
smartphone is not declared as printed matter.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

_WORD = re.compile(r"[a-z]+")
_HEAD_CUT = re.compile(r"\s(?:for|with|compatible|fits|suitable)\s|\(|\s-\s|,|\|")
STOPWORDS = frozenset(
    """a an and or of the for with without in on to by from at as not nor than other others whether their its
    thereof therefor such kind kinds type types used use using put up containing contain made excluding
    including incl n e s nes heading headings subheading chapter parts part accessories article articles
    products product goods similar etc new old set sets pack piece pieces pcs pc combo mens men women womens
    girls boys kids baby unisex solid printed self design designer fashion style stylish cute beautiful
    premium quality high low small large big mini multi multicolor color colour black white red blue green
    yellow pink purple grey gray brown gold golden silver orange beige maroon navy dark light free size
    regular slim fit one two three four five six pair combo""".split()  # noqa: SIM905
)


def stem(word: str) -> str:
    """Reduces an English plural to its singular, roughly ("pendants" → "pendant", "boxes" → "box")."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Returns the stemmed words of a text, lower-cased, letters only."""
    return [stem(w) for w in _WORD.findall(text.lower())]


def head(text: str) -> str:
    """Returns the part of a title that names the product (before "for", "with", "(", " - ")."""
    return _HEAD_CUT.split(" " + text.lower() + " ", maxsplit=1)[0]


@dataclass(frozen=True, slots=True)
class Noun:
    """A product noun and the HS chapters it can be declared in."""

    word: str
    chapters: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    """Product nouns with their chapters; ``common`` are everyday words (a brand made of them is weak)."""

    nouns: dict[str, frozenset[str]]
    common: frozenset[str]
    hand: frozenset[str] = frozenset()  # the hand-written marketplace nouns (strong evidence of the goods)

    def noun(self, title: str) -> Noun | None:
        """Returns the product noun of a title (the last lexicon word of its head), or None."""
        for w in reversed(words(head(title))):
            chapters = self.nouns.get(w)
            if chapters:
                return Noun(w, chapters)
        return None

    def chapters(self, title: str) -> frozenset[str]:
        """Returns the chapters the nouns of a title's head allow (empty when it names none known).

        All the head's nouns count ("kettle … gift box" may be a kettle or a box), so that a product type
        is ruled out only when no word of the title points at it.
        """
        out: set[str] = set()
        for w in words(head(title)):
            out |= self.nouns.get(w, frozenset())
        return frozenset(out)

    def is_common(self, text: str) -> bool:
        """Tells whether every word of a brand is an everyday word ("Moon", "Apple", "Red Moon")."""
        ws = words(text)
        return bool(ws) and all(w in self.common or w in self.nouns for w in ws)


def build_terms(hs_csv: Path, max_chapters: int = 3, min_share: float = 0.6) -> list[tuple[str, str]]:
    """Builds (word, ';'-joined chapters) from the HS nomenclature: words used in few chapters.

    A word is kept when the chapters using it, most used first, reach ``min_share`` of its uses within
    ``max_chapters`` chapters; those chapters are its own.
    """
    uses: dict[str, Counter[str]] = defaultdict(Counter)
    with hs_csv.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            code = row["hscode"]
            if not code[:2].isdigit() or code.startswith(("99", "TOTAL")):
                continue
            for w in set(words(row["description"])):
                if len(w) >= 3 and w not in STOPWORDS:
                    uses[w][code[:2]] += 1
    out: list[tuple[str, str]] = []
    for w, counts in sorted(uses.items()):
        total = sum(counts.values())
        kept, share = [], 0
        for chapter, n in counts.most_common(max_chapters):
            kept.append(chapter)
            share += n
            if share >= min_share * total:
                out.append((w, ";".join(sorted(kept))))
                break
    return out


def write_terms(hs_csv: Path, target: Path) -> int:
    """Writes ``hs_terms.csv`` from the nomenclature file; returns the number of words."""
    terms = build_terms(hs_csv)
    with target.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["word", "chapters"])
        w.writerows(terms)
    return len(terms)


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("clearway.ecommerce").joinpath(f"data/{name}").read_text()
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def shipped() -> Lexicon:
    """Returns the lexicon shipped with Clearway (nomenclature words, then hand-written nouns over them)."""
    nouns: dict[str, frozenset[str]] = {}
    for row in _read("hs_terms.csv"):
        nouns[row["word"]] = frozenset(row["chapters"].split(";"))
    rows = _read("product_words.csv")
    hand: set[str] = set()
    for row in sorted(rows, key=lambda r: " " in r["word"]):  # single words first, phrases fill in
        last = words(row["word"])[-1]
        if " " in row["word"] and last in hand:
            continue
        nouns[last] = frozenset(row["chapters"].split(";"))
        hand.add(last)
    common = frozenset(stem(r["word"]) for r in _read("common_words.csv"))
    return Lexicon(nouns, common | STOPWORDS, frozenset(hand))


# HS sections by chapter range: goods of one section are easily confused with one another.
_SECTIONS = (
    (1, 5),
    (6, 14),
    (15, 15),
    (16, 24),
    (25, 27),
    (28, 38),
    (39, 40),
    (41, 43),
    (44, 46),
    (47, 49),
    (50, 63),
    (64, 67),
    (68, 70),
    (71, 71),
    (72, 83),
    (84, 85),
    (86, 89),
    (90, 92),
    (93, 93),
    (94, 96),
    (97, 99),
)


def section(chapter: str) -> int:
    """Returns the number (1-21) of the HS section a two-digit chapter belongs to, 0 when unknown."""
    if not chapter.isdigit():
        return 0
    n = int(chapter)
    return next((i for i, (lo, hi) in enumerate(_SECTIONS, start=1) if lo <= n <= hi), 0)


def forms(word: str) -> set[str]:
    """Returns the spellings of a noun a title may use (singular and plural)."""
    out = {word, word + "s", word + "es"}
    if word.endswith("y"):
        out.add(word[:-1] + "ies")
    return out


def compatible(declared_hs: str | None, allowed: frozenset[str]) -> bool:
    """Tells whether a declared HS code's chapter is one the title allows (True when either is unknown)."""
    if not declared_hs or not allowed:
        return True
    return declared_hs[:2] in allowed
