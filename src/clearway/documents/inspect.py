"""Deep checks of an upload with bounded parsers: the PDF's structure, the image's size, the XML's safety.

Nothing here runs what a document contains: PDFs are read as data (no scripts, no forms, no links followed),
images are decoded with a pixel ceiling, XML is parsed with DTDs and entities forbidden.

A PDF may embed its invoice XML: the CII invoice of a Factur-X, ZUGFeRD 2.x or XRechnung invoice, or the
CrossIndustryDocument of a ZUGFeRD 1.0 one, under the name its standard gives it (``EINVOICE_ATTACHMENTS``), or a
UBL 2.1 or CII invoice under another ``.xml`` name (Odoo and other invoicing programs attach their UBL so). Beside
it, at most ``MAX_SUPPORTING_ATTACHMENTS`` supporting documents (a delivery note) when each is a plain PDF that
passes every check here with no attachment of its own; they stay inside the stored PDF and are not read. The check
walks every object pypdf finds (object streams included, so a script or a file hidden in a compressed object stream
is seen too): any script or action name, a second XML, a file that is neither, a PDF without an invoice XML, a
relationship other than those allowed, related files or a portfolio are refused as active content. The XML is
inflated with a bound, then parsed like an uploaded e-invoice.
"""

from __future__ import annotations

import io
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from clearway.core.issues import ValidationFailed
from clearway.documents.model import (
    ACTIVE_NAMES,
    CII_NAMESPACE,
    CII_ROOTS,
    EINVOICE_ATTACHMENTS,
    EINVOICE_RELATIONSHIPS,
    MAX_EMBEDDED_XML_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_PAGES,
    MAX_SUPPORTING_ATTACHMENTS,
    MAX_SUPPORTING_BYTES,
    N_,
    SUPPORTING_RELATIONSHIPS,
    UBL_INVOICE_ROOT,
    ZUGFERD_1_NAMESPACE,
    Format,
    active_content,
    check_pdf_bytes,
    refuse,
    refuse_as,
)

MAX_XML_BYTES = 2_000_000
# A PDF with more objects than this is refused before they are walked: an invoice has a few hundred, and pypdf
# reads about 10,000 objects a second on a loaded shared core (20,000 cost about 2 s).
MAX_PDF_OBJECTS = 20_000
_MAX_DEPTH = 32
_ACTIVE = frozenset(f"/{name}" for name in ACTIVE_NAMES) | {"/GoToE"}
_XML_SUBTYPES = frozenset({"/text/xml", "/application/xml"})


@dataclass(frozen=True)
class Embedded:
    """The CII invoice a PDF carries: the name it is attached under and its parsed root element."""

    name: str
    relationship: str | None
    root: Any
    format: Format = Format.CII
    supporting: tuple[str, ...] = ()  # the names of the plain PDFs attached beside it (checked, not read)


@dataclass(frozen=True)
class Checked:
    """What the deep check learnt: the page count and, for a Factur-X / ZUGFeRD PDF, its invoice XML."""

    pages: int
    embedded: Embedded | None = None


def inspect(body: bytes, fmt: Format) -> int:
    """Checks the document deeply and returns its page count; raises ``ValidationFailed`` when refused."""
    return check(body, fmt).pages


def check(body: bytes, fmt: Format) -> Checked:
    """Checks the document deeply; returns its page count and the e-invoice a PDF embeds, if any."""
    if fmt is Format.PDF:
        return _pdf(body)
    if fmt.is_image:
        return Checked(len(open_image_frames(body)))
    root = parse_xml(body)
    if fmt is Format.CII and root.tag not in CII_ROOTS.values():
        head = body[:8192]
        if ZUGFERD_1_NAMESPACE.encode() in head and CII_NAMESPACE.encode() not in head:
            raise refuse_as(
                "DOCUMENT_TYPE_UNSUPPORTED",
                N_("the XML uses the ZUGFeRD 1.0 namespace but is not an rsm:CrossIndustryDocument"),
            )
        raise refuse_as(
            "DOCUMENT_TYPE_UNSUPPORTED",
            N_("the XML uses the Cross Industry Invoice namespace but is not an rsm:CrossIndustryInvoice"),
        )
    return Checked(1)


