"""The declaration form: flat field names like ``goods_items.0.commodity_code`` mapped to and from JSON.

A field's name is its JSON pointer with dots, so an error at ``/goods_items/0/commodity_code`` is shown
next to the field named ``goods_items.0.commodity_code``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from clearway.core.issues import Issue

PARTY_FIELDS = ("id", "name", "country", "address")
REPRESENTATIVE_FIELDS = ("id", "name", "country", "representation")
CONSIGNMENT_FIELDS = (
    "transport_mode",
    "means_id",
    "means_nationality",
    "loading_place",
    "discharge_place",
    "arrival_date",
)
INVOICE_FIELDS = ("number", "incoterm", "currency", "total_amount", "freight", "insurance")
ITEM_FIELDS = (
    "sequence",
    "description",
    "commodity_code",
    "origin_country",
    "preference",
    "quantity",
    "unit",
    "net_mass",
    "gross_mass",
    "invoice_amount",
    "invoice_currency",
    "valuation_method",
    "procedure_code",
    "packages.count",
    "packages.kind",
    "packages.marks",
    "product_ids",
)
DOCUMENT_FIELDS = ("type", "reference", "item_sequence")
HEADER_FIELDS = ("type", "additional_type", "lrn", "office", "total_items", "total_packages")
INTEGERS = frozenset({"transport_mode", "sequence", "packages.count", "item_sequence", "total_items", "total_packages"})
MAX_ROWS = 99
_INT = re.compile(r"^-?\d{1,9}$")
_ROW = re.compile(r"^(goods_items|documents)\.(\d{1,3})\.(.+)$")


def flatten(doc: Mapping[str, Any]) -> dict[str, str]:
    """Turns a declaration document into form values keyed by dotted field names."""
    out: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list) and prefix.endswith("product_ids"):
            out[prefix] = ", ".join(str(v) for v in value)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(f"{prefix}.{i}", v)
        elif value is not None:
            out[prefix] = str(value)

    walk("", doc)
    return out


def _typed(name: str, raw: str) -> Any:
    if name in INTEGERS:
        return int(raw) if _INT.match(raw) else raw  # leave a bad number for the schema to point at
    if name == "product_ids":
        return [p.strip() for p in raw.split(",") if p.strip()]
    return raw


def _section(values: Mapping[str, str], prefix: str, names: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        raw = values.get(f"{prefix}.{name}", "").strip()
        if not raw:
            continue
        if "." in name:
            head, tail = name.split(".", 1)
            out.setdefault(head, {})[tail] = _typed(name, raw)
        else:
            out[name] = _typed(name, raw)
    return out


def _rows(values: Mapping[str, str], kind: str, names: tuple[str, ...]) -> list[dict[str, Any]]:
    indices = sorted({int(m.group(2)) for k in values if (m := _ROW.match(k)) and m.group(1) == kind})
    rows = [_section(values, f"{kind}.{i}", names) for i in indices[:MAX_ROWS]]
    return [r for r in rows if r]


def unflatten(values: Mapping[str, str]) -> dict[str, Any]:
    """Builds the declaration document from form values; blank fields are left out so the schema names them."""
    doc: dict[str, Any] = {}
    for name in HEADER_FIELDS:
        raw = values.get(name, "").strip()
        if raw:
            doc[name] = _typed(name, raw)
    for party in ("declarant", "importer", "exporter"):
        doc[party] = _section(values, party, PARTY_FIELDS)
    rep = _section(values, "representative", REPRESENTATIVE_FIELDS)
    if rep:
        doc["representative"] = rep
    doc["consignment"] = _section(values, "consignment", CONSIGNMENT_FIELDS)
    doc["invoice"] = _section(values, "invoice", INVOICE_FIELDS)
    doc["goods_items"] = _rows(values, "goods_items", ITEM_FIELDS)
    documents = _rows(values, "documents", DOCUMENT_FIELDS)
    if documents:
        doc["documents"] = documents
    return doc


def field_name(pointer: str) -> str:
    """Returns the form field an error pointer refers to (``/goods_items/0/unit`` → ``goods_items.0.unit``)."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.strip("/").split("/")]
    if parts and parts[0] == "declaration":
        parts = parts[1:]  # amendments point into their "declaration" member
    return ".".join(parts)


def errors_by_field(issues: list[Issue], fields: set[str]) -> tuple[dict[str, list[str]], list[Issue]]:
    """Splits issues into messages per form field and those that point at no field on the form."""
    by_field: dict[str, list[str]] = {}
    elsewhere: list[Issue] = []
    for issue in issues:
        name = field_name(issue.pointer)
        if name in fields:
            by_field.setdefault(name, []).append(issue.message)
        else:
            elsewhere.append(issue)
    return by_field, elsewhere


def form_fields(item_rows: int, document_rows: int) -> set[str]:
    """Returns every field name the form shows for the given numbers of item and document rows."""
    names = set(HEADER_FIELDS)
    names |= {f"{p}.{n}" for p in ("declarant", "importer", "exporter") for n in PARTY_FIELDS}
    names |= {f"representative.{n}" for n in REPRESENTATIVE_FIELDS}
    names |= {f"consignment.{n}" for n in CONSIGNMENT_FIELDS}
    names |= {f"invoice.{n}" for n in INVOICE_FIELDS}
    names |= {f"goods_items.{i}.{n}" for i in range(item_rows) for n in ITEM_FIELDS}
    names |= {f"documents.{i}.{n}" for i in range(document_rows) for n in DOCUMENT_FIELDS}
    return names


def row_count(values: Mapping[str, str], kind: str) -> int:
    """Returns how many rows of goods items or documents the values hold (at least one)."""
    indices = [int(m.group(2)) for k in values if (m := _ROW.match(k)) and m.group(1) == kind]
    return min(max(indices, default=-1) + 1, MAX_ROWS) or 1
