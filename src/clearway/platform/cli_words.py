"""Typer's and click's own words ("Usage:", "Options", "Missing option", "[required]"...) in the CLI's language.

The strings are marked ``N_()`` here so Babel extracts them into the console's catalogues. In the installed typer
(0.29) click is vendored as ``typer._click`` *without* gettext: its words are plain literals. So, when the CLI's
language is known, :func:`install` (called by ``cli_i18n.translate_tree``):

- points ``typer.core._`` (typer's run-time ``gettext``: "default: {default}", "required", "No such command...")
  at the CLI's translator;
- reassigns ``typer.rich_utils``' import-time constants (panel titles, "[default: {}]", "Try ... for help.");
- gives every command a context whose help formatter writes the translated "Usage: ";
- :func:`localise_error` rewrites the message of click's usage errors ("Missing option '--user'.") before typer
  prints them, by their English shape; a shape it does not know stays English.

English is the identity: nothing is reassigned to a different value, so ``--lang en`` output is unchanged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from typer import core as typer_core
from typer._click.core import Context
from typer._click.exceptions import ClickException
from typer._click.formatting import HelpFormatter

N_ = str  # marks a message for extraction

# typer.rich_utils' constants, English originals (read when help or an error is rendered).
RICH_CONSTANTS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}

# What typer.core passes to its ``_`` at run time (plain, non-rich help and its errors).
TYPER_CORE_WORDS = (
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)

USAGE_PREFIX = N_("Usage: ")

# Click's usage errors, by their English shape (typer._click.exceptions / parser / core), and their messages.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Missing option (?P<name>.+)\.\Z", re.S), N_("Missing option %(name)s.")),
    (re.compile(r"Missing argument (?P<name>.+)\.\Z", re.S), N_("Missing argument %(name)s.")),
    (re.compile(r"Missing parameter (?P<name>.+)\.\Z", re.S), N_("Missing parameter %(name)s.")),
    (
        re.compile(r"Invalid value for (?P<name>[^:]+): (?P<reason>.*)\Z", re.S),
        N_("Invalid value for %(name)s: %(reason)s"),
    ),
    (re.compile(r"No such option: (?P<name>.+)\Z", re.S), N_("No such option: %(name)s")),
    (
        re.compile(r"Got unexpected extra argument\(s\) \((?P<name>.*)\)\Z", re.S),
        N_("Got unexpected extra argument(s) (%(name)s)"),
    ),
)

_translate: list[Callable[[str], str]] = [str]


class LocalisedFormatter(HelpFormatter):
    """Click's help formatter, writing "Usage: " in the CLI's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Writes the usage line with the translated prefix (unless the caller names one)."""
        super().write_usage(prog, args, _translate[0](USAGE_PREFIX) if prefix is None else prefix)


class LocalisedContext(Context):
    """Click's context, whose help formatter speaks the CLI's language."""

    formatter_class = LocalisedFormatter


def install(translate: Callable[[str], str], commands: Any) -> None:
    """Makes typer's and click's words follow ``translate`` (the CLI's translator) for ``commands``."""
    _translate[0] = translate
    vars(typer_core)["_"] = translate  # typer.core's `from gettext import gettext as _`
    _install_rich(translate)
    for command in commands:
        if command.context_class is Context:
            command.context_class = LocalisedContext


def _install_rich(translate: Callable[[str], str]) -> None:
    try:
        from typer import rich_utils
    except ImportError:  # typer without rich: plain click help, no panels
        return
    for name, english in RICH_CONSTANTS.items():
        setattr(rich_utils, name, translate(english))
    usage = rf"(?P<usage>{re.escape(translate(USAGE_PREFIX))})"  # highlighted as typer does "Usage: "
    highlighter = rich_utils.OptionHighlighter
    highlighter.highlights = [usage if h.startswith("(?P<usage>") else h for h in highlighter.highlights]


def localise_error(error: ClickException) -> None:
    """Translates a click usage error's message in place (its English shape decides; unknown ones stay)."""
    translate = _translate[0]
    english = error.format_message()
    for shape, message in _ERRORS:
        found = shape.match(english)
        if found:
            text = translate(message) % found.groupdict()
            error.format_message = functools.partial(str, text)  # type: ignore[method-assign]
            return
