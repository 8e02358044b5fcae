"""Sentences the platform writes for people (reasons, blockers, notifications), rendered in their language.

A capability declares each sentence it writes once, as a ``Phrase``: a stable code and an English template with
named placeholders (``"party on watchlist '{name}' (severity {severity})"``). The writing code builds the stored
sentence from the phrase (``WATCHLIST(name=..., severity=...)``), so the stored text and the template never
drift. A ``PhraseBook`` holds the phrases of every capability and renders a stored reason into a language: from
its code and parameters, or from the English sentence as stored, matched back to its template.

Placeholders are of four kinds:

* plain: codes, names and numbers, kept as written; those named in ``numbers`` are formatted by the locale;
* nested: the value is itself a stored sentence (a phrase of any capability), rendered in turn;
* free: text a person wrote (an officer's note, an agency's message): kept exactly as written;
* words: a list (stored joined by the phrase's separator), joined again the way the language joins lists; each
  item is rendered like a nested value.

A sentence that matches no phrase is text a person wrote, or older text: it is returned as written. Rendering
produces plain text; whoever shows it as HTML escapes it (the console's templates do).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

_FIELD = re.compile(r"\{(\w+)\}")
# Reasons stored together (a lane's reasons, a release's blockers) are joined by this separator.
LIST_SEPARATOR = "; "
MAX_DEPTH = 4
MEMO = 20_000  # sentences whose phrase a book remembers (stored reasons repeat a lot)

Translate = Callable[[str], str]


def _identity(text: str) -> str:
    return text


def _plain_join(items: Sequence[str]) -> str:
    return ", ".join(items)


@dataclass(frozen=True)
class Phrase:
    """One sentence the platform writes: a stable code and its English template."""

    code: str
    template: str
    nested: frozenset[str] = frozenset()
    free: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    separator: str = ", "  # how the items of a words placeholder are joined in the stored sentence

    def __post_init__(self) -> None:
        names = set(self.fields)
        special = [self.nested, self.free, self.words, self.numbers]
        unknown = set().union(*special) - names
        if unknown:
            raise ValueError(f"phrase {self.code}: no placeholder {sorted(unknown)} in {self.template!r}")
        if len(self.fields) != len(names):
            raise ValueError(f"phrase {self.code}: a placeholder appears twice in {self.template!r}")

    @property
    def fields(self) -> tuple[str, ...]:
        """Returns the placeholders of the template, in order."""
        return tuple(_FIELD.findall(self.template))

    def __call__(self, **params: object) -> str:
        """Returns the English sentence to store (words placeholders take a sequence)."""
        missing = set(self.fields) - set(params)
        if missing:
            raise KeyError(f"phrase {self.code}: missing {sorted(missing)}")
        values = {
            name: self.separator.join(str(v) for v in value)
            if name in self.words and not isinstance(value, str) and isinstance(value, Iterable)
            else str(value)
            for name, value in params.items()
        }
        return substitute(self.template, values)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Returns the regular expression matching a sentence written from this phrase."""
        out, at = [], 0
        for m in _FIELD.finditer(self.template):
            out.append(re.escape(self.template[at : m.start()]))
            out.append(f"(?P<{m[1]}>.*?)")
            at = m.end()
        out.append(re.escape(self.template[at:]))
        return re.compile("".join(out), re.DOTALL)

    @cached_property
    def ends(self) -> tuple[str, str]:
        """Returns the literal text before the first placeholder and after the last (a cheap test first)."""
        parts = _FIELD.split(self.template)
        return (parts[0], parts[-1]) if len(parts) > 1 else (self.template, self.template)

    @cached_property
    def literal(self) -> int:
        """Returns how many characters of the template are not placeholders (more: more specific)."""
        return len(_FIELD.sub("", self.template))

    def parse(self, sentence: str) -> dict[str, str] | None:
        """Returns the placeholder values of a sentence written from this phrase, or None."""
        m = self.pattern.fullmatch(sentence)
        return m.groupdict() if m else None


def substitute(template: str, values: Mapping[str, str]) -> str:
    """Fills the ``{name}`` placeholders of a template (unknown ones are left as they are; no format spec)."""
    return _FIELD.sub(lambda m: values.get(m[1], m[0]), template)


@dataclass(frozen=True)
class Rendering:
    """How to write in a language: its translation function, number formatting and list joining."""

    translate: Translate = _identity
    number: Callable[[Decimal], str] = str
    join: Callable[[Sequence[str]], str] = _plain_join


