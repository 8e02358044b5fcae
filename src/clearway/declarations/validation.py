"""One pass over a lodged declaration: schema, data requirements of its category, derivations, rules.

``check(raw, ctx)`` takes the declaration as a trader sent it (JSON bytes or text, a parsed document, or an
already built ``DeclarationData``) and returns every issue at once — a wrong type in one field never hides
the rules on the others — with the data (when there is no issue), the values derived instead of demanded
(each with its source) and the category whose data requirements applied.

The pass is put together here; its parts live beside it: ``shape`` (reading the body, the schema's issues),
``completeness`` (the category, its data requirements, derivations) and ``rules`` (cross-field rules, party ids).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from clearway.core.codes import Nomenclature
from clearway.core.ids import CheckDigits
from clearway.core.issues import Issue, pointer
from clearway.core.time import utcnow
from clearway.declarations import codec, messages, rules
from clearway.declarations.completeness import (
    Derivation,
    absent,
    category_of,
    covered,
    derive,
    requirement_issues,
)
from clearway.declarations.model import DeclarationData
from clearway.declarations.requirements import Category, Matrix, Requirements, shipped
from clearway.declarations.schemas import DeclarationIn
from clearway.declarations.shape import MAX_DEPTH, drop, load, plain, schema_issues, too_deep


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


# Issues that compare several fields: dropped when one of their inputs is already reported broken.
_AGGREGATES: dict[str, tuple[str, ...]] = {
    "INVOICE_TOTAL_MISMATCH": ("/invoice", "/goods_items"),
    "TOTAL_PACKAGES_MISMATCH": ("/total_packages", "/goods_items"),
    "TOTAL_ITEMS_MISMATCH": ("/total_items", "/goods_items"),
    "MASS_NET_EXCEEDS_GROSS": ("/goods_items",),
    "ITEMS_REQUIRED": ("/goods_items",),
}


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
        doc, issues = load(raw)
        if issues:
            return Checked(None, issues, [], None)
    if not isinstance(doc, dict):
        return Checked(None, [messages.issue("NOT_AN_OBJECT", "")], [], None)
    if too_deep(doc):
        return Checked(
            None,
            [messages.issue("SCHEMA_TYPE", "", element="The document", expected="nested at most 12 levels deep")],
            [],
            None,
        )
    body = {k: v for k, v in doc.items() if k != "extensions"}
    lenient: dict[str, Any] = json.loads(json.dumps(body, default=plain))
    broken: set[str] = set()
    try:
        DeclarationIn.model_validate_json(json.dumps(body, default=plain))
    except ValidationError as exc:
        issues = schema_issues(exc)
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            broken.add(pointer(*loc))
            drop(lenient, loc)
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
            if any(covered(b, set(inputs)) for b in broken):
                continue
        elif covered(issue.pointer, reported) or absent(_at(lenient, issue.pointer)):
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


__all__ = [
    "MAX_DEPTH",
    "CheckContext",
    "Checked",
    "Derivation",
    "category_of",
    "check",
    "derive",
    "requirement_issues",
    "schema_issues",
]
