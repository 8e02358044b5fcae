"""What a declaration's category demands, and what Clearway fills in instead of demanding it.

``category_of`` finds the category (type, additional type, procedures, transport mode) under an office's matrix;
``derive`` fills what can be taken from elsewhere in the declaration and says where from; ``requirement_issues``
reports every element the category requires but is missing, or refuses but is there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from clearway.core.issues import Issue, pointer
from clearway.declarations import messages
from clearway.declarations.requirements import ELEMENTS, Category, Matrix
from clearway.declarations.shape import plain


@dataclass(frozen=True, slots=True)
class Derivation:
    """A value Clearway filled in instead of asking for it, and where it came from."""

    pointer: str
    value: Any
    source: str

    def as_dict(self) -> dict[str, Any]:
        """Returns the derivation as the declaration and its history show it."""
        return {"pointer": self.pointer, "value": plain(self.value), "source": self.source}


def absent(value: Any) -> bool:
    """Tells whether a value is not declared: None, empty, or an object of such values."""
    if value is None or value == "":
        return True
    if isinstance(value, dict):
        return all(absent(v) for v in value.values())
    return isinstance(value, list) and not value


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
            if covered(ptr, skip) or ptr in above_skipped:
                continue
            if req.level == "not_allowed":
                if not absent(value):
                    out.append(replace(found, pointer=ptr))
            elif absent(value) and req.applies(doc, item or None):
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
            absent(item.get("valuation_method"))
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
        if absent(item.get("net_mass")) and not absent(item.get("gross_mass")) and free("net_mass"):
            item["net_mass"] = item["gross_mass"]
            out.append(Derivation(f"{base}/net_mass", item["gross_mass"], f"{base}/gross_mass"))
        if absent(item.get("gross_mass")) and not absent(item.get("net_mass")) and free("gross_mass"):
            item["gross_mass"] = item["net_mass"]
            out.append(Derivation(f"{base}/gross_mass", item["net_mass"], f"{base}/net_mass"))
        unit_free = absent(item.get("unit")) or item.get("unit") == "KGM"
        if (
            absent(item.get("quantity"))
            and not absent(item.get("net_mass"))
            and unit_free
            and not {f"{base}/quantity", f"{base}/unit"} & broken
        ):
            item["quantity"], item["unit"] = item["net_mass"], "KGM"
            out.append(Derivation(f"{base}/quantity", item["net_mass"], f"{base}/net_mass (in KGM)"))
        if (
            absent(item.get("invoice_currency"))
            and invoice
            and not absent(invoice.get("currency"))
            and free("invoice_currency")
        ):
            item["invoice_currency"] = invoice["currency"]
            out.append(Derivation(f"{base}/invoice_currency", invoice["currency"], "/invoice/currency"))
    if invoice is None and items:
        invoice = doc["invoice"] = {}
    if invoice is not None:
        if absent(invoice.get("currency")) and "/invoice/currency" not in broken:
            currency = next((i.get("invoice_currency") for i in items if not absent(i.get("invoice_currency"))), None)
            if currency is not None:
                invoice["currency"] = currency
                out.append(Derivation("/invoice/currency", currency, "/goods_items/0/invoice_currency"))
        if absent(invoice.get("total_amount")) and "/invoice/total_amount" not in broken:
            amounts = [_decimal(i.get("invoice_amount")) for i in items]
            same = all(i.get("invoice_currency") in {None, invoice.get("currency")} for i in items)
            if items and same and all(a is not None for a in amounts):
                total = sum((a for a in amounts if a is not None), Decimal(0))
                invoice["total_amount"] = str(total)
                out.append(Derivation("/invoice/total_amount", str(total), "the sum of /goods_items/*/invoice_amount"))
    if items and absent(doc.get("total_items")) and "/total_items" not in broken:
        doc["total_items"] = len(items)
        out.append(Derivation("/total_items", len(items), "the number of /goods_items"))
    counts = [_get(i, "packages/count") for i in items]
    if (
        items
        and absent(doc.get("total_packages"))
        and "/total_packages" not in broken
        and all(isinstance(c, int) and not isinstance(c, bool) for c in counts)
    ):
        doc["total_packages"] = sum(c for c in counts if isinstance(c, int))
        out.append(Derivation("/total_packages", doc["total_packages"], "the sum of /goods_items/*/packages/count"))
    consignment = doc.get("consignment")
    if (
        isinstance(consignment, dict)
        and absent(consignment.get("arrival_date"))
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


def _prefixes(ptr: str) -> list[str]:
    """Returns the pointer and every pointer above it (/a/b/c → /a/b/c, /a/b, /a)."""
    parts = ptr.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 1, -1)]


def covered(ptr: str, reported: set[str]) -> bool:
    """Tells whether the pointer, or a field above it, is already reported (in time linear in its depth)."""
    return any(p in reported for p in _prefixes(ptr))


__all__ = ["Derivation", "absent", "category_of", "covered", "derive", "requirement_issues"]
