"""HS 2017 → HS 2022: the subheadings the 2022 amendments deleted or split, and where their goods went.

History does not change its codes: a 2020 declaration says 8517.12 (mobile telephones), which HS 2022 split into
8517.13 (smartphones) and 8517.14 (other). Anything that compares old and new codes — mirror analysis between an
administration still on HS 2017 and one on HS 2022, suggestions learnt from past declarations, trader history —
asks this table what an old code became.

The shipped table (``data/hs2017_to_hs2022.csv``) was written for Clearway from the WCO's HS 2022 amendments for
the codes found in the history it works with; it is not the WCO's whole correlation table. An administration
loads the complete one (same columns: ``hs2017,hs2022[,note]``) by naming it in ``CLEARWAY_HS_CORRELATION``.
Pure: no I/O beyond reading the table once.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from clearway.core.issues import DomainError

ENV_FILE = "CLEARWAY_HS_CORRELATION"
MAX_ROWS = 100_000


@dataclass(frozen=True)
class Correlation:
    """What each HS 2017 subheading became in HS 2022 (a code absent from the table did not change)."""

    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)

    def to_hs2022(self, code: str) -> tuple[str, ...]:
        """Returns the HS 2022 subheadings the goods of a (6-digit or longer) code may be under now."""
        hs6 = code[:6]
        return self.targets.get(hs6, (hs6,))

    def same_goods(self, a: str, b: str) -> bool:
        """Tells whether two codes, each HS 2017 or HS 2022, can name the same goods."""
        return bool(set(self.to_hs2022(a)) & set(self.to_hs2022(b)))

    def changed(self, code: str) -> bool:
        """Tells whether the HS 2022 amendments deleted or split this HS 2017 subheading."""
        return code[:6] in self.targets

    def __len__(self) -> int:
        return len(self.targets)


def parse(lines: Iterable[str], *, source: str = "table") -> Correlation:
    """Reads a correlation table (``hs2017,hs2022[,note]``; ``#`` comment lines); every bad row is reported."""
    rows = csv.DictReader(line for line in lines if not line.lstrip().startswith("#"))
    if rows.fieldnames is None or not {"hs2017", "hs2022"} <= set(rows.fieldnames):
        raise DomainError(f"{source}: the header must name the columns hs2017 and hs2022", code="HS_CORRELATION")
    targets: dict[str, list[str]] = {}
    notes: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for n, row in enumerate(rows, start=2):
        if n > MAX_ROWS:
            problems.append(f"more than {MAX_ROWS} rows")
            break
        old, new = (row.get("hs2017") or "").strip(), (row.get("hs2022") or "").strip()
        bad = [name for name, v in (("hs2017", old), ("hs2022", new)) if not (v.isdigit() and len(v) == 6)]
        if bad:
            problems.append(f"row {n}: {' and '.join(bad)} must be 6 digits")
            continue
        if new not in targets.setdefault(old, []):
            targets[old].append(new)
        notes[(old, new)] = (row.get("note") or "").strip()
    if problems:
        raise DomainError(f"{source}: " + "; ".join(problems), code="HS_CORRELATION")
    return Correlation({k: tuple(v) for k, v in targets.items()}, notes)


def read(path: Path) -> Correlation:
    """Reads a correlation table from a file."""
    with path.open(encoding="utf-8-sig") as fh:
        return parse(fh, source=str(path))


@lru_cache(maxsize=4)
def _load(extra: str | None) -> Correlation:
    shipped = resources.files("clearway.reference").joinpath("data", "hs2017_to_hs2022.csv")
    with shipped.open(encoding="utf-8") as fh:
        table = parse(fh, source="hs2017_to_hs2022.csv")
    if not extra:
        return table
    more = read(Path(extra))
    return Correlation({**table.targets, **more.targets}, {**table.notes, **more.notes})


def current() -> Correlation:
    """Returns the table in force: the shipped one, completed by the file named in ``CLEARWAY_HS_CORRELATION``."""
    return _load(os.environ.get(ENV_FILE) or None)


def to_hs2022(code: str) -> tuple[str, ...]:
    """Returns the HS 2022 subheadings the goods of a code may be under now (the code itself when unchanged)."""
    return current().to_hs2022(code)


def same_goods(a: str, b: str) -> bool:
    """Tells whether two codes, each HS 2017 or HS 2022, can name the same goods."""
    return current().same_goods(a, b)
