"""Languages of the console: gettext catalogues (Babel), the user's language, and locale formatting.

The catalogues are the ``.po`` files under ``console/locale``; they are compiled in memory the first time a
language is used, so a fresh clone needs no build step. English is the source language. A user's language
is, in order: the preference stored for the user, the ``clearway_lang`` cookie, the browser's
``Accept-Language``, then ``CLEARWAY_CONSOLE_LANGUAGE`` (``es`` by default, for the Peruvian demo).

Times are shown in the office's time zone (``OFFICE_TIMEZONES``, overridable with
``CLEARWAY_OFFICE_TIMEZONES="PECLL=America/Lima,BRSSZ=America/Sao_Paulo"``); codes (status, lane, HS,
procedure) stay the same in every language.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

from clearway.platform import i18n as platform_i18n

LANGUAGES: tuple[str, ...] = ("es", "pt", "fr", "en")
LANGUAGE_NAMES = {"es": "Español", "pt": "Português", "fr": "Français", "en": "English"}
# Formatting locale of each language: regional conventions of the administrations Clearway is demoed for.
FORMAT_LOCALES = {"es": "es_PE", "pt": "pt_BR", "fr": "fr_FR", "en": "en_US"}
LANG_COOKIE = "clearway_lang"
DEFAULT_TIMEZONE = "America/Lima"
OFFICE_TIMEZONES: dict[str, str] = {
    "PECLL": "America/Lima",
    "PELIM": "America/Lima",
    "PEPAI": "America/Lima",
    "BRSSZ": "America/Sao_Paulo",
    "FRLEH": "Europe/Paris",
}
COUNTRY_TIMEZONES = {"PE": "America/Lima", "BR": "America/Sao_Paulo", "FR": "Europe/Paris", "CL": "America/Santiago"}


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (it is translated where it is shown)."""
    return message


def default_language() -> str:
    """Returns the language used when neither the user nor the browser names one we have."""
    lang = os.environ.get("CLEARWAY_CONSOLE_LANGUAGE", "es")
    return lang if lang in LANGUAGES else "es"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> _gettext.NullTranslations:
    """Returns the compiled catalogue of a language (English, the source language, translates to itself)."""
    if lang not in LANGUAGES or lang == "en":
        return _gettext.NullTranslations()
    po = resources.files("clearway.console").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf)


def office_timezones() -> dict[str, str]:
    """Returns the office → time zone map, with the overrides of ``CLEARWAY_OFFICE_TIMEZONES``."""
    out = dict(OFFICE_TIMEZONES)
    for pair in os.environ.get("CLEARWAY_OFFICE_TIMEZONES", "").split(","):
        office, _, zone = pair.partition("=")
        if office.strip() and zone.strip():
            out[office.strip().upper()] = zone.strip()
    return out


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def timezone_of(office: str | None) -> ZoneInfo:
    """Returns the time zone of a customs office (by its code, else its country), Lima by default."""
    code = (office or "").upper()
    zones = office_timezones()
    name = zones.get(code) or COUNTRY_TIMEZONES.get(code[:2]) or DEFAULT_TIMEZONE
    return _zone(name)


def negotiate(accept_language: str | None) -> str | None:
    """Returns the first language of an ``Accept-Language`` header that the console speaks, or None."""
    return platform_i18n.negotiate(accept_language, LANGUAGES)


class Catalogue:
    """The console's gettext catalogues as the platform's ``MessageCatalogue`` port: API clients get validation
    messages in their language too."""

    def languages(self) -> tuple[str, ...]:
        """Returns the languages the catalogues speak."""
        return LANGUAGES

    def gettext(self, lang: str) -> Callable[[str], str]:
        """Returns the translation function of a language."""
        return translations(lang).gettext


@dataclass(frozen=True)
class Localizer:
    """One request's language, formatting locale and time zone."""

    lang: str
    tz: ZoneInfo

    @property
    def locale(self) -> Locale:
        """Returns the Babel locale used for dates and numbers."""
        return Locale.parse(FORMAT_LOCALES[self.lang])

    def gettext(self, message: str) -> str:
        """Translates a message."""
        return translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translates a message with a count."""
        return translations(self.lang).ngettext(singular, plural, n)

    def format_datetime(self, value: datetime | None) -> str:
        """Formats an instant as date and time in the office's time zone."""
        if value is None:
            return "—"
        local = (value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))).astimezone(self.tz)
        return f"{format_date(local, 'medium', locale=self.locale)} {format_time(local, 'HH:mm', locale=self.locale)}"

    def format_time(self, value: datetime) -> str:
        """Formats the time of day of an instant in the office's time zone."""
        local = (value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))).astimezone(self.tz)
        return format_time(local, "HH:mm", locale=self.locale)

    def format_date(self, value: date | str | None) -> str:
        """Formats a calendar date (a date, or an ISO date string)."""
        if value in (None, ""):
            return "—"
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value[:10])
            except ValueError:
                return str(value)
        return str(format_date(value, "medium", locale=self.locale))

    def number(self, value: Decimal | int | float | str | None, digits: int | None = None) -> str:
        """Formats a number with the locale's separators."""
        if value in (None, ""):
            return "—"
        try:
            num = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if digits is not None:
            return format_decimal(num, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=self.locale)
        return format_decimal(num, locale=self.locale)

    def money(self, value: Decimal | int | float | str | None, currency: str | None = None) -> str:
        """Formats an amount with its currency (symbol and digits as the locale writes them)."""
        if value in (None, ""):
            return "—"
        try:
            num = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if not currency:
            return format_decimal(num, format="#,##0.00", locale=self.locale)
        return format_currency(num, currency.upper(), locale=self.locale)

    def zone_label(self) -> str:
        """Names the time zone times are shown in (e.g. ``America/Lima``)."""
        return self.tz.key.replace("_", " ")


@dataclass(frozen=True)
class Msg:
    """A message to translate when shown, with the values it names: ``Msg(N_("%(who)s acted"), {"who": x})``."""

    id: str
    params: dict[str, object]

    def render(self, localizer: Localizer) -> str:
        """Returns the message in the localizer's language with its values filled in."""
        return localizer.gettext(self.id) % self.params


_CURRENT: ContextVar[Localizer | None] = ContextVar("clearway_console_localizer", default=None)


def current() -> Localizer:
    """Returns the localizer of the page being rendered (the default language outside a request)."""
    found = _CURRENT.get()
    return found if found is not None else Localizer(default_language(), timezone_of(None))


@contextmanager
def using(localizer: Localizer) -> Iterator[Localizer]:
    """Makes a localizer current while a page renders."""
    token = _CURRENT.set(localizer)
    try:
        yield localizer
    finally:
        _CURRENT.reset(token)


def gettext(message: str) -> str:
    """Translates a message into the current language."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translates a message with a count into the current language."""
    return current().ngettext(singular, plural, n)


_ = gettext
