"""What a supporting document is, and how its kind is told from its bytes (never from what the client says).

Plain domain code: no I/O, no database. The sniffing looks only at the bytes; deeper checks (PDF structure,
image decoding, XML parsing) live in ``inspect.py``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from clearway.core.issues import Issue, ValidationFailed
from clearway.core.phrases import substitute

MAX_BYTES = 10_000_000
MAX_PAGES = 30
# A PDF whose streams inflate to more than this is refused (a "zip bomb" in PDF form).
MAX_INFLATED_BYTES = 60_000_000
MAX_INFLATION_RATIO = 200
MAX_IMAGE_PIXELS = 40_000_000
MAX_FILENAME = 200


class DocumentType(StrEnum):
    """What the document is for (the trader says so; the platform does not guess it)."""

    INVOICE = "invoice"
    PACKING_LIST = "packing-list"
    CERTIFICATE_OF_ORIGIN = "certificate-of-origin"
    TRANSPORT = "transport"
    OTHER = "other"


class Format(StrEnum):
    """The file format, as sniffed from the bytes."""

    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    TIFF = "tiff"
    UBL = "ubl"
    CII = "cii"
    CFDI = "cfdi"
    NFE = "nfe"

    @property
    def media_type(self) -> str:
        """Returns the media type the platform serves the file with."""
        return MEDIA_TYPES[self]

    @property
    def is_image(self) -> bool:
        """Tells whether the file is a raster image (a scan or a photo)."""
        return self in {Format.PNG, Format.JPEG, Format.TIFF}

    @property
    def is_einvoice(self) -> bool:
        """Tells whether the file is a structured e-invoice."""
        return self in {Format.UBL, Format.CII, Format.CFDI, Format.NFE}


MEDIA_TYPES: dict[Format, str] = {
    Format.PDF: "application/pdf",
    Format.PNG: "image/png",
    Format.JPEG: "image/jpeg",
    Format.TIFF: "image/tiff",
    Format.UBL: "application/xml",
    Format.CII: "application/xml",
    Format.CFDI: "application/xml",
    Format.NFE: "application/xml",
}

# Signatures of formats that must never hide inside an accepted file (executables, archives, scripts).
_FOREIGN = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"Rar!", "a RAR archive"),
    (b"\xca\xfe\xba\xbe", "a Mach-O or Java class file"),
    (b"#!", "a script"),
)
_ZIP_DIRECTORY = b"PK\x05\x06"
_HTML = re.compile(rb"<\s*(script|html|iframe|svg)\b", re.IGNORECASE)
# Active content a PDF may never carry. Embedded files are refused too, except one Factur-X / ZUGFeRD / XRechnung
# invoice XML, which ``inspect`` proves from the PDF's objects (see ``EINVOICE_ATTACHMENTS``).
ACTIVE_NAMES = ("JavaScript", "JS", "Launch", "RichMedia", "XFA", "SubmitForm", "ImportData")
_PDF_ACTIVE = re.compile(rb"/(" + "|".join(ACTIVE_NAMES).encode() + rb")\b")
_EMBEDDED_FILE = re.compile(rb"/EmbeddedFile\b")
# The names under which Factur-X (factur-x.xml), ZUGFeRD 1.0 and 2.0 (zugferd-invoice.xml, ZUGFeRD-invoice.xml) and
# XRechnung (xrechnung.xml) attach their CII invoice, compared without case; the relationships they declare.
EINVOICE_ATTACHMENTS = frozenset({"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"})
EINVOICE_RELATIONSHIPS = frozenset({"Data", "Alternative", "Source"})
# Beside its invoice XML, a PDF may carry a few supporting documents (Factur-X allows them: a delivery note, a
# timesheet) when each is itself a plain PDF: no scripts, forms or attachments of its own. They are checked, kept
# inside the stored PDF, never read for fields. Other relationships (EncryptedPayload, FormData, Schema) are refused.
SUPPORTING_RELATIONSHIPS = frozenset({"Supplement", "Data", "Source", "Alternative", "Unspecified"})
MAX_SUPPORTING_ATTACHMENTS = 3
MAX_SUPPORTING_BYTES = 10_000_000
UBL_INVOICE_ROOT = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
MAX_EMBEDDED_XML_BYTES = 5_000_000
CII_NAMESPACE = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
# ZUGFeRD 1.0 (2014-2019, German invoices): the FeRD's profile of the older CII, root rsm:CrossIndustryDocument.
ZUGFERD_1_NAMESPACE = "urn:ferd:CrossIndustryDocument:invoice:1p0"
CII_ROOT = f"{{{CII_NAMESPACE}}}CrossIndustryInvoice"
ZUGFERD_1_ROOT = f"{{{ZUGFERD_1_NAMESPACE}}}CrossIndustryDocument"
# The roots read as Format.CII, by the namespace the document is sniffed with (either may sit in a PDF).
CII_ROOTS = {CII_NAMESPACE: CII_ROOT, ZUGFERD_1_NAMESPACE: ZUGFERD_1_ROOT}
ACTIVE_CONTENT_MESSAGE = (
    "the PDF carries scripts, launch actions, forms or embedded files; print it to a plain PDF and retry"
)
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_ENDSTREAM = b"endstream"
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_STREAM_HEAD = 4096  # how far before a stream its dictionary is looked for
_XML_ROOTS = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": Format.UBL,
    CII_NAMESPACE: Format.CII,
    ZUGFERD_1_NAMESPACE: Format.CII,
    "http://www.sat.gob.mx/cfd/4": Format.CFDI,
    "http://www.sat.gob.mx/cfd/3": Format.CFDI,
    "http://www.portalfiscal.inf.br/nfe": Format.NFE,
}


def N_(message: str) -> str:
    """Marks a template for the catalogues (Babel extracts it) without translating it here."""
    return message


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Refusal(Issue):
    """A refusal whose message comes from a catalogue template: the API answers it in the client's language."""

    template: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def translated(self, gettext: Callable[[str], str]) -> str:
        """Returns the message in the language of a gettext function (English when a translation lost a field)."""
        text = gettext(self.template)
        if set(_PLACEHOLDER.findall(text)) != set(_PLACEHOLDER.findall(self.template)):
            text = self.template
        return substitute(text, dict(self.params))


