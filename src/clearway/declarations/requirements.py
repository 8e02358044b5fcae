"""Data requirements as data: which elements a declaration must, may or must not carry, per category.

A matrix (YAML shipped in ``declarations/matrices/``, or an administration's own file) lists categories
matched on declaration type × additional declaration type × requested procedure, and for each data element
whether it is ``required``, ``optional``, ``not_allowed`` or ``conditional`` (required when a named
condition holds). Matrices apply by the country of the office of lodgement; the first matching category
of the matrix wins, so specific categories come before the catch-all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from clearway.declarations.messages import N_

MATRICES_DIR = Path(__file__).with_name("matrices")
ENV_FILES = "CLEARWAY_REQUIREMENTS"
REQUIREMENTS = frozenset({"required", "optional", "not_allowed", "conditional"})

# Elements a matrix may speak of: key → the JSON field path (items: the field of each goods item).
ELEMENTS: dict[str, str] = {
    "declarant": "/declarant",
    "importer": "/importer",
    "exporter": "/exporter",
    "representative": "/representative",
    "consignment.transport_mode": "/consignment/transport_mode",
    "consignment.means_id": "/consignment/means_id",
    "consignment.means_nationality": "/consignment/means_nationality",
    "consignment.loading_place": "/consignment/loading_place",
    "consignment.discharge_place": "/consignment/discharge_place",
    "consignment.arrival_date": "/consignment/arrival_date",
    "invoice": "/invoice",
    "invoice.incoterm": "/invoice/incoterm",
    "invoice.currency": "/invoice/currency",
    "invoice.total_amount": "/invoice/total_amount",
    "invoice.freight": "/invoice/freight",
    "invoice.insurance": "/invoice/insurance",
    "goods_items.description": "/goods_items/*/description",
    "goods_items.commodity_code": "/goods_items/*/commodity_code",
    "goods_items.origin_country": "/goods_items/*/origin_country",
    "goods_items.quantity": "/goods_items/*/quantity",
    "goods_items.net_mass": "/goods_items/*/net_mass",
    "goods_items.gross_mass": "/goods_items/*/gross_mass",
    "goods_items.invoice_amount": "/goods_items/*/invoice_amount",
    "goods_items.valuation_method": "/goods_items/*/valuation_method",
    "goods_items.procedure_code": "/goods_items/*/procedure_code",
    "goods_items.packages": "/goods_items/*/packages",
    "goods_items.preference": "/goods_items/*/preference",
    "documents": "/documents",
}


def _items(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = doc.get("goods_items")
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def _mode(doc: Mapping[str, Any]) -> Any:
    c = doc.get("consignment")
    return c.get("transport_mode") if isinstance(c, Mapping) else None


# Named conditions a matrix may use: each reads the declaration document (and, for item elements, the item).
Condition = Callable[[Mapping[str, Any], Mapping[str, Any] | None], bool]
CONDITIONS: dict[str, tuple[str, Condition]] = {
    "sea_or_air": (
        N_("the goods cross the border by sea or air"),
        lambda doc, item: _mode(doc) in {1, 4},
    ),
    "not_postal": (
        N_("the goods do not come by post"),
        lambda doc, item: _mode(doc) not in {5},
    ),
    "transaction_value": (
        N_("the value is the transaction value (valuation method 1)"),
        lambda doc, item: any(i.get("valuation_method") in {None, "1"} for i in ([item] if item else _items(doc))),
    ),
    "method_other_than_1": (
        N_("the value is not the transaction value (a valuation method other than 1)"),
        lambda doc, item: any(i.get("valuation_method") not in {None, "1"} for i in ([item] if item else _items(doc))),
    ),
    "no_supplementary_units": (
        N_("no quantity in supplementary units is declared (the net mass is the measure)"),
        lambda doc, item: item is not None and item.get("quantity") is None,
    ),
    "preference_claimed": (
        N_("a tariff preference is claimed"),
        lambda doc, item: item is not None and bool(item.get("preference")),
    ),
    "item_price_declared": (
        N_("item prices are declared"),
        lambda doc, item: any(i.get("invoice_amount") is not None for i in _items(doc)),
    ),
}


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a category asks of one element: required, optional, not allowed, or required when a condition holds."""

    element: str
    level: str
    when: str | None = None
    default: str | None = None

    def applies(self, doc: Mapping[str, Any], item: Mapping[str, Any] | None) -> bool:
        """Tells whether the element must be present on this declaration (or goods item)."""
        if self.level == "required":
            return True
        if self.level == "conditional" and self.when is not None:
            return CONDITIONS[self.when][1](doc, item)
        return False

    @property
    def condition_text(self) -> str:
        """Returns the condition in words."""
        return CONDITIONS[self.when][0] if self.when else ""


@dataclass(frozen=True, slots=True)
class Category:
    """A declaration category (H1 free circulation, H2 warehousing, C21 customs clearance request…)."""

    id: str
    name: str
    types: frozenset[str]
    additional_types: frozenset[str]
    procedures: frozenset[str]
    requirements: Mapping[str, Requirement]
    transport_modes: frozenset[str] = frozenset()

    def matches(
        self, type_: str | None, additional_type: str | None, procedures: Iterable[str], mode: object = None
    ) -> bool:
        """Tells whether a declaration with these codes falls in this category (empty sets match anything)."""
        if self.transport_modes and str(mode) not in self.transport_modes:
            return False
        if self.types and (type_ or "") not in self.types:
            return False
        if self.additional_types and (additional_type or "") not in self.additional_types:
            return False
        if self.procedures:
            requested = {p[:2] for p in procedures if p}
            if not requested or not requested <= self.procedures:
                return False
        return True

    def requirement(self, element: str) -> Requirement:
        """Returns what the category asks of an element (optional when the matrix does not say)."""
        return self.requirements.get(element, Requirement(element, "optional"))

    @property
    def label(self) -> str:
        """Returns the category as traders read it, e.g. 'H1 (free circulation)'."""
        return f"{self.id} ({self.name})"


