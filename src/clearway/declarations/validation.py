"""One pass over a lodged declaration: schema, data requirements of its category, derivations, rules.

``check(raw, ctx)`` takes the declaration as a trader sent it (JSON bytes or text, a parsed document, or an
already built ``DeclarationData``) and returns every issue at once — a wrong type in one field never hides
the rules on the others — with the data (when there is no issue), the values derived instead of demanded
(each with its source) and the category whose data requirements applied.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from clearway.core.codes import Nomenclature
from clearway.core.ids import CheckDigits
from clearway.core.issues import Issue, pointer
from clearway.core.time import utcnow
from clearway.declarations import codec, messages, rules
from clearway.declarations.model import DeclarationData
from clearway.declarations.requirements import ELEMENTS, Category, Matrix, Requirements, shipped
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.deps import MAX_JSON_DEPTH, json_too_deep

MAX_DEPTH = 12


@dataclass(frozen=True, slots=True)
class Derivation:
    """A value Clearway filled in instead of asking for it, and where it came from."""

    pointer: str
    value: Any
    source: str

    def as_dict(self) -> dict[str, Any]:
        """Returns the derivation as the declaration and its history show it."""
        return {"pointer": self.pointer, "value": _plain(self.value), "source": self.source}


@dataclass(frozen=True)
class CheckContext:
    """What checking needs: the nomenclature (None: schema and data requirements only), matrices, today."""

    nomenclature: Nomenclature | None
    requirements: Requirements = field(default_factory=shipped)
    today: date | None = None
    # Party ids with a wrong check digit: not looked at, warned about (``Checked.warnings``) or refused (issues).
    party_ids: CheckDigits = "off"


@dataclass(frozen=True)
class Checked:
    """The outcome of one pass: the data (None when there are issues), every issue, derivations, category."""

    data: DeclarationData | None
    issues: list[Issue]
    derived: list[Derivation]
    category: Category | None
    matrix: Matrix | None = None
    # The data as far as it could be read, placeholders for what is missing, even when there are issues: what a
    # provisional acceptance (``ports.ValidationRelief``) lodges when every issue is waived. Never lodged otherwise.
    draft: DeclarationData | None = None
    # What is accepted but should be looked at (party ids with a wrong check digit, when the setting warns).
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tells whether the declaration can be accepted."""
        return self.data is not None and not self.issues


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def _load(raw: bytes | str | Mapping[str, Any]) -> tuple[Any, list[Issue]]:
    """Reads the body into a document; JSON that cannot be read is the one thing that stops the pass."""
    if isinstance(raw, Mapping):
        return json.loads(json.dumps(raw, default=_plain)), []
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