def refuse(code: str, message: str, where: str = "/file") -> ValidationFailed:
    """Returns the error a refused upload raises."""
    return ValidationFailed([Issue(code, message, where)])


def refuse_as(code: str, template: str, where: str = "/file", **params: object) -> ValidationFailed:
    """Returns the error a refused upload raises, its message a catalogue template (marked with ``N_``)."""
    values = tuple((k, str(v)) for k, v in params.items())
    message = substitute(template, dict(values))
    return ValidationFailed([Refusal(code, message, where, template=template, params=values)])


def sniff(body: bytes) -> Format:
    """Tells the format from the first bytes; refuses anything that is not an accepted document.

    Refuses polyglots: a PDF or image that also carries an executable, an archive directory or HTML script.
    """
    if not body:
        raise refuse("DOCUMENT_EMPTY", "the file is empty")
    if len(body) > MAX_BYTES:
        raise refuse("DOCUMENT_TOO_LARGE", f"the file exceeds {MAX_BYTES:,} bytes")
    for magic, what in _FOREIGN:
        if body.startswith(magic):
            raise refuse("DOCUMENT_TYPE_UNSUPPORTED", f"the file is {what}, not a document")
    fmt = _magic(body)
    if fmt is None:
        raise refuse_as(
            "DOCUMENT_TYPE_UNSUPPORTED",
            N_(
                "the file is not a PDF, PNG, JPEG or TIFF image, nor an XML e-invoice (UBL 2.1, UN/CEFACT CII as "
                "Factur-X, ZUGFeRD or XRechnung send it, CFDI or NF-e)"
            ),
        )
    if not fmt.is_einvoice:
        if _ZIP_DIRECTORY in body[-65_600:] or b"PK\x03\x04" in body[:4096]:
            raise refuse("DOCUMENT_POLYGLOT", "the file also contains a ZIP archive; send the document alone")
        if _HTML.search(body[:8192]) or _HTML.search(body[-8192:]):
            raise refuse("DOCUMENT_POLYGLOT", "the file also contains HTML or script; send the document alone")
    return fmt


