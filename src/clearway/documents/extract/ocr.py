"""Scans: straighten the page (projection-profile deskew), then read it with Debian's Tesseract."""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from typing import Any

from clearway.documents.extract.layout import Word, ocr_words

LANGS = ("eng", "spa", "por", "fra")


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


def read_page(image: Any, page: int) -> tuple[list[Word], float]:
    """Deskews and reads one page; returns its words and the angle corrected."""
    langs = available()
    if langs is None:
        raise RuntimeError("Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-spa …)")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    straight, angle = deskew(image)
    gray = straight.convert("L")
    if gray.width < 1600:  # small scans read better enlarged
        factor = 1600 / gray.width
        gray = gray.resize((int(gray.width * factor), int(gray.height * factor)))
    return ocr_words(gray, page, langs), angle
