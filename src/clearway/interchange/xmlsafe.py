"""Safe XML reading: no DTDs, no entities, no network, bounded size and depth."""

from __future__ import annotations

import re

from lxml import etree

from clearway.core.issues import Issue, ValidationFailed

MAX_XML_BYTES = 2_000_000
MAX_DEPTH = 40
# Codes the lodge answer reports as 400 Bad Request: the body is not a readable, safe XML document.
BAD_REQUEST_CODES = frozenset({"XML_UNSAFE", "XML_MALFORMED", "XML_TOO_LARGE", "BODY_EMPTY"})
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )


def _declares_dtd(body: bytes) -> bool:
    if _DTD.search(body):
        return True
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if body.startswith(bom):
            text = body[len(bom) :].decode(codec, errors="ignore").encode("utf-8", errors="ignore")
            return bool(_DTD.search(text))
    return False


def parse(body: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parses an XML document safely, refusing DTDs and entities (billion laughs, XXE) before reading it."""
    if not body.strip():
        raise ValidationFailed([Issue("BODY_EMPTY", "the request body is empty; send a WCO DM XML document", "/")])
    if len(body) > max_bytes:
        raise ValidationFailed(
            [Issue("XML_TOO_LARGE", f"the XML document exceeds {max_bytes} bytes; split the submission", "/")]
        )
    if _declares_dtd(body):
        raise ValidationFailed(
            [
                Issue(
                    "XML_UNSAFE",
                    "DOCTYPE and ENTITY declarations are not accepted (entity expansion and external "
                    "entities are refused); send the WCO DM document without a DTD",
                    "/",
                )
            ]
        )
    try:
        root = etree.fromstring(body, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise ValidationFailed(
            [Issue("XML_MALFORMED", f"the body is not well-formed XML{where}: {exc.msg}", "/")]
        ) from None
    if root.getroottree().docinfo.internalDTD is not None:  # pragma: no cover - refused above
        raise ValidationFailed([Issue("XML_UNSAFE", "DTDs are not accepted", "/")])
    if root.xpath("boolean(/*" + "/*" * MAX_DEPTH + ")"):
        raise ValidationFailed([Issue("XML_UNSAFE", f"the document nests deeper than {MAX_DEPTH} levels", "/")])
    return root


def local(el: etree._Element) -> str:
    """Returns an element's tag without its namespace."""
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
