"""Comparing and merging versions of the criteria: what a new version adds, changes and removes.

Plain Python on the stored documents (``{"rules": [...], "watchlists": [...], "random_red": ..., ...}``).
Rules and watchlists are matched by name. Publishing a file that holds only some of the rules would, as a
replacement, remove every other rule and watchlist; the diff names them so that nobody removes criteria
without seeing it, and :func:`merge` keeps what the file does not mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

SETTINGS = ("random_red", "random_yellow", "red_capacity", "model_red_above", "model_yellow_above")
DEFAULTS = {
    "random_red": "0",
    "random_yellow": "0",
    "red_capacity": "0.10",
    "model_red_above": "0.80",
    "model_yellow_above": "0.50",
}
MODES = ("replace", "merge")
NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Change:
    """One named rule or watchlist as it is in force (``before``) and as it would be (``after``)."""

    kind: str  # "rule" or "watchlist"
    name: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def what(self) -> str:
        """Returns 'added', 'removed' or 'changed'."""
        return "added" if self.before is None else "removed" if self.after is None else "changed"

    @property
    def fields(self) -> list[str]:
        """Returns the fields whose value differs (for a changed entry)."""
        if self.before is None or self.after is None:
            return []
        keys = sorted(set(self.before) | set(self.after))
        return [k for k in keys if self.before.get(k) != self.after.get(k)]

    def as_dict(self) -> dict[str, Any]:
        """Returns the change as JSON-ready values."""
        return {"kind": self.kind, "name": self.name, "what": self.what, "fields": self.fields,
                "before": self.before, "after": self.after}  # fmt: skip


@dataclass(frozen=True)
class Diff:
    """What publishing a document would change against the version in force."""

    base_version: int
    changes: list[Change] = field(default_factory=list)
    settings: list[tuple[str, str, str]] = field(default_factory=list)  # (name, in force, proposed)
    unchanged: int = 0

    def of(self, what: str) -> list[Change]:
        """Returns the changes of one sort: added, changed or removed."""
        return [c for c in self.changes if c.what == what]

    @property
    def removed(self) -> list[Change]:
        """Returns the rules and watchlists the new version would drop."""
        return self.of("removed")

    @property
    def empty(self) -> bool:
        """Tells whether the new version is the same as the one in force."""
        return not self.changes and not self.settings

    def as_dict(self) -> dict[str, Any]:
        """Returns the diff as JSON-ready values."""
        return {
            "base_version": self.base_version,
            "added": [c.as_dict() for c in self.of("added")],
            "changed": [c.as_dict() for c in self.of("changed")],
            "removed": [c.as_dict() for c in self.removed],
            "settings": [{"name": n, "before": b, "after": a} for n, b, a in self.settings],
            "unchanged": self.unchanged,
        }


def _norm(value: Any) -> Any:
    """Compares settings written differently ('0.1' and 0.10) as equal."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float) or (isinstance(value, str) and NUMBER.fullmatch(value.strip())):
        try:
            return Decimal(str(value).strip()).normalize()
        except InvalidOperation:
            return value
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


ENTRY_DEFAULTS: dict[str, dict[str, Any]] = {
    "rule": {"weight": 1, "description": "", "active": True, "mandatory": False},
    "watchlist": {"description": ""},
}


def _by_name(entries: list[dict[str, Any]] | None, kind: str | None = None) -> dict[str, dict[str, Any]]:
    """Indexes entries by name; with ``kind``, the fields a document may leave out get their defaults."""
    defaults = ENTRY_DEFAULTS.get(kind or "", {})
    return {str(e.get("name")): {**defaults, **e} for e in entries or [] if isinstance(e, dict)}


def _setting(doc: dict[str, Any], name: str) -> str:
    return str(doc.get(name, DEFAULTS[name]))


def diff(current: dict[str, Any], proposed: dict[str, Any], base_version: int = 0) -> Diff:
    """Compares a proposed document with the one in force: rules and watchlists by name, then the settings."""
    changes: list[Change] = []
    unchanged = 0
    for kind, key in (("rule", "rules"), ("watchlist", "watchlists")):
        old, new = _by_name(current.get(key), kind), _by_name(proposed.get(key), kind)
        for name in list(new) + [n for n in old if n not in new]:
            before, after = old.get(name), new.get(name)
            if before is not None and before == after:
                unchanged += 1
                continue
            changes.append(Change(kind, name, before, after))
    settings = [
        (name, _setting(current, name), _setting(proposed, name))
        for name in SETTINGS
        if _norm(_setting(current, name)) != _norm(_setting(proposed, name))
    ]
    return Diff(base_version, changes, settings, unchanged)


def merge(current: dict[str, Any], proposed: dict[str, Any]) -> dict[str, Any]:
    """Returns the version in force with the proposed rules and watchlists added or replaced by name.

    Nothing is removed: rules and watchlists the proposal does not name are kept as they are, and only the
    settings the proposal gives are changed.
    """
    merged = {name: current.get(name, DEFAULTS[name]) for name in SETTINGS}
    merged.update({name: proposed[name] for name in SETTINGS if name in proposed})
    for key in ("rules", "watchlists"):
        entries = _by_name(current.get(key))
        entries.update(_by_name(proposed.get(key)))
        merged[key] = list(entries.values())
    return merged
