"""Uploads are judged by their bytes: malicious, malformed and disguised files are refused before any reader runs."""

from __future__ import annotations

import io

import pytest

from clearway.core.issues import ValidationFailed
from clearway.documents.extract.pipeline import extract_document
from clearway.documents.model import Format, check_filename, sniff
from tests.unit.documents import helpers


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (helpers.pdf_bomb(), "DOCUMENT_BOMB"),
        (helpers.pdf_with_javascript(), "DOCUMENT_ACTIVE_CONTENT"),
        (helpers.polyglot_pdf_zip(), "DOCUMENT_POLYGLOT"),
        (helpers.html_claiming_pdf(), "DOCUMENT_TYPE_UNSUPPORTED"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "DOCUMENT_MALFORMED"),
        (b"%PDF-1.7\n" + b"\xff" * 5000, "DOCUMENT_MALFORMED"),
        (b"MZ\x90\x00" + b"\0" * 100, "DOCUMENT_TYPE_UNSUPPORTED"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "DOCUMENT_MALFORMED"),
        (helpers.XML_BOMB, "XML_UNSAFE"),
        (helpers.XXE, "XML_UNSAFE"),
        (b"<?xml version='1.0'?><note>hello</note>", "DOCUMENT_TYPE_UNSUPPORTED"),
        (b"", "DOCUMENT_EMPTY"),
    ],
    ids=[
        "pdf-bomb",
        "javascript",
        "pdf-zip-polyglot",
        "html-as-pdf",
        "malformed-pdf",
        "garbage-pdf",
        "exe",
        "broken-png",
        "xml-bomb",
        "xxe",
        "other-xml",
        "empty",
    ],
)
def test_malicious_or_unreadable_files_are_refused_with_a_code(body: bytes, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        extract_document(body)
    assert [i.code for i in exc.value.issues] == [code]


def test_an_image_bomb_is_refused_before_decoding() -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buf, format="PNG")  # 400 Mpx, a few kB compressed
    with pytest.raises(ValidationFailed) as exc:
        extract_document(buf.getvalue())
    assert exc.value.issues[0].code == "DOCUMENT_BOMB"


def test_too_many_pages_are_refused() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(31):
        c.drawString(100, 700, f"page {i}")
        c.showPage()
    c.save()
    with pytest.raises(ValidationFailed) as exc:
        extract_document(buf.getvalue())
    assert exc.value.issues[0].code == "DOCUMENT_TOO_MANY_PAGES"


def test_formats_are_sniffed_from_bytes_and_names_are_made_safe() -> None:
    from clearway.documents.einvoice_samples import cfdi_invoice, nfe_invoice

    assert sniff(cfdi_invoice()) is Format.CFDI and sniff(nfe_invoice()) is Format.NFE
    assert sniff(b"\xff\xd8\xff\xe0rest") is Format.JPEG and sniff(b"II*\x00rest") is Format.TIFF
    assert check_filename("../../etc/passwd") == "passwd" and check_filename("a\x00b<c>.pdf") == "abc.pdf"
    assert check_filename(None) == "document"


def test_a_zip_bomb_is_refused_without_being_inflated() -> None:
    import time
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("invoice.pdf", b"\0" * 50_000_000)  # 50 MB of zeros in ~50 KB
    body = buf.getvalue()
    assert len(body) < 200_000
    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as exc:
        extract_document(body)
    assert [i.code for i in exc.value.issues] == ["DOCUMENT_TYPE_UNSUPPORTED"]
    assert time.perf_counter() - started < 2  # refused from its first bytes, never unpacked