@dataclass(frozen=True)
class Matrix:
    """One administration's data requirement matrix, versioned."""

    administration: str
    name: str
    version: str
    offices: frozenset[str]
    categories: tuple[Category, ...]
    valid_from: date | None = None
    source: str = ""
    own_party_authorisations: frozenset[str] = field(default_factory=frozenset)

    def category_for(
        self, type_: str | None, additional_type: str | None, procedures: Iterable[str], mode: object = None
    ) -> Category:
        """Returns the first category that matches (the last one is the matrix's catch-all)."""
        procs = list(procedures)
        for category in self.categories:
            if category.matches(type_, additional_type, procs, mode):
                return category
        return self.categories[-1]


class MatrixError(ValueError):
    """A matrix file that cannot be used, with where it is wrong."""


def _set(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str | int):
        return frozenset({str(value)})
    return frozenset(str(v) for v in value)


def _requirement(element: str, spec: Any, where: str) -> Requirement:
    if element not in ELEMENTS:
        raise MatrixError(f"{where}: unknown element '{element}' (known: {', '.join(sorted(ELEMENTS))})")
    if isinstance(spec, str):
        spec = {"requirement": spec}
    if not isinstance(spec, Mapping):
        raise MatrixError(f"{where}: '{element}' must be a requirement or a mapping with 'requirement'")
    level = str(spec.get("requirement", "optional"))
    if level not in REQUIREMENTS:
        raise MatrixError(f"{where}: '{element}' requirement '{level}' is not one of {sorted(REQUIREMENTS)}")
    when = spec.get("when")
    if level == "conditional" and when not in CONDITIONS:
        raise MatrixError(f"{where}: '{element}' needs 'when', one of {sorted(CONDITIONS)}")
    default = spec.get("default")
    return Requirement(element, level, str(when) if when else None, None if default is None else str(default))


def parse_matrix(doc: Any, source: str = "") -> Matrix:
    """Builds a matrix from its YAML document, refusing unknown elements, levels or conditions."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("categories"), list) or not doc["categories"]:
        raise MatrixError(f"{source}: a matrix needs 'administration', 'version' and a list of 'categories'")
    base = dict(doc.get("defaults") or {})
    categories = []
    for n, raw in enumerate(doc["categories"]):
        where = f"{source} categories[{n}]"
        if not isinstance(raw, Mapping) or "id" not in raw:
            raise MatrixError(f"{where}: a category needs an 'id'")
        match = raw.get("match") or {}
        specs = {**base, **(raw.get("elements") or {})}
        categories.append(
            Category(
                id=str(raw["id"]),
                name=str(raw.get("name", raw["id"])),
                types=_set(match.get("type")),
                additional_types=_set(match.get("additional_type")),
                procedures=_set(match.get("procedure")),
                transport_modes=_set(match.get("transport_mode")),
                requirements={e: _requirement(e, s, where) for e, s in specs.items()},
            )
        )
    valid_from = doc.get("valid_from")
    return Matrix(
        administration=str(doc.get("administration", "")),
        name=str(doc.get("name", "")),
        version=str(doc.get("version", "")),
        offices=_set(doc.get("offices")),
        categories=tuple(categories),
        valid_from=valid_from if isinstance(valid_from, date) else None,
        source=source,
        own_party_authorisations=_set(doc.get("authorisations_held_by_a_party")),
    )


def load(path: Path) -> Matrix:
    """Loads a matrix from a YAML file."""
    with path.open(encoding="utf-8") as f:
        return parse_matrix(yaml.safe_load(f), str(path.name))


@dataclass(frozen=True)
class Requirements:
    """Every loaded matrix; a declaration gets the one of its office's country, else the default."""

    matrices: tuple[Matrix, ...]
    default: Matrix

    def for_office(self, office: str | None) -> Matrix:
        """Returns the matrix that applies to declarations lodged at an office."""
        country = (office or "")[:2].upper()
        for matrix in self.matrices:
            if country in matrix.offices:
                return matrix
        return self.default


@lru_cache(maxsize=4)
def _shipped(extra: str) -> Requirements:
    own = [load(Path(p)) for p in extra.split(os.pathsep) if p]
    shipped = [load(p) for p in sorted(MATRICES_DIR.glob("*.yaml"))]
    matrices = tuple(own + shipped)  # an administration's own matrix wins over the shipped ones
    default = next((m for m in matrices if m.administration == "PE"), matrices[0])
    return Requirements(matrices, own[0] if own else default)


def shipped() -> Requirements:
    """Returns the shipped matrices (UK CDS, Peru SUNAT) plus any listed in CLEARWAY_REQUIREMENTS."""
    return _shipped(os.environ.get(ENV_FILES, ""))


__all__ = ["CONDITIONS", "ELEMENTS", "Category", "Matrix", "MatrixError", "Requirement", "Requirements", "shipped"]
