"""Malicious and sample files written for the tests."""

from __future__ import annotations

import functools
import io
import zlib

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("pdfplumber")


def pdf_with(stream: bytes, extra: bytes = b"") -> bytes:
    """A one-page PDF with the given content stream (raw) and extra objects."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    out.write(extra)
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


@functools.cache
def pdf_bomb() -> bytes:
    """A PDF whose content stream inflates a thousandfold (20 kB to 20 MB of zeros)."""
    return pdf_with(zlib.compress(b"\0" * 20_000_000, 9))


def pdf_with_javascript() -> bytes:
    """A PDF that opens with a JavaScript action."""
    return pdf_with(zlib.compress(b"BT ET"), b"5 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n")


def polyglot_pdf_zip() -> bytes:
    """Bytes that read as a PDF and, from the end, as a ZIP archive."""
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.sh", "#!/bin/sh\necho owned\n")
    return pdf_with(zlib.compress(b"BT ET")) + buf.getvalue()


def html_claiming_pdf() -> bytes:
    """An HTML page with script, as a client might upload it under application/pdf."""
    return b"<html><script>alert(1)</script></html>"


XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol2;</ID></Invoice>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>"""
