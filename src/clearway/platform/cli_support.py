"""Helpers the command-line entrypoints share: open the runtime on a migrated database, print a refusal."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NoReturn

import typer
from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from rich.console import Console

from clearway.core.issues import DomainError, ValidationFailed
from clearway.core.phrases import PhraseBook
from clearway.platform import cli_i18n
from clearway.platform.i18n import SOURCE_LANGUAGE, PhraseSource, Reader, phrase_book
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import get_settings

_RUNTIME: list[Runtime] = []


def set_runtime_factory_result(runtime: Runtime) -> None:
    """Installs the runtime the CLI uses (the bootstrap builds it with every capability subscribed)."""
    _RUNTIME[:] = [runtime]


def open_runtime() -> Runtime:
    """Returns the CLI's runtime, its database migrated to the latest schema."""
    if not _RUNTIME:
        _RUNTIME.append(Runtime.build(get_settings()))
    runtime = _RUNTIME[0]
    if not runtime.caches.get("platform.migrated"):
        upgrade(runtime.engine)
        runtime.caches["platform.migrated"] = True
    return runtime


def _(message: str) -> str:
    """Translates a message the CLI prints into its language (``--lang``, ``CLEARWAY_LANG``, ``LANG``)."""
    return cli_i18n.gettext(message)


def N_(message: str) -> str:
    """Marks a message for extraction without translating it (it is translated where it is printed)."""
    return message


def reader(source: Runtime | PhraseSource) -> Callable[[str | None], str]:
    """Returns what renders a stored sentence (a reason, a discrepancy, a blocker) in the CLI's language, with
    the phrases of every capability (a runtime) or of one (its ``PhraseSource``); in English the sentence is
    printed as stored, byte for byte."""
    lang = cli_i18n.current()
    if lang == SOURCE_LANGUAGE:
        return lambda sentence: sentence or ""
    book = phrase_book(source.ports) if isinstance(source, Runtime) else PhraseBook.of(source.phrases())
    return Reader(book, lang, cli_i18n.translator(lang), locale_name=cli_i18n.format_locale(lang))


def number(value: float | int | Decimal, digits: int = 0) -> str:
    """Returns a figure of a summary as the CLI's locale writes it (:func:`cli_i18n.format_locale`: Brazil
    ``1.234,5``, France ``1 234,5``, Peru ``1,234.5``); in English as Python writes it (``1234.5``, no grouping),
    so that the English output stays as it was."""
    lang = cli_i18n.current()
    if lang == SOURCE_LANGUAGE:
        return f"{value:.{digits}f}"
    try:
        locale = Locale.parse(cli_i18n.format_locale(lang))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(cli_i18n.FORMAT_LOCALES.get(lang, SOURCE_LANGUAGE))
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=locale, decimal_quantization=True))


NOTHING_SAVED = N_("%(count)s problem(s); nothing was saved")
NOTHING_LOADED = N_("%(count)s problem(s); nothing was loaded")


def fail(
    console: Console,
    exc: Exception,
    *,
    headline: str = N_("Refused"),
    nothing: str = NOTHING_SAVED,
    exit_code: int = 1,
) -> NoReturn:
    """Prints why a command was refused, in the CLI's language, and exits with ``exit_code``: every problem of a
    :class:`ValidationFailed` (its code, where, what) under ``headline`` and ``nothing`` (a marked message with
    ``%(count)s``), or a :class:`DomainError`'s code and message."""
    if isinstance(exc, ValidationFailed):
        console.print("[red]" + _(headline) + "[/red]: " + _(nothing) % {"count": len(exc.issues)})
        for issue in exc.issues:
            where = _("at %(pointer)s") % {"pointer": issue.pointer or "/"}
            console.print(f"  [bold]{issue.code}[/bold] {where}: {issue.message}")
    elif isinstance(exc, DomainError):
        console.print(f"[red]{exc.code}[/red] {exc.message}")
    raise typer.Exit(exit_code)
