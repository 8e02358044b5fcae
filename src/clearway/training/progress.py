"""Training progress: a trainee's exercises, scores over time and per course, and the overview of every trainee
for supervisors and administrators. Never commits."""

from __future__ import annotations

from typing import Any

from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.training import store
from clearway.training.access import OVERSEERS, TRAINEES, require, whose


def list_exercises(
    uow: UnitOfWork, principal: Principal, *, trainee: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Lists the caller's exercises (a supervisor: anyone's, or one trainee's), newest first."""
    require(principal, (*TRAINEES, "admin"), "see training exercises")
    who = whose(principal, trainee)
    rows, total = store.list_exercises(uow.conn, trainee=who, limit=limit, offset=offset)
    return [{k: v for k, v in r.items() if k not in ("answers", "result")} for r in rows], total


def progress(uow: UnitOfWork, principal: Principal, *, trainee: str | None = None) -> dict[str, Any]:
    """Returns one trainee's scores over time and per course (the caller's own unless a supervisor asks)."""
    require(principal, (*TRAINEES, "admin"), "see training progress")
    who = whose(principal, trainee) or principal.user
    rows = store.submitted_results(uow.conn, who)
    per_course: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        per_course.setdefault(r["course"], []).append(r)
    return {
        "trainee": who,
        "exercises": len(rows),
        "mean_points": _mean(r["points"] for r in rows),
        "beat_engine": sum(1 for r in rows if (r["points"] or 0) > (r["engine_points"] or 0)),
        "trend": _trend([r["points"] for r in rows]),
        "history": [
            {
                "exercise": r["id"],
                "course": r["course"],
                "at": r["submitted_at"],
                "points": r["points"],
                "engine_points": r["engine_points"],
                "precision": r["precision"],
                "revenue_share": r["revenue_share"],
            }
            for r in rows
        ],
        "courses": [
            {
                "course": c,
                "attempts": len(rs),
                "best": max(r["points"] or 0 for r in rs),
                "last": rs[-1]["points"],
                "mean": _mean(r["points"] for r in rs),
            }
            for c, rs in sorted(per_course.items())
        ],
    }


def overview(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Returns every trainee's progress in one line each (supervisors and administrators only)."""
    require(principal, OVERSEERS, "see everyone's training")
    by: dict[str, list[dict[str, Any]]] = {}
    for r in store.submitted_results(uow.conn, None):
        by.setdefault(r["trainee"], []).append(r)
    open_rows, _ = store.list_exercises(uow.conn, trainee=None, status="open", limit=10_000)
    opened: dict[str, int] = {}
    for r in open_rows:
        opened[r["trainee"]] = opened.get(r["trainee"], 0) + 1
    names = sorted(set(by) | set(opened))
    return [
        {
            "trainee": n,
            "exercises": len(by.get(n, [])),
            "open": opened.get(n, 0),
            "mean_points": _mean(r["points"] for r in by.get(n, [])),
            "last_points": by[n][-1]["points"] if by.get(n) else None,
            "last_at": by[n][-1]["submitted_at"] if by.get(n) else None,
            "beat_engine": sum(1 for r in by.get(n, []) if (r["points"] or 0) > (r["engine_points"] or 0)),
            "trend": _trend([r["points"] for r in by.get(n, [])]),
        }
        for n in names
    ]


def _mean(values: Any) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return round(sum(vals) / len(vals), 1) if vals else None


def _trend(points: list[float | None]) -> float | None:
    """Returns the mean of the last three scores less the mean of the first three (None under four scores)."""
    vals = [float(p) for p in points if p is not None]
    if len(vals) < 4:
        return None
    k = min(3, len(vals) // 2)
    return round(sum(vals[-k:]) / k - sum(vals[:k]) / k, 1)
