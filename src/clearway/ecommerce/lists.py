"""The e-commerce reference lists: loading the product-recall list and the brand register, reading them back."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from clearway.core.issues import Issue, ValidationFailed
from clearway.ecommerce import store
from clearway.ecommerce.model import Recall, RegisteredBrand, brand_from_row, recall_from_row
from clearway.platform.db import UnitOfWork

MAX_LIST_ROWS = 100_000


@dataclass
class LoadReport:
    """What loading a reference list did: rows loaded and the rows refused with reasons."""

    loaded: int
    issues: list[Issue]


def _read_list(path: Path, required: tuple[str, ...]) -> list[dict[str, str | None]]:
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as f:
        reader = csv.DictReader(f)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            raise ValidationFailed([Issue("HEADER", f"the header lacks '{c}'", f"/header/{c}") for c in missing])
        reader.fieldnames = header
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_LIST_ROWS:
                raise ValidationFailed([Issue("TOO_MANY_ROWS", f"at most {MAX_LIST_ROWS} rows per list", "")])
        return rows


def load_recalls(uow: UnitOfWork, path: Path) -> LoadReport:
    """Loads (adds or replaces by recall_id) a product-recall list CSV; bad rows are reported, good ones kept."""
    rows = _read_list(path, ("recall_id", "product", "brand", "model", "hazard"))
    good, issues = [], []
    for line, row in enumerate(rows, start=2):
        recall, found = recall_from_row(row, line)
        issues.extend(found)
        if recall is not None:
            good.append(_recall_row(recall, uow))
    store.upsert(uow.conn, store.recalls, good, ["recall_id"])
    return LoadReport(len(good), issues)


def _recall_row(r: Recall, uow: UnitOfWork) -> dict[str, Any]:
    return {
        "recall_id": r.recall_id,
        "product": r.product,
        "brand": r.brand,
        "model": r.model,
        "hazard": r.hazard,
        "hs_code": r.hs_code,
        "loaded_at": uow.clock(),
    }


def load_brands(uow: UnitOfWork, path: Path) -> LoadReport:
    """Loads (adds or replaces by brand) a registered-brands CSV; bad rows are reported, good ones kept."""
    rows = _read_list(path, ("brand", "rights_holder", "min_genuine_price", "currency"))
    good, issues = [], []
    for line, row in enumerate(rows, start=2):
        brand, found = brand_from_row(row, line)
        issues.extend(found)
        if brand is not None:
            good.append(
                {
                    "brand": brand.brand,
                    "rights_holder": brand.rights_holder,
                    "min_genuine_price": brand.min_genuine_price,
                    "currency": brand.currency,
                    "hs_codes": ";".join(brand.hs_codes),
                    "models": ";".join(brand.models)[:500],
                    "loaded_at": uow.clock(),
                }
            )
    store.upsert(uow.conn, store.brands, good, ["brand"])
    return LoadReport(len(good), issues)


def current_recalls(uow: UnitOfWork) -> list[Recall]:
    """Returns the loaded recall list."""
    rows = uow.conn.execute(select(store.recalls)).all()
    return [Recall(r.recall_id, r.product, r.brand, r.model, r.hazard, r.hs_code) for r in rows]


def current_brands(uow: UnitOfWork) -> list[RegisteredBrand]:
    """Returns the registered brands."""
    rows = uow.conn.execute(select(store.brands)).all()
    return [
        RegisteredBrand(
            r.brand,
            r.rights_holder,
            r.min_genuine_price,
            r.currency,
            tuple(filter(None, r.hs_codes.split(";"))),
            tuple(filter(None, (r.models or "").split(";"))),
        )
        for r in rows
    ]


def forget_lists(uow: UnitOfWork) -> None:
    """Removes the recall list and the brand register (tests and demo resets)."""
    uow.conn.execute(delete(store.recalls))
    uow.conn.execute(delete(store.brands))
