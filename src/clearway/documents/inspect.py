"""Deep checks of an upload with bounded parsers: the PDF's structure, the image's size, the XML's safety.

Nothing here runs what a document contains: PDFs are read as data (no scripts, no forms, no links followed),
images are decoded with a pixel ceiling, XML is parsed with DTDs and entities forbidden.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from clearway.documents.model import MAX_IMAGE_PIXELS, MAX_PAGES, Format, check_pdf_bytes, refuse

MAX_XML_BYTES = 2_000_000


def inspect(body: bytes, fmt: Format) -> int:
    """Checks the document deeply and returns its page count; raises ``ValidationFailed`` when refused."""
    if fmt is Format.PDF:
        return _pdf_pages(body)
    if fmt.is_image:
        return len(open_image_frames(body))
    parse_xml(body)
    return 1


def _pdf_pages(body: bytes) -> int:
    check_pdf_bytes(body)
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
            if reader.is_encrypted:
                raise refuse("DOCUMENT_ENCRYPTED", "the PDF is encrypted; send it without a password")
            pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise refuse("DOCUMENT_MALFORMED", f"the PDF cannot be read ({type(exc).__name__})") from None
    if pages < 1:
        raise refuse("DOCUMENT_MALFORMED", "the PDF has no pages")
    if pages > MAX_PAGES:
        raise refuse("DOCUMENT_TOO_MANY_PAGES", f"the PDF has {pages} pages; at most {MAX_PAGES} are accepted")
    return pages


def open_image_frames(body: bytes) -> list[Any]:
    """Decodes an image (every TIFF page) with a pixel ceiling; returns the frames as RGB Pillow images."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    frames: list[Any] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(body)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(body)) as img:
                count = int(getattr(img, "n_frames", 1))
                if count > MAX_PAGES:
                    raise refuse("DOCUMENT_TOO_MANY_PAGES", f"the image has {count} pages; at most {MAX_PAGES}")
                for i in range(count):
                    img.seek(i)
                    if img.width * img.height > MAX_IMAGE_PIXELS:
                        raise refuse("DOCUMENT_TOO_LARGE", "the image has too many pixels")
                    frames.append(_on_white(img))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refuse("DOCUMENT_BOMB", "the image declares more pixels than accepted") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise refuse("DOCUMENT_MALFORMED", f"the image cannot be decoded ({type(exc).__name__})") from None
    return frames


def parse_xml(body: bytes) -> Any:
    """Parses an e-invoice with DTDs, entities and external references forbidden; returns the root element."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if len(body) > MAX_XML_BYTES:
        raise refuse("DOCUMENT_TOO_LARGE", f"the XML invoice exceeds {MAX_XML_BYTES:,} bytes")
    try:
        return SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise refuse("XML_UNSAFE", "DOCTYPE and ENTITY declarations are not accepted in an e-invoice") from None
    except SafeET.ParseError as exc:
        raise refuse("XML_MALFORMED", f"the e-invoice is not well-formed XML: {exc}") from None


def _on_white(img: Any) -> Any:
    """The frame as RGB; a transparent background (screenshots, exported PNGs) becomes white, not black."""
    from PIL import Image

    if img.mode in {"RGBA", "LA", "PA"} or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")