@dataclass
class PhraseBook:
    """Every phrase of the platform, by code; renders stored reasons into a language."""

    phrases: dict[str, Phrase] = field(default_factory=dict)
    _seen: dict[str, tuple[Phrase, dict[str, str]] | None] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, phrases: Iterable[Phrase]) -> PhraseBook:
        """Returns a book of these phrases; two phrases with one code must be the same phrase."""
        book = cls()
        for p in phrases:
            book.add(p)
        return book

    def add(self, phrase: Phrase) -> None:
        """Adds a phrase (again: no change; another phrase under a taken code: refused)."""
        known = self.phrases.get(phrase.code)
        if known is not None and known != phrase:
            raise ValueError(f"two phrases with the code {phrase.code}")
        self.phrases[phrase.code] = phrase
        self.__dict__.pop("_ordered", None)
        self._seen.clear()

    @cached_property
    def _ordered(self) -> tuple[Phrase, ...]:
        # the most specific template first: "{a} refused: {b}" before "{a}: {b}"
        return tuple(sorted(self.phrases.values(), key=lambda p: (-p.literal, p.code)))

    def templates(self) -> list[str]:
        """Returns every English template (what the catalogues translate)."""
        return sorted({p.template for p in self.phrases.values()})

    def match(self, sentence: str) -> tuple[Phrase, dict[str, str]] | None:
        """Returns the phrase a stored sentence was written from, with its values; None when none matches."""
        if sentence in self._seen:
            return self._seen[sentence]
        found = None
        for p in self._ordered:
            if p.literal == 0:
                continue  # a template of placeholders only would match any sentence
            head, tail = p.ends
            if not (sentence.startswith(head) and sentence.endswith(tail)):
                continue
            values = p.parse(sentence)
            if values is not None:
                found = p, values
                break
        if len(self._seen) >= MEMO:
            self._seen.clear()
        self._seen[sentence] = found
        return found

    def known(self, sentence: str) -> bool:
        """Tells whether a stored sentence (or each part of a list of them) was written from a phrase."""
        if self.match(sentence) is not None:
            return True
        parts = sentence.split(LIST_SEPARATOR)
        return len(parts) > 1 and all(self.match(p) is not None for p in parts)

    def render(self, sentence: str | None, how: Rendering | None = None, *, depth: int = 0) -> str:
        """Returns a stored sentence in the language of ``how``; one no phrase matches stays as written."""
        if not sentence:
            return sentence or ""
        how = how or Rendering()
        parts = sentence.split(LIST_SEPARATOR)
        listed = len(parts) > 1 and depth < MAX_DEPTH
        # several reasons stored together, each its own phrase: each is rendered (before a phrase whose last
        # placeholder would swallow the others)
        if listed and all(self.match(p) is not None for p in parts):
            return LIST_SEPARATOR.join(self.render(p, how, depth=depth + 1) for p in parts)
        found = self.match(sentence)
        if found is not None:
            return self._fill(found[0], found[1], how, depth)
        if listed:
            return LIST_SEPARATOR.join(self.render(p, how, depth=depth + 1) for p in parts)
        return sentence

    def render_code(self, code: str, params: Mapping[str, object], how: Rendering | None = None) -> str:
        """Returns the sentence of a phrase code with its parameters in the language of ``how``."""
        phrase = self.phrases[code]
        how = how or Rendering()
        values = {
            k: phrase.separator.join(map(str, v)) if k in phrase.words and isinstance(v, list | tuple) else str(v)
            for k, v in params.items()
        }
        return self._fill(phrase, values, how, 0)

    def _fill(self, phrase: Phrase, values: Mapping[str, str], how: Rendering, depth: int) -> str:
        out: dict[str, str] = {}
        for name, value in values.items():
            if name in phrase.free:
                out[name] = value
            elif name in phrase.nested:
                out[name] = self.render(value, how, depth=depth + 1) if depth < MAX_DEPTH else value
            elif name in phrase.words:
                items = [i for i in value.split(phrase.separator) if i]
                out[name] = how.join([self._word(i, how, depth) for i in items])
            elif name in phrase.numbers:
                out[name] = _number(value, how)
            else:
                out[name] = value
        translated = how.translate(phrase.template)
        if set(_FIELD.findall(translated)) != set(phrase.fields):
            translated = phrase.template  # a translation that lost or invented a placeholder is not used
        return substitute(translated, out)

    def _word(self, item: str, how: Rendering, depth: int) -> str:
        if depth < MAX_DEPTH and self.match(item) is not None:
            return self.render(item, how, depth=depth + 1)
        return how.translate(item)


def _number(value: str, how: Rendering) -> str:
    try:
        num = Decimal(value)
    except InvalidOperation:
        return value
    return how.number(num) if num.is_finite() else value


@dataclass(frozen=True)
class PhraseSet:
    """The phrases of one capability, as the port it offers the platform (``platform.i18n.PhraseSource``)."""

    items: tuple[Phrase, ...]

    def phrases(self) -> tuple[Phrase, ...]:
        """Returns the capability's phrases."""
        return self.items


def collect(namespace: Mapping[str, object]) -> tuple[Phrase, ...]:
    """Returns every ``Phrase`` of a module's namespace (``collect(globals())``), in order of definition."""
    return tuple(v for v in namespace.values() if isinstance(v, Phrase))
