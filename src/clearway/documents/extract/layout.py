"""Words and lines with their positions on the page, from a text PDF (pdfplumber) or a scan (Tesseract)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

MAX_WORDS_PER_PAGE = 20_000
OCR_TIMEOUT_S = 90


@dataclass(frozen=True, slots=True)
class Word:
    """A word and its box, in points from the top-left corner of its page."""

    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float = 1.0

    @property
    def xc(self) -> float:
        """Returns the horizontal centre."""
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class Line:
    """The words of one printed line, left to right."""

    page: int
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        """Returns the line as text, words separated by one space."""
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        """Returns the top of the line."""
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        """Returns the bottom of the line."""
        return max(w.bottom for w in self.words)

    def bbox(self, words: tuple[Word, ...] | None = None) -> list[float]:
        """Returns the box of the line (or of some of its words)."""
        ws = words or self.words
        return [
            round(min(w.x0 for w in ws), 1),
            round(min(w.top for w in ws), 1),
            round(max(w.x1 for w in ws), 1),
            round(max(w.bottom for w in ws), 1),
        ]


def group_lines(words: list[Word]) -> list[Line]:
    """Groups words into lines by vertical overlap, then orders lines top to bottom per page."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.page, (w.top + w.bottom) / 2, w.x0)):
        mid = (w.top + w.bottom) / 2
        if lines:
            last = lines[-1]
            ref = last[0]
            height = max(ref.bottom - ref.top, 1.0)
            if ref.page == w.page and abs(mid - (ref.top + ref.bottom) / 2) < height * 0.5:
                last.append(w)
                continue
        lines.append([w])
    # Split a line where a wide horizontal gap separates two columns: each keeps its own words.
    return [Line(ws[0].page, tuple(sorted(ws, key=lambda w: w.x0))) for ws in lines]


def pdf_words(body: bytes, max_pages: int) -> tuple[list[Word], int]:
    """Reads the words of a text PDF with pdfplumber; returns them and the number of pages read."""
    import pdfplumber

    words: list[Word] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            pages = pdf.pages[:max_pages]
            for number, page in enumerate(pages, start=1):
                raw = page.extract_words(keep_blank_chars=False, x_tolerance=1.5, y_tolerance=2)
                # Text printed sideways in a margin (a legal or copyright note along the edge) comes as words
                # stacked one per line across the whole page: when most of the page is upright, it is taken out
                # of the page and read as lines of its own under the page's last line.
                sideways = [w for w in raw if not w.get("upright", True)]
                if sideways and len(sideways) * 4 < len(raw):
                    raw = [w for w in raw if w.get("upright", True)]
                else:
                    sideways = []
                for w in raw[:MAX_WORDS_PER_PAGE]:
                    words.append(
                        Word(
                            str(w["text"]), number, float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])
                        )
                    )
                if sideways:
                    turned = [c["matrix"][1] > 0 for c in page.chars if not c.get("upright", True)]
                    below = max((float(w["bottom"]) for w in raw), default=0.0)
                    words.extend(sideways_words(sideways, number, below, sum(turned) * 2 >= len(turned)))
            return words, len(pages)


def sideways_words(raw: list[dict[str, Any]], page: int, below: float, upward: bool) -> list[Word]:
    """Words of text turned 90° as horizontal lines under the page (``below``): one line per column of the
    turned text; read bottom to top (its letters reversed) when it was turned counter-clockwise."""
    columns: list[list[dict[str, Any]]] = []
    for w in sorted(raw, key=lambda w: float(w["x0"])):
        if columns and abs(float(w["x0"]) - float(columns[-1][0]["x0"])) < 2:
            columns[-1].append(w)
        else:
            columns.append([w])
    out: list[Word] = []
    for k, column in enumerate(columns):
        column.sort(key=lambda w: float(w["top"]), reverse=upward)
        top, x = below + 24 + 14 * k, 36.0
        for w in column:
            text = str(w["text"])[::-1] if upward else str(w["text"])
            out.append(Word(text, page, x, top, x + 5 * len(text), top + 9))
            x += 5 * len(text) + 3
    return out[:MAX_WORDS_PER_PAGE]


def render_pdf_pages(body: bytes, max_pages: int, dpi: int = 200) -> list[Any]:
    """Renders PDF pages to images (for scanned PDFs that carry no text) with pypdfium2."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(body)
    try:
        images = []
        for i in range(min(len(pdf), max_pages)):
            images.append(pdf[i].render(scale=dpi / 72).to_pil().convert("RGB"))
        return images
    finally:
        pdf.close()


def _meaningful(text: str, conf: float) -> bool:
    """Tells a word from scan noise: specks read as punctuation or as a lone low-confidence letter."""
    alnum = sum(ch.isalnum() for ch in text)
    return alnum > 0 and (alnum > 1 or conf >= 0.6 or text.isdigit())


def ocr_words(image: Any, page: int, lang: str, *, psm: int = 3) -> list[Word]:
    """Reads the words of a page image with Tesseract; coordinates in the image's pixels."""
    import pytesseract

    data: dict[str, list[Any]] = pytesseract.image_to_data(
        image, lang=lang, config=f"--psm {int(psm)} --oem 1", output_type=pytesseract.Output.DICT, timeout=OCR_TIMEOUT_S
    )
    words = []
    for i, text in enumerate(data["text"]):
        text = str(text).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0 or not _meaningful(text, conf / 100):
            continue
        x0, top = float(data["left"][i]), float(data["top"][i])
        words.append(
            Word(text, page, x0, top, x0 + float(data["width"][i]), top + float(data["height"][i]), conf / 100)
        )
    return words[:MAX_WORDS_PER_PAGE]