def check_plain_pdf(body: bytes) -> int:
    """Checks a PDF that may embed nothing at all (a certificate, a supporting document): the byte check with no
    attachment allowed, then the object walk; returns its page count or raises ``ValidationFailed``."""
    return _pdf(body, attachments=False).pages


def _pdf(body: bytes, *, attachments: bool = True) -> Checked:
    check_pdf_bytes(body, einvoice_attachment=attachments)
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
            if reader.is_encrypted:
                raise refuse("DOCUMENT_ENCRYPTED", "the PDF is encrypted; send it without a password")
            pages = len(reader.pages)
            if 1 <= pages <= MAX_PAGES:
                found = _walk(reader)
                if found.specs or found.streams:
                    if not attachments:
                        raise active_content()
                    return Checked(pages, _einvoice(reader, found))
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise refuse("DOCUMENT_MALFORMED", f"the PDF cannot be read ({type(exc).__name__})") from None
    if pages < 1:
        raise refuse("DOCUMENT_MALFORMED", "the PDF has no pages")
    if pages > MAX_PAGES:
        raise refuse("DOCUMENT_TOO_MANY_PAGES", f"the PDF has {pages} pages; at most {MAX_PAGES} are accepted")
    return Checked(pages)


@dataclass
class _Found:
    specs: list[Any]  # file specifications with embedded files (/EF)
    streams: dict[tuple[int, int], Any]  # the embedded file streams, by object number


def _objects(reader: Any) -> Iterator[tuple[tuple[int, int], Any]]:
    """Yields every object of the PDF that pypdf can read (object streams included), with its number."""
    from pypdf.errors import PyPdfError
    from pypdf.generic import IndirectObject

    numbers = {(idnum, gen) for gen, table in reader.xref.items() for idnum in table}
    numbers |= {(idnum, 0) for idnum in reader.xref_objStm}
    if len(numbers) > MAX_PDF_OBJECTS:
        raise refuse_as(
            "DOCUMENT_MALFORMED",
            N_(
                "the PDF has more than {limit} objects; an invoice has a few hundred, print it to a plain PDF and retry"
            ),
            limit=f"{MAX_PDF_OBJECTS:,}",
        )
    yield (0, -1), reader.trailer
    for idnum, gen in sorted(numbers):
        try:
            obj = reader.get_object(IndirectObject(idnum, gen, reader))
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
            continue  # unreadable here; the raw-byte check above has looked at its bytes
        if obj is not None:
            yield (idnum, gen), obj


