"""Answering API clients in their language: ``Accept-Language`` negotiation and the message-catalogue port.

The platform knows no catalogue: a capability that has one (the console's gettext catalogues in es/pt/fr)
provides a ``MessageCatalogue`` port, and the error handlers translate every issue that knows how to translate
itself (the declarations' message catalogue). Codes and pointers never change with the language; English is the
source language and the answer when the client asks for none, or for one no catalogue speaks.

Reasons and notifications are stored as the English sentences the capabilities write from their phrases
(``clearway.core.phrases``); each capability offers its phrases as a ``PhraseSource`` port, ``phrase_book``
gathers them, and a ``Reader`` renders a stored sentence in a language through the catalogue.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.numbers import format_decimal

from clearway.core.issues import Issue
from clearway.core.phrases import Phrase, PhraseBook, Rendering

SOURCE_LANGUAGE = "en"
MAX_TAGS = 20


@runtime_checkable
class MessageCatalogue(Protocol):
    """Translations of the platform's messages into some languages."""

    def languages(self) -> tuple[str, ...]:
        """Returns the languages the catalogue speaks (ISO 639-1), English included."""
        ...

    def gettext(self, lang: str) -> Callable[[str], str]:
        """Returns the translation function of a language."""
        ...


def negotiate(accept_language: str | None, languages: Iterable[str]) -> str | None:
    """Returns the first language of an ``Accept-Language`` header (by quality, then order) that is spoken."""
    spoken = set(languages)
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")[:MAX_TAGS]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in spoken and quality > 0:
            ranked.append((-quality, i, primary))
    return min(ranked)[2] if ranked else None


def localise(issues: Iterable[Issue], gettext: Callable[[str], str]) -> list[Issue]:
    """Returns the issues with their messages translated, where an issue knows its catalogue template."""
    out: list[Issue] = []
    for found in issues:
        translated = getattr(found, "translated", None)
        out.append(Issue(found.code, translated(gettext), found.pointer) if callable(translated) else found)
    return out


def in_language(ports: Any, accept_language: str | None, issues: Iterable[Issue]) -> list[Issue]:
    """Returns issues in the client's language (``Accept-Language``) when a catalogue speaks it, else as they are."""
    for catalogue in ports.all(MessageCatalogue) if accept_language else []:
        lang = negotiate(accept_language, catalogue.languages())
        if lang is not None:
            return list(issues) if lang == SOURCE_LANGUAGE else localise(issues, catalogue.gettext(lang))
    return list(issues)


@runtime_checkable
class PhraseSource(Protocol):
    """The sentences a capability writes into the store (reasons, blockers, notification messages)."""

    def phrases(self) -> tuple[Phrase, ...]:
        """Returns the capability's phrases."""
        ...


def offering(
    source: PhraseSource, ports: Callable[[Any], Sequence[Any]] | None = None
) -> Callable[[Any], Sequence[Any]]:
    """Returns a capability's ``ports`` function that also offers its phrases (``ports=offering(PHRASES, ...)``)."""

    def with_phrases(runtime: Any) -> Sequence[Any]:
        return (*(ports(runtime) if ports is not None else ()), source)

    return with_phrases


_BOOKS: weakref.WeakKeyDictionary[Any, tuple[tuple[int, ...], PhraseBook]] = weakref.WeakKeyDictionary()


def phrase_book(ports: Any) -> PhraseBook:
    """Returns the book of every phrase the capabilities offer (``ports``: the runtime's ``Ports``); one book
    per set of sources, kept while the ports live (it remembers the sentences it has matched)."""
    sources = ports.all(PhraseSource)
    key = tuple(id(s) for s in sources)
    known = _BOOKS.get(ports)
    if known is not None and known[0] == key:
        return known[1]
    book = PhraseBook.of(p for source in sources for p in source.phrases())
    _BOOKS[ports] = (key, book)
    return book


class Reader:
    """Renders stored reasons in one language: the phrase book, the catalogue, the locale's numbers and lists."""

    def __init__(
        self, book: PhraseBook, lang: str, gettext: Callable[[str], str] | None = None, *, locale_name: str = ""
    ) -> None:
        self.book = book
        self.lang = lang
        try:
            locale = Locale.parse(locale_name or lang)
        except (UnknownLocaleError, ValueError):
            locale = Locale.parse(SOURCE_LANGUAGE)
        self.how = Rendering(
            translate=gettext or (lambda s: s),
            number=lambda d: _decimal(d, locale),
            join=lambda items: format_list(list(items), locale=locale) if items else "",
        )

    @classmethod
    def of(cls, ports: Any, lang: str | None) -> Reader:
        """Returns the reader of a language from the runtime's ports (English when no catalogue speaks it)."""
        book = phrase_book(ports)
        for catalogue in ports.all(MessageCatalogue):
            if lang and lang in catalogue.languages():
                return cls(book, lang, catalogue.gettext(lang))
        return cls(book, SOURCE_LANGUAGE)

    def __call__(self, sentence: str | None) -> str:
        """Returns a stored sentence in the reader's language (as written when no phrase matches)."""
        return self.book.render(sentence, self.how)


def _decimal(value: Decimal, locale: Locale) -> str:
    exponent = value.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return str(format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""), locale=locale))


def reader_for(ports: Any, accept_language: str | None) -> Reader:
    """Returns the reader of the first language of an ``Accept-Language`` header a catalogue speaks (English
    when none: the reader's ``lang`` tells which, for ``Content-Language``)."""
    for catalogue in ports.all(MessageCatalogue) if accept_language else []:
        lang = negotiate(accept_language, catalogue.languages())
        if lang is not None:
            return Reader(phrase_book(ports), lang, None if lang == SOURCE_LANGUAGE else catalogue.gettext(lang))
    return Reader(phrase_book(ports), SOURCE_LANGUAGE)


def language_headers(read: Reader) -> dict[str, str]:
    """Returns the headers of an answer whose stored reasons a reader rendered: ``Vary: Accept-Language`` always,
    ``Content-Language`` when not English."""
    headers = {"Vary": "Accept-Language"}
    if read.lang != SOURCE_LANGUAGE:
        headers["Content-Language"] = read.lang
    return headers


def translator(read: Reader) -> Callable[[str | None], str] | None:
    """Returns the reader where it translates, ``None`` for English: the stored sentences are then answered as
    stored, byte for byte (an English rendering would still regroup numbers)."""
    return None if read.lang == SOURCE_LANGUAGE else read
