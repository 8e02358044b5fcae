"""Every sentence the capabilities store (a phrase) is extracted and translated in es/pt/fr, placeholders kept."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from clearway import bootstrap
from clearway.console import catalog, i18n
from clearway.core.phrases import PhraseBook
from clearway.platform.i18n import Reader, phrase_book
from clearway.platform.settings import Settings

FIELD = re.compile(r"\{(\w+)\}")


@pytest.fixture(scope="module")
def book() -> Iterator[PhraseBook]:
    runtime = bootstrap.build_runtime(Settings(env="test", database_url="sqlite://", secret_key="phrases-k"))
    yield phrase_book(runtime.ports)
    runtime.engine.dispose()


def test_every_capability_that_writes_reasons_offers_its_phrases(book: PhraseBook) -> None:
    owners = {code.split(".")[0] for code in book.phrases}
    assert {"declarations", "risk", "single_window", "tariff", "ledger", "documents", "classification"} <= owners
    assert {"ecommerce", "exchange"} <= owners
    assert len(book.phrases) >= 100


def test_extraction_adds_every_phrase_template(book: PhraseBook) -> None:
    extracted = catalog.extract()
    missing = [t for t in book.templates() if t not in extracted]
    assert not missing, missing[:10]


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_every_phrase_is_translated_with_the_same_placeholders(book: PhraseBook, lang: str) -> None:
    gettext = i18n.translations(lang).gettext
    untranslated, broken = [], []
    for template in book.templates():
        text = gettext(template)
        if text == template and FIELD.sub("", template).strip(" :;,()'-—.+"):
            untranslated.append(template)
        if sorted(FIELD.findall(text)) != sorted(FIELD.findall(template)):
            broken.append((template, text))
    # a few sentences are the same in another language ("item {item} {product}: {code}" in Portuguese)
    assert len(untranslated) <= 3, untranslated
    assert not broken, broken


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # Peru writes 1,234.50 (es_PE), Brazil 1.234,50, France 1 234,50
        ("es", "canal verde; el levante espera: derechos e impuestos de 1,234.50 PEN no pagados ni garantizados"),
        ("pt", "canal verde; o desembaraço aguarda: tributos de 1.234,50 PEN não pagos nem garantidos"),
        ("fr", "circuit vert ; la mainlevée attend : droits et taxes de 1\u202f234,50 PEN ni payés ni garantis"),
        ("en", "green lane; release waits for: duties and taxes of 1,234.50 PEN not paid or guaranteed"),
    ],
)
def test_a_stored_blocker_reads_in_each_language_with_its_numbers(book: PhraseBook, lang: str, expected: str) -> None:
    stored = "green lane; release waits for: duties and taxes of 1234.50 PEN not paid or guaranteed"
    gettext = None if lang == "en" else i18n.translations(lang).gettext
    got = Reader(book, lang, gettext, locale_name=i18n.FORMAT_LOCALES[lang])(stored)
    assert got.replace("\xa0", " ") == expected.replace("\xa0", " ")
