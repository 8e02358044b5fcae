"""Languages of the command line: which language ``clearway`` speaks, and its help texts translated.

The language is, in order: the root ``--lang es|pt|fr|en`` option, ``CLEARWAY_LANG``, then the POSIX locale
variables ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` (the first one set and non-empty wins, as in POSIX;
``es_PE.UTF-8`` → ``es``), else English. A language no catalogue speaks falls back to English.

The platform knows no catalogue: a capability that has one (the console's Babel catalogues) names it in
``Capability.catalogue`` and the ``clearway`` entry point installs it here. Capabilities keep writing plain
English help strings; :func:`translate_tree` walks the command tree (typer's click) once the language is known and
translates every command's, group's, option's and argument's help in place. Messages printed at run time go
through :func:`gettext` (``cli_support._()``), and strings marked with ``N_()`` are extracted for translators.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import typer
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from clearway.platform import cli_words
from clearway.platform.i18n import SOURCE_LANGUAGE, MessageCatalogue

LANG_OPTION = "--lang"
ENV_VAR = "CLEARWAY_LANG"
POSIX_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
# Languages the CLI offers when no catalogue is installed (the console's catalogues speak all four).
DEFAULT_LANGUAGES: tuple[str, ...] = ("es", "pt", "fr", "en")

# The region whose figures a language writes when the POSIX locale names none (as the console: Peru writes
# 1,234.50, Brazil 1.234,50, France 1 234,50).
FORMAT_LOCALES = {"es": "es_PE", "pt": "pt_BR", "fr": "fr_FR", "en": "en_US"}
NUMERIC_VARS = ("LC_ALL", "LC_NUMERIC", "LANG")

N_ = str  # marks a message for extraction (this module cannot import cli_support, which imports it)
_catalogues: list[MessageCatalogue] = []
_current: list[str] = []


def install(catalogues: Iterable[MessageCatalogue]) -> None:
    """Installs the catalogues the CLI translates with (the entry point passes the capabilities' ones)."""
    _catalogues[:] = list(catalogues)


def languages() -> tuple[str, ...]:
    """Returns the languages ``--lang`` accepts: English and every language an installed catalogue speaks."""
    spoken: list[str] = [SOURCE_LANGUAGE]
    for catalogue in _catalogues:
        spoken += [lang for lang in catalogue.languages() if lang not in spoken]
    return tuple(spoken) if _catalogues else DEFAULT_LANGUAGES


def posix_language(value: str | None) -> str | None:
    """Returns the language of a POSIX locale name (``es_PE.UTF-8@euro`` → ``es``); None for C/POSIX/empty."""
    if not value:
        return None
    name = value.split(":")[0].split(".")[0].split("@")[0].strip().lower()
    lang = name.replace("-", "_").split("_")[0]
    if lang in {"", "c", "posix"}:
        return None
    return lang


def resolve(option: str | None = None, environ: dict[str, str] | None = None) -> str:
    """Returns the CLI's language: ``--lang``, else ``CLEARWAY_LANG``, else the POSIX locale, else English."""
    env = os.environ if environ is None else environ
    spoken = languages()
    for candidate in (option, env.get(ENV_VAR)):
        if candidate:
            lang = posix_language(candidate)
            return lang if lang in spoken else SOURCE_LANGUAGE
    for var in POSIX_VARS:  # POSIX: the first variable set to a non-empty value decides
        if env.get(var):
            lang = posix_language(env[var])
            return lang if lang in spoken else SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def set_language(lang: str) -> None:
    """Makes ``lang`` the language of the messages printed from now on."""
    _current[:] = [lang]


def current() -> str:
    """Returns the language in use (resolved from the environment if the command line named none)."""
    if not _current:
        _current.append(resolve())
    return _current[0]


def translator(lang: str | None = None) -> Callable[[str], str]:
    """Returns the translation function of a language (the first installed catalogue that translates wins)."""
    lang = lang or current()
    if lang == SOURCE_LANGUAGE:
        return str
    functions = [c.gettext(lang) for c in _catalogues if lang in c.languages()]

    def translate(message: str) -> str:
        for function in functions:
            out = function(message)
            if out != message:
                return out
        return message

    return translate


def format_locale(lang: str | None = None, environ: dict[str, str] | None = None) -> str:
    """Returns the locale the CLI writes figures in: the POSIX locale's region when it speaks the CLI's
    language (``LANG=es_MX.UTF-8`` → ``es_MX``), else the language's default region (``es`` → ``es_PE``)."""
    lang = lang or current()
    env = os.environ if environ is None else environ
    for var in NUMERIC_VARS:
        value = env.get(var)
        if value:
            name = value.split(".")[0].split("@")[0].replace("-", "_")
            if posix_language(name) == lang and "_" in name:
                return name
            break
    return FORMAT_LOCALES.get(lang, lang)


def gettext(message: str) -> str:
    """Translates a message into the CLI's language (English when no catalogue has it)."""
    if not message:
        return message
    return translator()(message)


def _help_targets(command: Any, ctx: typer.Context | None) -> Iterator[Any]:
    yield command
    yield from command.params
    if ctx is not None:
        help_option = command.get_help_option(ctx)
        if help_option is not None:
            yield help_option


def walk(command: Any) -> Iterator[Any]:
    """Yields a command and every command under it (groups' sub-commands, depth first, sorted by name)."""
    yield command
    commands = getattr(command, "commands", None)  # a group
    if isinstance(commands, dict):
        for name in sorted(commands):
            yield from walk(commands[name])


def help_texts(command: Any) -> Iterator[tuple[str, str]]:
    """Yields (help text, where) for every command, group, option and argument under ``command``.

    ``where`` is the command path and the parameter (``token create --user``), for translators.
    """
    help_option = command.get_help_option(typer.Context(command))
    if help_option is not None and help_option.help:
        yield help_option.help, "--help"
    yield from _texts_under(command, "clearway")


def _texts_under(command: Any, path: str) -> Iterator[tuple[str, str]]:
    for target in (command, *command.params):
        where = path if target is command else f"{path} {(target.opts or [target.name])[0]}"
        for attr in ("help", "short_help"):
            text = getattr(target, attr, None)
            if isinstance(text, str) and text.strip():
                yield text, where
    commands = getattr(command, "commands", None)
    if isinstance(commands, dict):
        for name in sorted(commands):
            yield from _texts_under(commands[name], f"{path} {name}")


def translate_tree(command: Any, lang: str, ctx: typer.Context | None = None) -> None:
    """Translates, in place, the help of a command tree (commands, groups, options, arguments, --help)."""
    translate = translator(lang)
    for found in walk(command):
        for target in _help_targets(found, ctx):
            for attr in ("help", "short_help"):
                text = getattr(target, attr, None)
                if isinstance(text, str) and text.strip():
                    setattr(target, attr, translate(text))
    cli_words.install(translate, walk(command))


def _translate_panels(translate: Callable[[str], str]) -> None:
    """Sets typer's and click's words to ``translate`` (tests reset them with ``str``, English)."""
    cli_words.install(translate, ())


def language_in(args: Sequence[str]) -> str | None:
    """Returns the value of the root ``--lang`` option in a command line (before the sub-command), if any."""
    for i, arg in enumerate(args):
        if arg == "--":
            return None
        if arg == LANG_OPTION:
            return args[i + 1] if i + 1 < len(args) else None
        if arg.startswith(LANG_OPTION + "="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-"):
            return None  # the sub-command: its own options are its own
    return None


def check_language(value: str | None) -> str | None:
    """Checks the ``--lang`` value (the option's callback): a language the CLI speaks, or a clear error."""
    if value is not None and value not in languages():
        raise typer.BadParameter(
            gettext("%(value)s is not a language of the CLI; use one of: %(languages)s")
            % {"value": repr(value), "languages": ", ".join(languages())}
        )
    return value


def startup(command: Any, ctx: typer.Context, args: Sequence[str]) -> str:
    """Resolves the language of a command line, translates the command tree and returns the language.

    An unknown ``--lang`` value is ignored here and refused by the option's check (:func:`check_language`).
    """
    option = language_in(args)
    if option is not None and option not in languages():
        option = None
    lang = resolve(option)
    set_language(lang)
    translate_tree(command, lang, ctx)
    return lang


class LocalisedGroup(TyperGroup):
    """The root ``clearway`` group: before parsing, it resolves the language and translates the whole tree."""

    context_class = cli_words.LocalisedContext  # the root context exists before the language is known

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: the click context typer vendors
        """Translates the help of every command into the command line's language, then parses as usual."""
        startup(self, ctx, args)
        return super().parse_args(ctx, args)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """Makes the root context, click's usage errors in the CLI's language."""
        try:
            return super().make_context(*args, **kwargs)
        except ClickException as error:
            cli_words.localise_error(error)
            raise

    def invoke(self, ctx: Any) -> Any:
        """Runs the sub-command, click's usage errors (its options, its arguments) in the CLI's language."""
        try:
            return super().invoke(ctx)
        except ClickException as error:
            cli_words.localise_error(error)
            raise


N_("%(value)s is not a language of the CLI; use one of: %(languages)s")

# Help of the root ``--lang`` option (extracted by the console's catalogue with the rest of the tree).
LANG_HELP = "Language of the messages and help: es, pt, fr or en (default: CLEARWAY_LANG, then LANG)"
