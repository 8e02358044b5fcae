"""The OCR's second pass: a page whose words say German or Italian (languages the labels know) is read, with that
language's Tesseract model when it is installed and with the English pass otherwise; it used to fail the upload
with a KeyError (seen on a real Czech invoice image, whose words scored as German)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from clearway.documents.extract import ocr
from clearway.documents.extract.layout import Word


def _words(text: str, conf: float) -> list[Word]:
    return [Word(w, 1, 10.0 * i, 10.0, 10.0 * i + 8, 20.0, conf) for i, w in enumerate(text.split())]


_GERMAN = "Rechnung Rechnungsnummer Datum Menge Betrag Gesamtbetrag Kunde Lieferant"


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Tesseract stubbed: records the models asked for; the English pass reads German words."""
    asked: list[str] = []

    def fake(image: Any, page: int, lang: str, *, psm: int = 3) -> list[Word]:
        asked.append(lang)
        return _words(_GERMAN, 0.6 if lang == "eng" else 0.9)

    monkeypatch.setattr(ocr, "ocr_words", fake)
    monkeypatch.setattr(ocr, "deskew", lambda image: (image, 0.0))
    monkeypatch.setattr(ocr, "normalise", lambda image, width=ocr.TARGET_WIDTH: image)
    return asked


def _blank() -> Any:
    from PIL import Image

    return Image.new("L", (40, 40), 255)


def test_a_german_page_without_the_german_model_keeps_the_english_pass(
    passes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "available", lambda: "eng+spa+por+fra")
    words, angle = ocr.read_page(_blank(), 1)
    assert passes == ["eng"]
    assert [w.text for w in words] == _GERMAN.split() and angle == 0.0


def test_a_german_page_is_read_again_with_the_german_model_when_installed(
    passes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "available", lambda: "eng+deu")
    words, _ = ocr.read_page(_blank(), 1)
    assert passes == ["eng", "deu"]
    assert words[0].conf == 0.9  # the pass with the higher mean confidence


def test_a_scanned_german_invoice_goes_through_the_pipeline() -> None:
    """End to end with the real Tesseract (skipped without it): an image of German label words is read, not
    refused or crashed."""
    if ocr.available() is None:
        pytest.skip("Tesseract is not installed")
    from PIL import Image, ImageDraw, ImageFont

    from clearway.documents.extract.pipeline import extract_document

    image = Image.new("RGB", (1700, 1100), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    lines = [
        "Nordwerk GmbH",
        "Rechnung Nr. RN-4471",
        "Rechnungsdatum: 12.03.2024",
        "Kunde: Talhof AG",
        "Menge Betrag Gesamtbetrag",
        "Gesamtbetrag EUR 1.190,00",
    ]
    for i, text in enumerate(lines):
        draw.text((80, 80 + 110 * i), text, fill="black", font=font)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    out = extract_document(buf.getvalue())
    assert out["kind"] == "scan"
    assert out["date"] == "2024-03-12"
