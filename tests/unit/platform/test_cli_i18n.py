"""The CLI's language: --lang, then CLEARWAY_LANG, then LC_ALL/LC_MESSAGES/LANG (POSIX), else English."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from typer.testing import CliRunner

from clearway.cli import app
from clearway.platform import cli_i18n


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    cli_i18n.set_language("en")
    cli_i18n._translate_panels(str)


@pytest.mark.parametrize(
    ("option", "environ", "expected"),
    [
        ("fr", {"CLEARWAY_LANG": "pt", "LC_ALL": "es_PE.UTF-8", "LANG": "es_PE.UTF-8"}, "fr"),
        (None, {"CLEARWAY_LANG": "pt", "LC_ALL": "es_PE.UTF-8"}, "pt"),
        (None, {"LC_ALL": "fr_FR.UTF-8", "LC_MESSAGES": "pt_BR.UTF-8", "LANG": "es_PE.UTF-8"}, "fr"),
        (None, {"LC_MESSAGES": "pt_BR.UTF-8", "LANG": "es_PE.UTF-8"}, "pt"),
        (None, {"LANG": "es_PE.UTF-8"}, "es"),
        (None, {"LC_ALL": "", "LANG": "es_PE.UTF-8"}, "es"),  # empty is unset (POSIX)
        (None, {"LANG": "fr_CA.ISO-8859-1@euro"}, "fr"),
        (None, {"LANG": "pt-BR"}, "pt"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LANG": "POSIX"}, "en"),
        (None, {}, "en"),
    ],
)
def test_language_resolution_order(option: str | None, environ: dict[str, str], expected: str) -> None:
    assert cli_i18n.resolve(option, environ) == expected


@pytest.mark.parametrize(
    "environ",
    [{"LANG": "de_DE.UTF-8"}, {"LC_ALL": "zh_CN.UTF-8", "LANG": "es_PE.UTF-8"}, {"CLEARWAY_LANG": "klingon"}],
)
def test_a_language_no_catalogue_speaks_is_english(environ: dict[str, str]) -> None:
    # the first variable that is set decides (POSIX); a language without a catalogue falls back to English
    assert cli_i18n.resolve(None, environ) == "en"


def test_posix_locale_names() -> None:
    assert cli_i18n.posix_language("es_PE.UTF-8") == "es"
    assert cli_i18n.posix_language("pt_BR") == "pt"
    assert cli_i18n.posix_language("fr_FR.UTF-8:en_US") == "fr"
    assert cli_i18n.posix_language("C") is None
    assert cli_i18n.posix_language("") is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lang", "es", "--help"], "es"),
        (["--lang=fr", "token", "create"], "fr"),
        (["token", "--lang", "es"], None),  # after the sub-command it is not the root option
        (["--", "--lang", "es"], None),
        (["--lang"], None),
        ([], None),
    ],
)
def test_the_root_option_is_read_before_the_sub_command(args: list[str], expected: str | None) -> None:
    assert cli_i18n.language_in(args) == expected


def _plain(output: str) -> str:
    return re.sub(r"[\s│╭╮╰╯─]+", " ", output)


def test_a_bad_lang_value_is_refused_with_the_languages_offered() -> None:
    result = CliRunner().invoke(app, ["--lang", "de", "token", "revoke", "--user", "x"])
    assert result.exit_code == 2
    text = _plain(result.output)
    assert "'de' is not a language of the CLI" in text
    for lang in ("es", "pt", "fr", "en"):
        assert lang in text.split("use one of:")[1]


def test_help_follows_the_language_and_back_to_english() -> None:
    runner = CliRunner()
    es = _plain(runner.invoke(app, ["--lang", "es", "token", "--help"]).output)
    assert "Emite y revoca tokens de la API." in es and "Comandos" in es
    en = _plain(runner.invoke(app, ["--lang", "en", "token", "--help"]).output)
    assert "Issue and revoke API tokens." in en and "Commands" in en and "Comandos" not in en


def test_clearway_lang_applies_without_the_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARWAY_LANG", "fr")
    out = _plain(CliRunner().invoke(app, ["token", "--help"]).output)
    assert "Émet et révoque des jetons d'API." in out


class _Fake:
    def __init__(self, lang: str, table: dict[str, str]) -> None:
        self.lang, self.table = lang, table

    def languages(self) -> tuple[str, ...]:
        return ("en", self.lang)

    def gettext(self, lang: str) -> Callable[[str], str]:
        return lambda m: self.table.get(m, m) if lang == self.lang else m


def test_messages_come_from_the_installed_catalogues_and_fall_back_to_english() -> None:
    saved = list(cli_i18n._catalogues)
    try:
        cli_i18n.install([_Fake("de", {"Port": "Anschluss"}), _Fake("it", {"Port": "Porta"})])
        assert set(cli_i18n.languages()) == {"en", "de", "it"}
        assert cli_i18n.translator("de")("Port") == "Anschluss"
        assert cli_i18n.translator("it")("Port") == "Porta"
        assert cli_i18n.translator("de")("Not in any catalogue") == "Not in any catalogue"
        assert cli_i18n.translator("en")("Port") == "Port"
        assert cli_i18n.resolve(None, {"LANG": "de_AT.UTF-8"}) == "de"
        assert cli_i18n.resolve(None, {"LANG": "es_PE.UTF-8"}) == "en"  # no catalogue installed speaks es
    finally:
        cli_i18n.install(saved)
