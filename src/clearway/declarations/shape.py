"""The shape of a lodged body: reading it (JSON, depth) and the schema's verdict in plain words.

``load`` reads the body as a trader sent it; ``schema_issues`` turns the schema's (Pydantic's) errors into
issues from the catalogue, one per field; ``drop`` takes a broken value out of the lenient copy so that the other
checks still run on the rest. The one-pass check that uses them is ``validation.check``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from clearway.core.issues import Issue, pointer
from clearway.declarations import messages
from clearway.platform.deps import MAX_JSON_DEPTH, json_too_deep

MAX_DEPTH = 12


def plain(value: Any) -> Any:
    """Returns a decimal or a date as JSON writes it (a string); any other value as it is."""
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def load(raw: bytes | str | Mapping[str, Any]) -> tuple[Any, list[Issue]]:
    """Reads the body into a document; JSON that cannot be read is the one thing that stops the pass."""
    if isinstance(raw, Mapping):
        return json.loads(json.dumps(raw, default=plain)), []
    text = raw.decode("utf-8", errors="strict") if isinstance(raw, bytes) else raw
    if not text.strip():
        return None, [messages.issue("BODY_EMPTY", "")]
    if json_too_deep(text):
        return None, [messages.issue("JSON_INVALID", "", detail=f"nested deeper than {MAX_JSON_DEPTH} levels")]
    try:
        doc = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        return None, [messages.issue("JSON_INVALID", "", detail=str(exc)[:120])]
    return _jsonable(doc), []


def _jsonable(doc: Any) -> Any:
    """Keeps JSON decimals exact as strings-free numbers pydantic reads strictly."""
    if isinstance(doc, dict):
        return {k: _jsonable(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_jsonable(v) for v in doc]
    return doc


def too_deep(doc: Any, depth: int = 0) -> bool:
    """Tells whether the document nests deeper than ``MAX_DEPTH`` levels."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(doc, dict):
        return any(too_deep(v, depth + 1) for v in doc.values())
    if isinstance(doc, list):
        return any(too_deep(v, depth + 1) for v in doc)
    return False


_KIND = {
    "string_type": "string",
    "int_type": "int",
    "int_parsing": "int",
    "int_from_float": "int",
    "decimal_type": "decimal",
    "decimal_parsing": "decimal",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
    "list_type": "list",
    "bool_type": "value",
}


def schema_issues(exc: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[Issue]:
    """Turns Pydantic errors into issues in plain words from the catalogue, one per field."""
    out: list[Issue] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        ptr = pointer(*prefix, *loc)
        kind, ctx = err["type"], err.get("ctx") or {}
        label = messages.element_label(pointer(*loc)) if loc else messages.element_label("")
        value = err.get("input")
        code = "SCHEMA_" + kind.upper()
        if kind == "missing" or (value is None and kind in _KIND):
            out.append(messages.issue("REQUIRED", ptr, element=label, category="all"))
        elif kind == "extra_forbidden":
            out.append(messages.issue("UNKNOWN_FIELD", ptr, name=str(loc[-1]) if loc else ""))
        elif kind in _KIND:
            expected = messages.expected_format(pointer(*loc), _KIND[kind])
            out.append(messages.coded(code, "SCHEMA_TYPE", ptr, element=label, expected=expected))
        elif kind in {"string_too_long", "too_long"}:
            key = "SCHEMA_TOO_LONG" if kind == "string_too_long" else "SCHEMA_TOO_MANY"
            out.append(messages.coded(code, key, ptr, element=label, limit=ctx.get("max_length", "")))
        elif kind in {"string_too_short", "too_short"}:
            fmt = messages.FORMATS.get(messages.element_key(pointer(*loc)))
            if fmt and kind == "string_too_short" and value:
                out.append(
                    messages.coded(code, "SCHEMA_FORMAT", ptr, element=label, expected=fmt, value=str(value)[:40])
                )
            else:
                key = "SCHEMA_TOO_SHORT" if kind == "string_too_short" else "SCHEMA_TOO_FEW"
                out.append(messages.coded(code, key, ptr, element=label, limit=ctx.get("min_length", "")))
        elif kind == "string_pattern_mismatch":
            expected = messages.expected_format(pointer(*loc))
            out.append(
                messages.coded(code, "SCHEMA_FORMAT", ptr, element=label, expected=expected, value=str(value)[:40])
            )
        elif kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
            low, high = ctx.get("ge", ctx.get("gt", "…")), ctx.get("le", ctx.get("lt", "…"))
            out.append(messages.coded(code, "SCHEMA_RANGE", ptr, element=label, low=low, high=high))
        elif kind in {"decimal_max_places", "decimal_max_digits", "decimal_whole_digits"}:
            key = "SCHEMA_DECIMALS" if kind == "decimal_max_places" else "SCHEMA_DIGITS"
            limit = ctx.get("decimal_places", ctx.get("max_digits", ctx.get("whole_digits", "")))
            out.append(messages.coded(code, key, ptr, element=label, limit=limit))
        else:
            expected = messages.expected_format(pointer(*loc))
            out.append(messages.coded(code, "SCHEMA_TYPE", ptr, element=label, expected=expected))
    return out


def drop(doc: Any, loc: tuple[str | int, ...]) -> None:
    """Removes a broken value from the lenient copy so that the rest can still be checked."""
    node = doc
    for part in loc[:-1]:
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            return
        node = node[part]
    last = loc[-1] if loc else None
    if isinstance(node, dict) and isinstance(last, str):
        node.pop(last, None)
    elif isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        node[last] = None


__all__ = ["MAX_DEPTH", "drop", "load", "plain", "schema_issues", "too_deep"]
