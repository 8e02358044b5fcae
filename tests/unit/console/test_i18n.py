"""Languages: every marked string translated in es/pt/fr, negotiation, locale formats, office time zones."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clearway.console import catalog, i18n
from clearway.console.views_integrations import minor_units, parse_amount


@pytest.fixture(scope="module")
def extracted() -> catalog.Catalog:
    return catalog.extract()


def test_templates_and_python_strings_are_extracted(extracted: catalog.Catalog) -> None:
    sources = {loc[0] for m in extracted if m.id for loc in m.locations}
    assert any(s.endswith("templates/detail.html") for s in sources)
    assert any(s.endswith("console/vocabulary.py") for s in sources)
    assert "What happens next" in extracted and "red lane" in extracted


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_every_extracted_string_has_a_translation(extracted: catalog.Catalog, lang: str) -> None:
    missing = catalog.untranslated(lang, extracted)
    assert not missing, (
        f"{len(missing)} strings untranslated in {lang} (run `make i18n`, then translate): {missing[:10]}"
    )


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_translations_keep_every_placeholder(extracted: catalog.Catalog, lang: str) -> None:
    translations = i18n.translations(lang)
    for message in extracted:
        if not message.id:
            continue
        if isinstance(message.id, str):
            wanted = sorted(re.findall(r"%\(\w+\)s", message.id))
            assert sorted(re.findall(r"%\(\w+\)s", translations.gettext(message.id))) == wanted, message.id
            continue
        singular, plural = message.id[0], message.id[1]
        for n in (1, 2, 5):
            text = translations.ngettext(singular, plural, n)
            assert text not in (singular, plural), f"{singular!r} untranslated for n={n}"
            assert sorted(re.findall(r"%\(\w+\)s", text)) == sorted(re.findall(r"%\(\w+\)s", plural)), singular


def test_customs_vocabulary_per_language() -> None:
    words = {lang: i18n.translations(lang) for lang in ("es", "pt", "fr")}
    assert words["es"].gettext("yellow lane") == "canal naranja"  # Peru's documentary channel
    assert words["pt"].gettext("yellow lane") == "canal amarelo"
    assert words["fr"].gettext("red lane") == "circuit rouge"
    assert "agente de aduana" in words["es"].gettext("Customs broker (representative)").lower()
    assert "despachante aduaneiro" in words["pt"].gettext("Customs broker (representative)").lower()
    assert "commissionnaire en douane" in words["fr"].gettext("Customs broker (representative)").lower()


def test_accept_language_picks_the_best_language_we_speak() -> None:
    assert i18n.negotiate("de-DE,de;q=0.9,pt-BR;q=0.8,en;q=0.5") == "pt"
    assert i18n.negotiate("en-US,en;q=0.9") == "en"
    assert i18n.negotiate("fr;q=0.1, es;q=0.7") == "es"
    assert i18n.negotiate("de, it") is None and i18n.negotiate("") is None
    assert i18n.negotiate("es;q=0") is None


def test_times_are_shown_in_the_offices_time_zone_and_numbers_by_locale() -> None:
    at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 07:00 in Lima
    lima = i18n.Localizer("es", i18n.timezone_of("PECLL"))
    assert lima.format_datetime(at) == "20 nov. 2026 07:00"
    assert lima.money(Decimal("1234.5"), "PEN").replace("\xa0", " ") == "S/ 1,234.50"
    paris = i18n.Localizer("fr", i18n.timezone_of("FRLEH"))
    assert paris.format_datetime(at).endswith("13:00")
    assert paris.money(Decimal("1234.5"), "EUR").replace("\u202f", " ").replace("\xa0", " ") == "1 234,50 €"
    assert i18n.Localizer("pt", i18n.timezone_of("BRSSZ")).number(Decimal("2.5")) == "2,5"


def test_the_office_map_can_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARWAY_OFFICE_TIMEZONES", "XXABC=Asia/Tokyo")
    assert i18n.timezone_of("XXABC").key == "Asia/Tokyo"
    assert i18n.timezone_of("ZZ999").key == "America/Lima"  # unknown office: the default


def test_payment_amounts_are_read_strictly() -> None:
    assert parse_amount("1250.50", "PEN") == Decimal("1250.50")
    assert parse_amount("7", "PEN") == Decimal(7)
    for bad in ("0.001", "١٢٥٠", "1,250.00", "1e3", "-5", "0", "0.00", " ", "NaN", "１２", "1.2.3"):
        assert parse_amount(bad, "PEN") is None, bad
    assert minor_units("JPY") == 0 and parse_amount("100.5", "JPY") is None
    assert minor_units("KWD") == 3 and parse_amount("1.125", "KWD") == Decimal("1.125")