def _walk(reader: Any) -> _Found:
    """Looks at every object for script and action names and embedded files; refuses active content."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found = _Found([], {})

    def visit(obj: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise _too_deep()
        if isinstance(obj, NameObject):
            if str(obj) in _ACTIVE:
                raise active_content()
        elif isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if str(key) in _ACTIVE or key in ("/RF", "/Collection"):
                    raise active_content()
                visit(value, depth + 1)
            if obj.get("/Type") == "/EmbeddedFile" and hasattr(obj, "get_data"):
                found.streams[_number(obj)] = obj
            ef = obj.get("/EF")
            if ef is not None:
                found.specs.append(obj)
                ef = ef.get_object()
                if not isinstance(ef, DictionaryObject):
                    raise active_content()
                for ref in ef.values():
                    if not isinstance(ref, IndirectObject):
                        raise active_content()
                    found.streams[(ref.idnum, ref.generation)] = ref.get_object()
        elif isinstance(obj, ArrayObject):
            for item in obj:
                visit(item, depth + 1)

    for _, obj in _objects(reader):
        visit(obj, 0)
    return found


def _too_deep() -> Exception:
    return refuse_as(
        "DOCUMENT_MALFORMED", N_("the PDF nests its objects more than {limit} levels deep"), limit=_MAX_DEPTH
    )


def _number(obj: Any) -> tuple[int, int]:
    ref = getattr(obj, "indirect_reference", None)
    return (ref.idnum, ref.generation) if ref is not None else (-1, id(obj))


def _einvoice(reader: Any, found: _Found) -> Embedded:
    """Accepts the PDF's embedded files when one is an invoice XML and the others plain supporting PDFs; else
    refuses."""
    # each indirect object is walked once and each direct one where it sits: the list holds every file spec
    if not found.specs or len(found.specs) > 1 + MAX_SUPPORTING_ATTACHMENTS or len(found.streams) != len(found.specs):
        raise active_content()
    listed = {n.lower() for n in _tree_names(reader)}
    named: set[str] = set()
    invoice: Embedded | None = None
    supporting: list[str] = []
    for spec in found.specs:
        names = {str(spec[k]) for k in ("/UF", "/F") if k in spec}
        if len({n.lower() for n in names}) != 1:
            raise active_content()
        name = next(iter(names))
        named.add(name.lower())
        stream = _stream_of(spec, found)
        relationship = spec.get("/AFRelationship")
        rel = str(relationship).lstrip("/") if relationship is not None else None
        if name.lower().endswith(".xml"):
            if invoice is not None or (rel is not None and rel not in EINVOICE_RELATIONSHIPS):
                raise active_content()
            invoice = _invoice_xml(stream, name, rel)
        else:
            if rel is not None and rel not in SUPPORTING_RELATIONSHIPS:
                raise active_content()
            _supporting_pdf(stream, name)
            supporting.append(name)
    if invoice is None or not listed <= named:
        raise active_content()
    return Embedded(invoice.name, invoice.relationship, invoice.root, invoice.format, tuple(supporting))


def _stream_of(spec: Any, found: _Found) -> Any:
    """The one embedded file stream a file specification points to (its /F and /UF entries may share it)."""
    from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

    ef = spec["/EF"].get_object()
    refs = {(r.idnum, r.generation) for r in ef.values() if isinstance(r, IndirectObject)}
    if not isinstance(ef, DictionaryObject) or len(refs) != 1:
        raise active_content()
    stream = found.streams.get(next(iter(refs)))
    if not isinstance(stream, StreamObject):
        raise active_content()
    return stream


def _invoice_xml(stream: Any, name: str, relationship: str | None) -> Embedded:
    """Parses the attached invoice XML: CII (or ZUGFeRD 1.0) under a standard name, UBL 2.1 or CII under another."""
    subtype = stream.get("/Subtype")
    if subtype is not None and str(subtype).lower() not in _XML_SUBTYPES:
        raise active_content()
    root = parse_xml(_inflate(stream, name), embedded=name)
    if name.lower() in EINVOICE_ATTACHMENTS:
        if root.tag not in CII_ROOTS.values():
            raise refuse_as(
                "DOCUMENT_EMBEDDED_NOT_INVOICE",
                N_(
                    "the PDF embeds {name}, but it is not a UN/CEFACT Cross Industry Invoice (the XML of Factur-X, "
                    "ZUGFeRD and XRechnung); send the PDF without it"
                ),
                name=name,
            )
        return Embedded(name, relationship, root, Format.CII)
    if root.tag == UBL_INVOICE_ROOT:
        return Embedded(name, relationship, root, Format.UBL)
    if root.tag in CII_ROOTS.values():
        return Embedded(name, relationship, root, Format.CII)
    raise refuse_as(
        "DOCUMENT_EMBEDDED_NOT_INVOICE",
        N_("the PDF embeds {name}, but it is not an e-invoice (UBL 2.1 or UN/CEFACT CII); send the PDF without it"),
        name=name,
    )


def _supporting_pdf(stream: Any, name: str) -> None:
    """Checks a supporting document attached beside the invoice XML: a plain PDF with no attachment of its own."""
    body = _inflate(stream, name, limit=MAX_SUPPORTING_BYTES)
    if not body.startswith(b"%PDF-"):
        raise active_content()
    try:
        check_plain_pdf(body)
    except ValidationFailed:
        raise refuse_as(
            "DOCUMENT_ACTIVE_CONTENT",
            N_(
                "the PDF embeds {name}, which is not a plain PDF (a script, a form, an attachment of its own, another "
                "kind of file or a damaged one); send the invoice without it"
            ),
            name=name,
        ) from None


def _tree_names(reader: Any) -> Iterator[str]:
    """Yields the names under which the catalogue's /EmbeddedFiles name tree lists files (bounded depth)."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    stack = [(tree.get_object(), 0)] if tree is not None else []
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise _too_deep()
        pairs = node.get("/Names")
        if pairs is not None:
            pairs = pairs.get_object()
            yield from (str(pairs[i].get_object()) for i in range(0, len(pairs), 2))
        for kid in node.get("/Kids", []) or []:
            stack.append((kid.get_object(), depth + 1))


