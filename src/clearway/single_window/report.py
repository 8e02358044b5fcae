"""Time Release Study: how long each agency takes from submission to decision, and to release."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.single_window import catalog, store
from clearway.single_window.model import hours_between, percentile


def _stats(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return round(percentile(values, 50), 4), round(percentile(values, 90), 4)


def time_report(
    uow: UnitOfWork, cache: dict[str, Any], *, since: datetime | None, principal: Principal | None = None
) -> dict[str, Any]:
    """Returns, per agency, decided/automated/pending counts and median and p90 hours to decision.

    The figures cover every decision, and separately the decisions made by hand (the automated ones take
    milliseconds and would otherwise hide how long people take).

    An agency user sees its own agency's figures; customs officials see every agency.
    """
    only = principal.agency if principal is not None and principal.role == "agency" else None
    agencies = catalog.ruleset(uow, cache).agencies
    per: dict[str, list[float]] = {}
    manual: dict[str, list[float]] = {}
    auto_ms: dict[str, list[float]] = {}
    automated: dict[str, int] = {}
    for agency, submitted, decided, is_auto, ms in store.decision_times(uow.conn, since=since, agency=only):
        hours = hours_between(submitted, decided)
        per.setdefault(agency, []).append(hours)
        if not is_auto:
            manual.setdefault(agency, []).append(hours)
        else:
            automated[agency] = automated.get(agency, 0) + 1
            if ms is not None:
                auto_ms.setdefault(agency, []).append(float(ms))
    pending = store.pending_counts(uow.conn, only)
    rows = []
    for code in sorted(set(per) | set(pending) | ({only} if only else set(agencies))):
        median, p90 = _stats(per.get(code, []))
        ms_median, _ = _stats(auto_ms.get(code, []))
        manual_median, manual_p90 = _stats(manual.get(code, []))
        known = agencies.get(code)
        rows.append(
            {
                "agency": code,
                "label": known.label if known else code,
                "decided": len(per.get(code, [])),
                "automated": automated.get(code, 0),
                "pending": pending.get(code, 0),
                "median_hours": median,
                "p90_hours": p90,
                "median_automated_ms": ms_median,
                "median_manual_hours": manual_median,
                "p90_manual_hours": manual_p90,
            }
        )
    releases = [] if only else [hours_between(a, b) for a, b in store.release_times(uow.conn, since=since)]
    rel_median, rel_p90 = _stats(releases)
    return {
        "since": since,
        "agencies": rows,
        "released": len(releases),
        "release_median_hours": rel_median,
        "release_p90_hours": rel_p90,
    }
