"""Reading an HS nomenclature file in the public HS 2022 CSV format.

Columns: section,hscode,description,parent,level.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from clearway.core.codes import HsEntry
from clearway.core.issues import Issue, ValidationFailed

REQUIRED_COLUMNS = ("hscode", "description")
MAX_ISSUES = 50
AGGREGATE_ROW = "TOTAL"


def parse_hs_csv(lines: Iterable[str], *, max_issues: int = MAX_ISSUES) -> list[HsEntry]:
    """Parses nomenclature CSV lines; raises with every bad row (up to ``max_issues``) if any is wrong."""
    reader = csv.DictReader(lines)
    header = [h.strip().lstrip("\ufeff") for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(
            [
                Issue(
                    "HS_COLUMNS",
                    f"missing column(s) {', '.join(missing)}; expected section,hscode,description,parent,level",
                    "/0",
                )
            ]
        )
    reader.fieldnames = header
    entries: list[HsEntry] = []
    issues: list[Issue] = []
    for row_no, row in enumerate(reader, start=2):
        if (row.get("hscode") or "").strip().upper() == AGGREGATE_ROW:
            continue  # the public file closes with a "TOTAL of all commodities" line
        issue = _check(row, row_no)
        if issue is not None:
            issues.append(issue)
            if len(issues) >= max_issues:
                break
            continue
        code = row["hscode"].strip()
        parent = (row.get("parent") or "").strip() or None
        entries.append(
            HsEntry(
                code=code,
                description=row["description"].strip(),
                level=len(code),
                parent=None if parent == "TOTAL" else parent,
            )
        )
    if issues:
        raise ValidationFailed(issues)
    if not entries:
        raise ValidationFailed([Issue("HS_EMPTY", "the file has no nomenclature lines", "/1")])
    return entries


def _check(row: dict[str, str], row_no: int) -> Issue | None:
    code = (row.get("hscode") or "").strip()
    if not code.isdigit() or len(code) not in {2, 4, 6, 8, 10}:
        return Issue("HS_CODE", f"row {row_no}: hscode '{code}' must be 2, 4, 6, 8 or 10 digits", f"/{row_no}/hscode")
    if not (row.get("description") or "").strip():
        return Issue("HS_DESCRIPTION", f"row {row_no}: description is empty", f"/{row_no}/description")
    return None


def chapters(entries: Iterable[HsEntry]) -> Iterator[HsEntry]:
    """Yields the chapters (2-digit lines)."""
    return (e for e in entries if e.level == 2)