def _inflate(stream: Any, name: str, *, limit: int = MAX_EMBEDDED_XML_BYTES) -> bytes:
    """An embedded file's bytes, inflated with a bound (only FlateDecode, or no filter, is accepted)."""
    raw = bytes(getattr(stream, "_data", b"") or b"")
    filters = stream.get("/Filter")
    if filters is not None:
        filters = filters.get_object()
    chain = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)] if filters else []
    too_large = refuse_as(
        "DOCUMENT_TOO_LARGE",
        N_("the file embedded in the PDF ({name}) exceeds {limit} bytes"),
        name=name,
        limit=f"{limit:,}",
    )
    if chain not in ([], ["/FlateDecode"]) or stream.get("/DecodeParms") is not None:
        raise refuse_as(
            "DOCUMENT_MALFORMED",
            N_("the file embedded in the PDF ({name}) is encoded with a filter other than FlateDecode"),
            name=name,
        )
    if not chain:
        if len(raw) > limit:
            raise too_large
        return raw
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error:
        raise refuse_as(
            "DOCUMENT_MALFORMED",
            N_("the file embedded in the PDF ({name}) cannot be inflated"),
            name=name,
        ) from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise too_large
    return out


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


def parse_xml(body: bytes, *, embedded: str | None = None) -> Any:
    """Parses an e-invoice with DTDs, entities and external references forbidden; returns the root element.

    ``embedded`` names the attachment when the XML comes out of a PDF (its size was bounded when inflated).
    """
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if embedded is None and len(body) > MAX_XML_BYTES:
        raise refuse("DOCUMENT_TOO_LARGE", f"the XML invoice exceeds {MAX_XML_BYTES:,} bytes")
    try:
        return SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        if embedded is not None:
            raise refuse_as(
                "XML_UNSAFE",
                N_(
                    "the invoice XML embedded in the PDF ({name}) declares a DOCTYPE or ENTITY, which an e-invoice "
                    "may not carry"
                ),
                name=embedded,
            ) from None
        raise refuse("XML_UNSAFE", "DOCTYPE and ENTITY declarations are not accepted in an e-invoice") from None
    except SafeET.ParseError as exc:
        if embedded is not None:
            raise refuse_as(
                "XML_MALFORMED",
                N_("the invoice XML embedded in the PDF ({name}) is not well-formed XML: {detail}"),
                name=embedded,
                detail=str(exc),
            ) from None
        raise refuse("XML_MALFORMED", f"the e-invoice is not well-formed XML: {exc}") from None


def _on_white(img: Any) -> Any:
    """The frame as RGB; a transparent background (screenshots, exported PNGs) becomes white, not black."""
    from PIL import Image

    if img.mode in {"RGBA", "LA", "PA"} or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")
