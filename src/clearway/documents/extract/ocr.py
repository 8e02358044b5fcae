"""Scans: straighten the page (projection-profile deskew), then read it with Debian's Tesseract."""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from typing import Any

from clearway.documents.extract.layout import Word, ocr_words

LANGS = ("eng", "spa", "por", "fra", "deu", "ita")  # those installed are used (deu, ita: tesseract-ocr-deu, -ita)


@lru_cache(maxsize=1)
def available() -> str | None:
    """Returns the Tesseract languages to use ("eng+spa+…"), or None when Tesseract or pytesseract is absent."""
    if shutil.which("tesseract") is None:
        return None
    try:
        import pytesseract

        have = set(pytesseract.get_languages(config=""))
    except Exception:
        return None
    langs = [lang for lang in LANGS if lang in have]
    return "+".join(langs) if "eng" in langs else None


def deskew(image: Any) -> tuple[Any, float]:
    """Returns the image turned straight and the angle (degrees) it was turned by."""
    import numpy as np
    from PIL import Image

    gray = image.convert("L")
    small = gray.copy()
    small.thumbnail((900, 900))
    dark = small.point(lambda p: 255 if p < 140 else 0)

    def score(angle: float) -> float:
        rotated = np.asarray(dark.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float32)
        rows = rotated.sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2))

    best = max((a / 2 for a in range(-14, 15)), key=score)
    fine = max((best + a / 10 for a in range(-5, 6)), key=score)
    if abs(fine) < 0.15:
        return image, 0.0
    return image.rotate(fine, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white"), fine


TESSERACT_LANG = {"en": "eng", "es": "spa", "pt": "por", "fr": "fra", "de": "deu", "it": "ita"}
TARGET_WIDTH = 2000  # pixels across the page: ~240 dpi for A4/Letter, x-height ≈ 20 px for 9–10 pt print
PSM = 3  # automatic page segmentation (invoices mix blocks, columns and tables)


def normalise(image: Any, width: int = TARGET_WIDTH) -> Any:
    """Greyscale at a fixed width (scans come at 100–600 dpi), specks removed, then binarised (Otsu)."""
    import numpy as np
    from PIL import Image, ImageFilter

    gray = image.convert("L")
    if abs(gray.width - width) > width * 0.1:
        factor = width / gray.width
        gray = gray.resize((width, max(1, int(gray.height * factor))), Image.Resampling.LANCZOS)
    gray = gray.filter(ImageFilter.MedianFilter(3))
    pixels = np.asarray(gray, dtype=np.uint8)
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = pixels.size
    cum, cum_mean = np.cumsum(hist), np.cumsum(hist * np.arange(256))
    w0 = cum[:-1]
    w1 = total - w0
    valid = (w0 > 0) & (w1 > 0)
    m0 = np.where(valid, cum_mean[:-1] / np.maximum(w0, 1), 0)
    m1 = np.where(valid, (cum_mean[-1] - cum_mean[:-1]) / np.maximum(w1, 1), 0)
    between = np.where(valid, w0 * w1 * (m0 - m1) ** 2, 0)
    threshold = int(np.argmax(between))
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


def language_of(words: list[Word]) -> str:
    """The document's language (en, es, pt, fr, de, it) from the label words read so far; English when unsure."""
    from collections import Counter

    from clearway.documents.extract import labels as L

    counts = Counter(L.norm(" ".join(w.text for w in words)).split())
    scores = {lang: sum(counts[w] for w in vocab) for lang, vocab in L.LANGUAGE_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > scores.get("en", 0) else "en"


def read_page(image: Any, page: int, *, psm: int = PSM, width: int = TARGET_WIDTH) -> tuple[list[Word], float]:
    """Deskews, normalises and reads one page; returns its words and the angle corrected.

    The first pass reads with the English model only (one model: several times faster than four); when the
    words say the page is in Spanish, Portuguese, French, German or Italian and that model is installed, the page
    is read again with it alone, and the pass with the higher mean confidence is kept. A language without a
    model (or one the labels do not know) keeps the English pass.
    """
    langs = available()
    if langs is None:
        raise RuntimeError("Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-spa …)")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    straight, angle = deskew(image)
    clean = normalise(straight, width)
    words = ocr_words(clean, page, "eng", psm=psm)
    lang = TESSERACT_LANG.get(language_of(words), "eng")
    if lang != "eng" and lang in langs.split("+"):
        again = ocr_words(clean, page, lang, psm=psm)
        if _mean_conf(again) >= _mean_conf(words):
            words = again
    return words, angle


def _mean_conf(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0
