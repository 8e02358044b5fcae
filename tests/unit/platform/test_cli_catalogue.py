"""The CLI's catalogue: every help text and every marked message has its es/pt/fr translation, same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from clearway.cli import app
from clearway.console import catalog
from clearway.platform import cli_i18n

SOURCE = Path(catalog.SOURCE)
CLI_MODULES = sorted(
    [
        SOURCE / "cli.py",
        *SOURCE.glob("*/cli.py"),
        SOURCE / "platform" / "cli_i18n.py",
        SOURCE / "platform" / "cli_support.py",
    ]
)
PLACEHOLDER = re.compile(r"%\(\w+\)s")
LANGS = ("es", "pt", "fr")


@pytest.fixture(scope="module")
def help_texts() -> list[str]:
    return list(dict.fromkeys(text for text, _ in cli_i18n.help_texts(typer.main.get_command(app))))


@pytest.fixture(scope="module")
def marked() -> list[str]:
    out: list[str] = []
    for path in CLI_MODULES:
        for _, message, _, _ in extract_from_file("python", str(path)):
            out.append(message if isinstance(message, str) else message[0])
    return list(dict.fromkeys(out))


@pytest.fixture(scope="module", params=LANGS)
def po(request: pytest.FixtureRequest) -> tuple[str, catalog.Catalog]:
    with catalog.po_path(request.param).open("rb") as fh:
        return request.param, read_po(fh, locale=request.param)


def test_the_tree_and_the_messages_are_large_and_extracted(help_texts: list[str], marked: list[str]) -> None:
    assert len(help_texts) > 250 and len(marked) > 25
    extracted = catalog.extract()
    missing = [t for t in help_texts + marked if t not in extracted]
    assert not missing, f"not extracted by make i18n: {missing[:5]}"


def _check(texts: list[str], po: tuple[str, catalog.Catalog]) -> None:
    lang, cat = po
    problems = []
    for text in texts:
        found = cat.get(text)
        if found is None or not found.string or found.fuzzy:
            problems.append(f"untranslated: {text!r}")
        elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(str(found.string))):
            problems.append(f"placeholders differ: {text!r} → {found.string!r}")
    assert not problems, f"{lang}: {len(problems)} problems: {problems[:5]}"


def test_every_help_text_is_translated_with_its_placeholders(
    help_texts: list[str], po: tuple[str, catalog.Catalog]
) -> None:
    _check(help_texts, po)


def test_every_marked_message_is_translated_with_its_placeholders(
    marked: list[str], po: tuple[str, catalog.Catalog]
) -> None:
    _check(marked, po)


def test_markers_are_never_inside_f_strings() -> None:
    # Babel cannot see a _() call inside an f-string: its message would silently stay English
    hidden = [
        f"{p.relative_to(SOURCE)}:{i}"
        for p in CLI_MODULES
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"\{_\(|\{N_\(", line)
    ]
    assert not hidden, hidden


@pytest.mark.parametrize("lang", LANGS)
def test_the_whole_tree_speaks_the_language(lang: str) -> None:
    command = typer.main.get_command(app)
    before = list(cli_i18n.help_texts(command))
    cli_i18n.translate_tree(command, lang)
    try:
        after = list(cli_i18n.help_texts(command))
        unchanged = [a for (a, _), (b, _) in zip(after, before, strict=True) if a == b]
        # only strings that read the same in both languages (codes, file formats, "0-100") may stay as they are
        assert len(unchanged) < 0.05 * len(after), unchanged
    finally:
        cli_i18n._translate_panels(str)


def test_customs_terms() -> None:
    command = typer.main.get_command(app)
    texts = {lang: cli_i18n.translator(lang) for lang in LANGS}
    lodge = command.commands["lodge"].help  # type: ignore[attr-defined]
    assert "DAM" in texts["es"](lodge) and "déclaration" in texts["fr"](lodge)
    agent = "The party that may act for it (e.g. the broker)"
    assert "agente de aduanas" in texts["es"](agent)
    assert "despachante aduaneiro" in texts["pt"](agent)
    assert "déclarant en douane" in texts["fr"](agent)
    procedure = "Procedure code (repeat); default: all"
    assert "régimen" in texts["es"](procedure) and "regime" in texts["pt"](procedure)
    assert "régime" in texts["fr"](procedure)
    lane = "lane %(lane)s"
    assert "canal" in texts["es"](lane) and "canal" in texts["pt"](lane) and "circuit" in texts["fr"](lane)
    assert texts["es"]("yellow lane") == "canal naranja" and texts["fr"]("red lane") == "circuit rouge"
    practise = "CASE=yellow, or CASE=red:reason; repeatable; others green"
    assert "naranja" in texts["es"](practise) and "amarelo" in texts["pt"](practise)