def _too_deep(doc: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return True
    if isinstance(doc, dict):
        return any(_too_deep(v, depth + 1) for v in doc.values())
    if isinstance(doc, list):
        return any(_too_deep(v, depth + 1) for v in doc)
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


def _drop(doc: Any, loc: tuple[str | int, ...]) -> None:
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


def _absent(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, dict):
        return all(_absent(v) for v in value.values())
    return isinstance(value, list) and not value


def _at(doc: Any, ptr: str) -> Any:
    """Returns the value at a JSON pointer with list indices, or None."""
    node = doc
    for part in ptr.strip("/").split("/") if ptr.strip("/") else []:
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _get(doc: Mapping[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.strip("/").split("/"):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _requested_procedures(doc: Mapping[str, Any]) -> list[str]:
    items = doc.get("goods_items")
    if not isinstance(items, list):
        return []
    return [str(i.get("procedure_code")) for i in items if isinstance(i, Mapping) and i.get("procedure_code")]


def category_of(doc: Mapping[str, Any], matrix: Matrix) -> Category:
    """Returns the category of a declaration document under a matrix."""
    return matrix.category_for(
        str(doc.get("type") or "").upper(),
        str(doc.get("additional_type") or "").upper(),
        _requested_procedures(doc),
        _get(doc, "consignment/transport_mode"),
    )


def requirement_issues(doc: Mapping[str, Any], category: Category, skip: set[str]) -> list[Issue]:
    """Checks the presence of every element the category requires, and the absence of those it refuses."""
    out: list[Issue] = []
    above_skipped = {p for s in skip for p in _prefixes(s)}
    items = [
        i if isinstance(i, Mapping) else {}
        for i in doc.get("goods_items") or []
        if isinstance(doc.get("goods_items"), list)
    ]
    for element, path in ELEMENTS.items():
        req = category.requirement(element)
        if req.level == "optional":
            continue
        if "*" in path:
            head, _, tail = path.partition("/*/")
            targets = [
                (pointer(head.strip("/"), n, *tail.split("/")), item, _get(item, tail)) for n, item in enumerate(items)
            ]
        else:
            targets = [(path, {}, _get(doc, path))]
        label = messages.element_label(element)
        if req.level == "not_allowed":
            found = messages.issue("NOT_ALLOWED", "", element=label, category=category.label)
        elif req.level == "conditional":
            found = messages.coded(
                "REQUIRED",
                "CONDITIONAL_REQUIRED",
                "",
                element=label,
                category=category.label,
                condition=req.condition_text,
            )
        else:
            found = messages.issue("REQUIRED", "", element=label, category=category.label)
        for ptr, item, value in targets:
            if _covered(ptr, skip) or ptr in above_skipped:
                continue
            if req.level == "not_allowed":
                if not _absent(value):
                    out.append(replace(found, pointer=ptr))
            elif _absent(value) and req.applies(doc, item or None):
                out.append(replace(found, pointer=ptr))
    return out


def derive(
    doc: dict[str, Any], category: Category, today: date, broken: set[str] | frozenset[str] = frozenset()
) -> list[Derivation]:
    """Fills what can be taken from elsewhere in the declaration, and says where from.

    Nothing is derived into a field that was declared wrong (``broken``): that field is reported instead.
    """
    out: list[Derivation] = []
    items = (
        [i for i in doc.get("goods_items") or [] if isinstance(i, dict)]
        if isinstance(doc.get("goods_items"), list)
        else []
    )
    invoice = doc.get("invoice") if isinstance(doc.get("invoice"), dict) else None
    method = category.requirement("goods_items.valuation_method")
    for n, item in enumerate(items):
        base = f"/goods_items/{n}"

        def free(name: str, base: str = base) -> bool:
            return f"{base}/{name}" not in broken

        if (
            _absent(item.get("valuation_method"))
            and method.default
            and method.level != "not_allowed"
            and free("valuation_method")
        ):
            item["valuation_method"] = method.default
            out.append(
                Derivation(
                    f"{base}/valuation_method",
                    method.default,
                    f"the default of {category.label}: the transaction value",
                )
            )
        if _absent(item.get("net_mass")) and not _absent(item.get("gross_mass")) and free("net_mass"):
            item["net_mass"] = item["gross_mass"]
            out.append(Derivation(f"{base}/net_mass", item["gross_mass"], f"{base}/gross_mass"))
        if _absent(item.get("gross_mass")) and not _absent(item.get("net_mass")) and free("gross_mass"):
            item["gross_mass"] = item["net_mass"]
            out.append(Derivation(f"{base}/gross_mass", item["net_mass"], f"{base}/net_mass"))
        unit_free = _absent(item.get("unit")) or item.get("unit") == "KGM"
        if (
            _absent(item.get("quantity"))
            and not _absent(item.get("net_mass"))
            and unit_free
            and not {f"{base}/quantity", f"{base}/unit"} & broken
        ):
            item["quantity"], item["unit"] = item["net_mass"], "KGM"
            out.append(Derivation(f"{base}/quantity", item["net_mass"], f"{base}/net_mass (in KGM)"))
        if (
            _absent(item.get("invoice_currency"))
            and invoice
            and not _absent(invoice.get("currency"))
            and free("invoice_currency")
        ):
            item["invoice_currency"] = invoice["currency"]
            out.append(Derivation(f"{base}/invoice_currency", invoice["currency"], "/invoice/currency"))
    if invoice is None and items:
        invoice = doc["invoice"] = {}
    if invoice is not None:
        if _absent(invoice.get("currency")) and "/invoice/currency" not in broken:
            currency = next((i.get("invoice_currency") for i in items if not _absent(i.get("invoice_currency"))), None)
            if currency is not None:
                invoice["currency"] = currency
                out.append(Derivation("/invoice/currency", currency, "/goods_items/0/invoice_currency"))
        if _absent(invoice.get("total_amount")) and "/invoice/total_amount" not in broken:
            amounts = [_decimal(i.get("invoice_amount")) for i in items]
            same = all(i.get("invoice_currency") in {None, invoice.get("currency")} for i in items)
            if items and same and all(a is not None for a in amounts):
                total = sum((a for a in amounts if a is not None), Decimal(0))
                invoice["total_amount"] = str(total)
                out.append(Derivation("/invoice/total_amount", str(total), "the sum of /goods_items/*/invoice_amount"))
    if items and _absent(doc.get("total_items")) and "/total_items" not in broken:
        doc["total_items"] = len(items)
        out.append(Derivation("/total_items", len(items), "the number of /goods_items"))
    counts = [_get(i, "packages/count") for i in items]
    if (
        items
        and _absent(doc.get("total_packages"))
        and "/total_packages" not in broken
        and all(isinstance(c, int) and not isinstance(c, bool) for c in counts)
    ):
        doc["total_packages"] = sum(c for c in counts if isinstance(c, int))
        out.append(Derivation("/total_packages", doc["total_packages"], "the sum of /goods_items/*/packages/count"))
    consignment = doc.get("consignment")
    if (
        isinstance(consignment, dict)
        and _absent(consignment.get("arrival_date"))
        and "/consignment/arrival_date" not in broken
    ):
        consignment["arrival_date"] = today.isoformat()
        out.append(Derivation("/consignment/arrival_date", today.isoformat(), "the lodgement date"))
    return out


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


# Issues that compare several fields: dropped when one of their inputs is already reported broken.
_AGGREGATES: dict[str, tuple[str, ...]] = {
    "INVOICE_TOTAL_MISMATCH": ("/invoice", "/goods_items"),
    "TOTAL_PACKAGES_MISMATCH": ("/total_packages", "/goods_items"),
    "TOTAL_ITEMS_MISMATCH": ("/total_items", "/goods_items"),
    "MASS_NET_EXCEEDS_GROSS": ("/goods_items",),
    "ITEMS_REQUIRED": ("/goods_items",),
}


def _prefixes(ptr: str) -> list[str]:
    """Returns the pointer and every pointer above it (/a/b/c → /a/b/c, /a/b, /a)."""
    parts = ptr.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 1, -1)]


def _covered(ptr: str, reported: set[str]) -> bool:
    """Tells whether the pointer, or a field above it, is already reported (in time linear in its depth)."""
    return any(p in reported for p in _prefixes(ptr))


def check(
    raw: bytes | str | Mapping[str, Any] | DeclarationData,
    ctx: CheckContext,
    *,
    extensions: dict[str, Any] | None = None,
    prior: list[dict[str, Any]] | None = None,
) -> Checked:
    """Parses and validates a declaration in one pass: every issue at once, derivations, category.

    ``prior`` are derivations made before (e.g. by the WCO DM mapping); a ``DeclarationData`` checked again
    keeps those recorded in its extensions, so the derivations returned are always complete.
    """
    today = ctx.today or utcnow().date()
    earlier = [Derivation(d["pointer"], d.get("value"), str(d.get("source", ""))) for d in prior or []]
    if isinstance(raw, DeclarationData):
        doc: Any = codec.to_json(raw)
        extensions = {**raw.extensions, **(extensions or {})}
        recorded = (extensions.get("requirements") or {}).get("derived") or []
        earlier += [Derivation(d["pointer"], d.get("value"), str(d.get("source", ""))) for d in recorded]
        issues: list[Issue] = []
    else:
        doc, issues = _load(raw)
        if issues:
            return Checked(None, issues, [], None)
    if not isinstance(doc, dict):
        return Checked(None, [messages.issue("NOT_AN_OBJECT", "")], [], None)
    if _too_deep(doc):
        return Checked(
            None,
            [messages.issue("SCHEMA_TYPE", "", element="The document", expected="nested at most 12 levels deep")],
            [],
            None,
        )
    body = {k: v for k, v in doc.items() if k != "extensions"}
    lenient: dict[str, Any] = json.loads(json.dumps(body, default=_plain))
    broken: set[str] = set()
    try:
        DeclarationIn.model_validate_json(json.dumps(body, default=_plain))
    except ValidationError as exc:
        issues = schema_issues(exc)
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            broken.add(pointer(*loc))
            _drop(lenient, loc)
    matrix = ctx.requirements.for_office(str(lenient.get("office") or ""))
    category = category_of(lenient, matrix)
    derived = _merge(earlier, derive(lenient, category, today, broken))  # derive first: don't demand it
    issues += requirement_issues(lenient, category, broken)
    reported = {i.pointer for i in issues} | broken
    data = codec.from_document(lenient, extensions, today=today)
    found = (
        [] if ctx.nomenclature is None else rules.validate(data, rules.RuleContext(ctx.nomenclature, matrix, category))
    )
    for issue in found:
        inputs = _AGGREGATES.get(issue.code)
        if inputs is not None:
            if any(_covered(b, set(inputs)) for b in broken):
                continue
        elif _covered(issue.pointer, reported) or _absent(_at(lenient, issue.pointer)):
            continue  # the field is already reported, or not declared (a placeholder stands for it)
        issues.append(issue)
    warnings: list[Issue] = []
    if ctx.party_ids != "off":
        digits = rules.party_id_check_digits(data, reported)
        if ctx.party_ids == "refuse":
            issues += digits
        else:
            warnings = digits
    if derived:
        data = codec.with_derivations(data, [d.as_dict() for d in derived], category.id, matrix)
    if issues:
        return Checked(None, _unique(issues), derived, category, matrix, draft=data, warnings=warnings)
    return Checked(data, [], derived, category, matrix, draft=data, warnings=warnings)


def _merge(earlier: list[Derivation], now: list[Derivation]) -> list[Derivation]:
    out = {d.pointer: d for d in earlier}
    out.update({d.pointer: d for d in now})
    return list(out.values())


def _unique(issues: list[Issue]) -> list[Issue]:
    seen: set[tuple[str, str]] = set()
    out = []
    for i in issues:
        if (i.code, i.pointer) not in seen:
            seen.add((i.code, i.pointer))
            out.append(i)
    return out


__all__ = ["CheckContext", "Checked", "Derivation", "category_of", "check", "derive", "schema_issues"]
