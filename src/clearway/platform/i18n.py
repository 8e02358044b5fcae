"""Answering API clients in their language: ``Accept-Language`` negotiation and the message-catalogue port.

The platform knows no catalogue: a capability that has one (the console's gettext catalogues in es/pt/fr)
provides a ``MessageCatalogue`` port, and the error handlers translate every issue that knows how to translate
itself (the declarations' message catalogue). Codes and pointers never change with the language; English is the
source language and the answer when the client asks for none, or for one no catalogue speaks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from clearway.core.issues import Issue

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