def _magic(body: bytes) -> Format | None:
    if body.startswith(b"%PDF-"):
        return Format.PDF
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return Format.PNG
    if body.startswith(b"\xff\xd8\xff"):
        return Format.JPEG
    if body.startswith((b"II*\x00", b"MM\x00*")):
        return Format.TIFF
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return xml_format(body)
    return None


def xml_format(body: bytes) -> Format | None:
    """Returns the e-invoice format from the namespaces the document declares (before parsing it)."""
    head = body[:8192]
    for namespace, fmt in _XML_ROOTS.items():
        if namespace.encode() in head:
            return fmt
    return None


def active_content() -> ValidationFailed:
    """Returns the refusal of a PDF with scripts, actions, forms or files other than its e-invoice XML."""
    return refuse("DOCUMENT_ACTIVE_CONTENT", ACTIVE_CONTENT_MESSAGE)


def check_pdf_bytes(body: bytes, *, einvoice_attachment: bool = False) -> None:
    """Refuses PDFs with active content (scripts, launch actions, embedded files) or streams that inflate too much.

    Runs on the raw bytes before any PDF library sees the file, so a decompression bomb never reaches one. With
    ``einvoice_attachment``, embedded files are left to the caller, which must then prove from the PDF's objects
    that the only one is a CII invoice XML (``inspect``); scripts and actions are refused all the same.

    Names are looked for in the PDF's own syntax and inside its object streams (inflated), never inside other
    stream data: an image's compressed bytes spell ``/JS`` by chance about once in 20 MB, and a scan must not be
    refused for that. A stream without its ``endstream`` leaves the rest of the file searched as syntax.
    """
    syntax, streams = _split_streams(body)
    searched = list(syntax)
    inflated = 0
    for head, chunk in streams:
        if not chunk.startswith((b"x", b"\x78")):
            continue
        decomp = zlib.decompressobj()
        budget = max(MAX_INFLATED_BYTES - inflated, 1)
        try:
            out = decomp.decompress(chunk, budget + 1)
        except zlib.error:
            continue  # not Flate, or damaged: the PDF library decides
        inflated += len(out)
        if inflated > MAX_INFLATED_BYTES or (len(chunk) > 1000 and len(out) > MAX_INFLATION_RATIO * len(chunk) > 0):
            raise refuse(
                "DOCUMENT_BOMB",
                f"the PDF's streams inflate beyond {MAX_INFLATED_BYTES:,} bytes or {MAX_INFLATION_RATIO}x; refused",
            )
        if _OBJECT_STREAM.search(head):
            searched.append(out)
    for part in searched:
        if _PDF_ACTIVE.search(part) or (not einvoice_attachment and _EMBEDDED_FILE.search(part)):
            raise active_content()


def _split_streams(body: bytes) -> tuple[list[bytes], list[tuple[bytes, bytes]]]:
    """Splits a PDF's bytes into its syntax (everything outside stream data) and its streams (dictionary, data)."""
    syntax: list[bytes] = []
    streams: list[tuple[bytes, bytes]] = []
    pos = 0
    while True:
        match = _STREAM.search(body, pos)
        end = -1 if match is None else body.find(_ENDSTREAM, match.end())
        if match is None or end < 0:
            syntax.append(body[pos:])
            return syntax, streams
        syntax.append(body[pos : match.end()])
        streams.append((body[max(pos, match.start() - _STREAM_HEAD) : match.start()], body[match.end() : end]))
        pos = end + len(_ENDSTREAM)


def check_filename(name: str | None) -> str:
    """Returns a safe display name for the upload (no path, no control characters, bounded)."""
    raw = (name or "document").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in raw if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return (clean or "document")[:MAX_FILENAME]


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document attached to a declaration: immutable once stored."""

    id: str
    declaration_id: str
    mrn: str
    type: DocumentType
    format: Format
    filename: str
    size: int
    sha256: str
    pages: int
    uploaded_by: str
    uploaded_role: str
    uploaded_party: str | None
    uploaded_at: datetime
    fields: dict[str, Any] = field(default_factory=dict)
