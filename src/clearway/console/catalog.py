"""Extracting the translatable strings of Clearway and updating the console's catalogues (``make i18n``).

``python -m clearway.console.catalog`` extracts every string marked with ``_()``, ``gettext()``,
``ngettext()`` or ``N_()`` under ``src/clearway`` (Python and templates, per ``babel.cfg``) and merges it into
``src/clearway/console/locale/<lang>/LC_MESSAGES/messages.po``, keeping existing translations; new ones are
left empty for a translator, and the test suite fails until each has its translation. The help texts of the
``clearway`` CLI (plain English strings in each capability's ``cli.py``) are extracted by walking its command tree.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from clearway.console.i18n import LANGUAGES

PACKAGE = Path(__file__).resolve().parent
SOURCE = PACKAGE.parent  # src/clearway
ROOT = SOURCE.parent.parent
LOCALE = PACKAGE / "locale"


def extract(root: Path = ROOT) -> Catalog:
    """Extracts every marked string under src/clearway into a template catalogue."""
    with (root / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)  # type: ignore[no-untyped-call]
    catalog = Catalog(project="Clearway", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    add_phrases(catalog)
    for text, where in cli_help_texts():
        catalog.add(text, None, [(f"cli:{where.replace(' ', '/')}", 0)])
    return catalog


def add_phrases(catalog: Catalog) -> None:
    """Adds the English template of every phrase the capabilities write into the store (reasons, blockers,
    notification messages: ``clearway.core.phrases``), so that they are translated like any marked string."""
    from clearway import bootstrap
    from clearway.platform.i18n import phrase_book
    from clearway.platform.settings import Settings

    runtime = bootstrap.build_runtime(Settings(env="test", database_url="sqlite://", secret_key="catalog"))  # noqa: S106 (no token is made)
    try:
        book = phrase_book(runtime.ports)
    finally:
        runtime.engine.dispose()
    for phrase in sorted(book.phrases.values(), key=lambda p: p.code):
        found = catalog.get(phrase.template)
        note = f"phrase {phrase.code}: keep every {{placeholder}} as it is"
        if found is None:
            catalog.add(phrase.template, None, [(f"phrase:{phrase.code}", 0)], auto_comments=[note])


def cli_help_texts() -> Iterator[tuple[str, str]]:
    """Yields the help texts of the ``clearway`` CLI (commands, groups, options), walking its command tree."""
    import typer

    from clearway import cli
    from clearway.platform import cli_i18n

    yield from cli_i18n.help_texts(typer.main.get_command(cli.app))


def po_path(lang: str) -> Path:
    """Returns the catalogue file of a language."""
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


def update(template: Catalog) -> dict[str, int]:
    """Merges the extracted strings into each language's catalogue; returns how many are untranslated."""
    missing: dict[str, int] = {}
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="Clearway")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=120, omit_header=False, ignore_obsolete=True, include_previous=False)
        missing[lang] = sum(1 for m in catalog if m.id and not _translated(m.string))
    return missing


def _translated(value: object) -> bool:
    if isinstance(value, tuple):
        return all(bool(v) for v in value)
    return bool(value)


def untranslated(lang: str, template: Catalog) -> list[str]:
    """Returns the extracted strings that a language's catalogue does not translate."""
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if found is None or not _translated(found.string) or found.fuzzy:
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def main() -> None:
    """Extracts and updates every catalogue, then says what remains to translate."""
    missing = update(extract())
    for lang, n in missing.items():
        sys.stdout.write(f"{lang}: {n} untranslated\n")
    sys.exit(0)


if __name__ == "__main__":
    main()
