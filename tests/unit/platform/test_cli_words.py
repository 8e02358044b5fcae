"""Typer's and click's own words ("Usage:", "Options", "Missing option", "[required]") in the CLI's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearway.cli import app
from clearway.console.catalog import extract
from clearway.platform import cli_i18n, cli_words

DATA = Path(__file__).parent / "data"
WIDE = {"COLUMNS": "100"}


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    cli_i18n.set_language("en")
    cli_i18n._translate_panels(str)


def run(*args: str) -> str:
    return CliRunner().invoke(app, list(args), env=WIDE).output


def plain(text: str) -> str:
    return re.sub(r"[\s│╭╮╰╯─]+", " ", text)


def test_root_help_in_spanish_says_uso_and_opciones() -> None:
    out = plain(run("--lang", "es", "--help"))
    assert "Uso: root [OPTIONS] COMMAND [ARGS]..." in out
    assert "Opciones" in out and "Comandos" in out
    assert "Usage:" not in out and " Options " not in out


def test_option_markers_in_spanish() -> None:
    out = plain(run("--lang", "es", "token", "create", "--help"))
    assert "[obligatorio]" in out and "[por defecto: 90]" in out
    assert "[required]" not in out and "[default:" not in out


def test_a_missing_required_option_in_french() -> None:
    result = CliRunner().invoke(app, ["--lang", "fr", "token", "create", "--role", "admin"], env=WIDE)
    assert result.exit_code == 2
    out = plain(result.output)
    assert "Utilisation : root token create [OPTIONS]" in out
    assert "Essayez 'root token create --help' pour l'aide." in out
    assert "Erreur" in out and "Option '--user' manquante." in out
    assert "Missing option" not in out and "Try " not in out


@pytest.mark.parametrize(
    ("lang", "args", "words"),
    [
        ("es", ["nosuch"], "No existe el comando 'nosuch'."),
        ("pt", ["token", "create", "--user", "a", "--role", "b", "--days", "x"], "Valor inválido para '--days':"),
        ("fr", ["token", "create", "--user", "a", "--role", "b", "--nope"], "Option inexistante : --nope"),
        ("es", ["token", "create", "--user", "a", "--role", "b", "extra"], "(extra)"),
    ],
)
def test_usage_errors_in_each_language(lang: str, args: list[str], words: str) -> None:
    result = CliRunner().invoke(app, ["--lang", lang, *args], env=WIDE)
    assert result.exit_code == 2
    assert words in plain(result.output)


def test_a_hostile_value_is_only_quoted_in_the_translated_error() -> None:
    """A value with "%" or braces is echoed, never interpreted as a placeholder."""
    result = CliRunner().invoke(
        app, ["--lang", "fr", "token", "create", "--user", "a", "--role", "b", "--days", "%(name)s{0}"], env=WIDE
    )
    assert result.exit_code == 2
    assert "Valeur invalide pour '--days' :" in plain(result.output)
    assert "Traceback" not in result.output


def test_english_is_byte_identical_to_typers_own_output() -> None:
    run("--lang", "fr", "token", "create", "--help")  # a translated run first: English must come back whole
    assert run("--lang", "en", "token", "create", "--help") == (DATA / "en_token_create_help.txt").read_text()
    assert (
        run("--lang", "en", "token", "create", "--role", "admin") == (DATA / "en_token_create_missing.txt").read_text()
    )


def test_an_error_shape_typer_does_not_have_stays_english() -> None:
    from typer._click.exceptions import UsageError

    cli_i18n._translate_panels(cli_i18n.translator("fr"))
    error = UsageError("Something click may say one day.")
    cli_words.localise_error(error)
    assert error.format_message() == "Something click may say one day."


def test_the_words_are_extracted_for_translators() -> None:
    extracted = extract()
    for word in (*cli_words.RICH_CONSTANTS.values(), *cli_words.TYPER_CORE_WORDS, cli_words.USAGE_PREFIX):
        assert word in extracted, word
