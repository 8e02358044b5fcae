"""Training use cases: import a case bank, list courses, start an exercise, answer it, read scores and progress.

Who may do what: officers and supervisors train (each starts and answers only their own exercises); supervisors
and administrators see everyone's exercises and progress; an officer sees only their own; importing a bank is
for supervisors, administrators and the server's operator. Nothing of a case's outcome, nor the model's view
of it, leaves the service before the exercise holding the case is answered.
"""

from __future__ import annotations

import logging
import random
import secrets
import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from clearway.core.issues import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.training import model, packs, store
from clearway.training.anonymise import Pseudonymiser
from clearway.training.model import Answer, Budget, Signal, Truth

log = logging.getLogger(__name__)
TRAINEES = ("officer", "supervisor")
OVERSEERS = ("supervisor", "admin")
IMPORTERS = ("supervisor", "admin", audit.CLI_ROLE)


def _require(principal: Principal, roles: Sequence[str], what: str) -> None:
    if principal.role not in roles:
        raise Forbidden(f"role '{principal.role}' may not {what}; needs {' or '.join(roles)}", code="FORBIDDEN")


def import_bank(
    uow: UnitOfWork,
    principal: Principal,
    *,
    source: str,
    secret: str,
    paths: Sequence[Path] = (),
    name: str = "",
    method: str = "auto",
    case_share: float = 0.2,
    trees: int = 150,
    folds: int = 5,
    reason: str = "",
    step: Any = None,
) -> dict[str, Any]:
    """Reads past controlled declarations (KCS files or the platform's history), scores and anonymises them."""
    from clearway.training import bank, sources

    _require(principal, IMPORTERS, "import training cases")
    say = step or (lambda _m, _d, _t: None)
    say("reading the history", 0, 4)
    if source == "kcs":
        history = sources.read_kcs(list(paths))
    elif source == "platform":
        history = sources.read_platform(uow)
    else:
        raise DomainError("the source is kcs (files) or platform (this platform's history)", code="TRAINING_SOURCE")
    same = store.bank_with_digest(uow.conn, history.digest)
    if same is not None:
        raise Conflict(
            f"this history is already imported as bank '{same['name']}' ({same['id']}) on "
            f"{same['imported_at']:%Y-%m-%d}; nothing was imported",
            code="TRAINING_ALREADY_IMPORTED",
        )
    say(f"{len(history.frame)} declarations read; the risk model learns and scores", 1, 4)
    scored = bank.score_cases(history.frame, method=method, case_share=case_share, trees=trees, folds=folds, step=say)
    bank_id = str(uuid.uuid4())
    say(f"anonymising {len(scored.rows)} cases", 3, 4)
    rows = sources.case_rows(history, scored, Pseudonymiser(secret), bank_id)
    if not rows:
        raise DomainError("the history holds no controlled declaration to practise on", code="TRAINING_NO_CASES")
    import numpy as np

    fraud = np.array([r["fraud"] for r in rows], dtype=float)
    meta = {
        **scored.model,
        "window": history.window,
        "engine_precision_at_10pct": round(bank.precision_at(scored.scores, fraud, 0.10), 4),
        "fraud_rate_of_cases": round(float(fraud.mean()), 4),
    }
    record = {
        "id": bank_id,
        "name": (name or f"{history.source.upper()} {history.window.get('from', '')} – {history.window.get('to', '')}")[
            :120
        ],
        "source": history.source,
        "digest": history.digest,
        "imported_at": uow.clock(),
        "imported_by": principal.user[:80],
        "cases": len(rows),
        "frauds": int(fraud.sum()),
        "knows_kinds": any(r["kind"] for r in rows),
        "currency": history.currency,
        "model": meta,
    }
    store.insert_bank(uow.conn, record)
    store.insert_cases(uow.conn, rows)
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="training.bank.import",
        target=f"training_bank:{bank_id}",
        after={k: record[k] for k in ("name", "source", "cases", "frauds")},
        reason=reason or f"training cases imported from {history.source}",
    )
    say(f"{len(rows)} cases stored", 4, 4)
    log.info("training bank %s: %d cases from %s", bank_id, len(rows), history.source)
    return bank_view(record)


def bank_view(record: dict[str, Any]) -> dict[str, Any]:
    """Returns what is shown of a case bank (never its digest)."""
    return {k: v for k, v in record.items() if k != "digest"}


def banks(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Lists the case banks, newest first."""
    _require(principal, (*TRAINEES, "admin"), "see training banks")
    return [bank_view(b) for b in store.list_banks(uow.conn)]


# A bank's cases never change once imported: their draw view is kept per process (a few banks).
_POOLS: dict[str, list[packs.Candidate]] = {}
_POOL_BANKS = 8


def _candidates(uow: UnitOfWork, bank_id: str) -> list[packs.Candidate]:
    cached = _POOLS.get(bank_id)
    if cached is not None:
        return cached
    out = []
    for r in store.candidates(uow.conn, bank_id):
        out.append(
            packs.Candidate(
                id=r["id"],
                hs=r["hs"],
                origin=r["origin"],
                departure=r["departure"],
                fraud=bool(r["fraud"]),
                kind=r["kind"],
                uv_ratio=r["uv_ratio"],
            )
        )
    if out:
        while len(_POOLS) >= _POOL_BANKS:
            _POOLS.pop(next(iter(_POOLS)))
        _POOLS[bank_id] = out
    return out


def courses(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Lists the courses with, for each, the banks it can draw an exercise from."""
    _require(principal, (*TRAINEES, "admin"), "see training courses")
    all_banks = store.list_banks(uow.conn)
    pools = {b["id"]: _candidates(uow, b["id"]) for b in all_banks}
    out = []
    for course in packs.shipped():
        usable = []
        for b in all_banks:
            pool = pools[b["id"]]
            frauds = sum(1 for c in pool if course.eligible_fraud(c))
            clean = sum(1 for c in pool if not c.fraud and course.where.accepts(c))
            if frauds >= course.frauds and clean >= course.size - course.frauds:
                usable.append({"id": b["id"], "name": b["name"], "frauds": frauds, "clean": clean})
        out.append({**course.as_dict(), "banks": usable})
    return out


def start(
    uow: UnitOfWork, principal: Principal, course_id: str, *, bank_id: str | None = None, seed: int | None = None
) -> dict[str, Any]:
    """Draws an exercise of a course for the caller from a bank (the newest that fits when none is named)."""
    _require(principal, TRAINEES, "train")
    course = packs.get(course_id)
    if bank_id is not None:
        record = store.get_bank(uow.conn, bank_id)
        if record is None:
            raise NotFound(f"no case bank '{bank_id[:40]}'", code="BANK_NOT_FOUND")
        chosen = [record]
    else:
        chosen = store.list_banks(uow.conn)
        if not chosen:
            raise DomainError(
                "no training cases yet: a supervisor imports them (clearway training import --kcs PATH)",
                code="TRAINING_NO_BANK",
            )
    rng = random.Random(seed if seed is not None else secrets.randbits(64))
    problem: DomainError | None = None
    for record in chosen:
        try:
            ids = course.draw(_candidates(uow, record["id"]), rng)
        except DomainError as exc:
            problem = exc
            continue
        exercise_id = str(uuid.uuid4())
        store.insert_exercise(
            uow.conn,
            {
                "id": exercise_id,
                "trainee": principal.user,
                "course": course.id,
                "course_version": course.version,
                "bank_id": record["id"],
                "status": "open",
                "budget_red": course.budget.red,
                "budget_yellow": course.budget.yellow,
                "case_ids": ids,
                "started_at": uow.clock(),
            },
        )
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="training.exercise.start",
            target=f"training_exercise:{exercise_id}",
            after={"course": course.id, "bank": record["id"], "cases": len(ids)},
            reason=f"training: course {course.id}",
        )
        return exercise(uow, principal, exercise_id)
    assert problem is not None
    raise problem


def _owned(uow: UnitOfWork, principal: Principal, exercise_id: str) -> dict[str, Any]:
    row = store.get_exercise(uow.conn, exercise_id[:36])
    if row is None:
        raise NotFound(f"no exercise '{exercise_id[:36]}'", code="EXERCISE_NOT_FOUND")
    if row["trainee"] != principal.user and principal.role not in OVERSEERS:
        raise Forbidden(
            f"exercise {row['id']} is another trainee's: only its trainee and supervisors see it", code="NOT_YOURS"
        )
    return row


def _unit_value(value: Decimal, mass: Decimal) -> Decimal | None:
    return (value / mass).quantize(Decimal("0.0001")) if mass and mass > 0 else None


def _shown(case: dict[str, Any], currency: str | None) -> dict[str, Any]:
    out = {k: case[k] for k in store.SHOWN}
    out["unit_value"] = _unit_value(case["value"], case["net_mass"])
    out["currency"] = currency
    return out


def exercise(uow: UnitOfWork, principal: Principal, exercise_id: str) -> dict[str, Any]:
    """Returns an exercise: its declarations as an officer sees them; the result only once it is answered."""
    row = _owned(uow, principal, exercise_id)
    record = store.get_bank(uow.conn, row["bank_id"]) or {}
    found = store.get_cases(uow.conn, row["bank_id"], row["case_ids"], hidden=False)
    return {
        "id": row["id"],
        "trainee": row["trainee"],
        "course": _course_of(row),
        "bank": {"id": row["bank_id"], "name": record.get("name", ""), "source": record.get("source", "")},
        "status": row["status"],
        "started_at": row["started_at"],
        "submitted_at": row["submitted_at"],
        "budget": {"red": row["budget_red"], "yellow": row["budget_yellow"]},
        "cases": [_shown(found[c], record.get("currency")) for c in row["case_ids"] if c in found],
        "answers": row["answers"] if row["status"] == "submitted" else None,
        "result": row["result"] if row["status"] == "submitted" else None,
    }


def _course_of(row: dict[str, Any]) -> dict[str, Any]:
    """Returns the exercise's course; a course withdrawn since is described from the exercise itself."""
    try:
        return packs.get(row["course"]).as_dict()
    except NotFound:
        return {
            "id": row["course"],
            "version": row["course_version"],
            "title": {"en": row["course"]},
            "summary": {"en": "a course withdrawn since this exercise"},
            "signals": [],
            "size": len(row["case_ids"]),
            "frauds": 0,
            "budget": {"red": row["budget_red"], "yellow": row["budget_yellow"]},
        }


def _truths(uow: UnitOfWork, row: dict[str, Any]) -> list[Truth]:
    found = store.get_cases(uow.conn, row["bank_id"], row["case_ids"], hidden=True)
    return [
        Truth(
            case=c,
            fraud=bool(found[c]["fraud"]),
            revenue=Decimal(found[c]["revenue"]),
            model_score=float(found[c]["model_score"]),
            kind=found[c]["kind"],
            critical=bool(found[c]["critical"]),
            signals=tuple(Signal(s["feature"], float(s["contribution"]), s.get("value")) for s in found[c]["signals"]),
        )
        for c in row["case_ids"]
        if c in found
    ]


def result_dict(result: model.Result) -> dict[str, Any]:
    """Returns a scored exercise as JSON-ready data (stored with the exercise, served as its debrief)."""
    return {
        "points": result.points,
        "engine_points": result.extra["engine_points"],
        "random_points": result.extra["random_points"],
        "beat_engine": result.beat_engine,
        "beat_random": result.beat_random,
        "trainee": result.trainee.as_dict(),
        "engine": result.engine.as_dict(),
        "random": result.random.as_dict(),
        "best": result.best.as_dict(),
        "missed_signals": [{"feature": f, "frauds": n, "weight": w} for f, n, w in result.missed_signals],
        "reviews": [
            {
                "case": r.case,
                "lane": r.lane,
                "reason": r.reason,
                "verdict": r.verdict,
                "fraud": r.fraud,
                "kind": r.kind,
                "revenue": str(r.revenue),
                "model_score": round(r.model_score, 4),
                "engine_lane": r.engine_lane,
                "signals": [
                    {"feature": s.feature, "contribution": s.contribution, "value": s.value} for s in r.signals
                ],
                "cited": list(r.cited),
                "cited_and_seen": list(r.cited_and_seen),
            }
            for r in result.reviews
        ],
    }


def answer(uow: UnitOfWork, principal: Principal, exercise_id: str, answers: Sequence[Answer]) -> dict[str, Any]:
    """Checks and scores a trainee's lanes once; returns the exercise with its score and debrief."""
    _require(principal, TRAINEES, "train")
    row = _owned(uow, principal, exercise_id)
    if row["trainee"] != principal.user:
        raise Forbidden(f"only the trainee who started exercise {row['id']} answers it", code="NOT_YOURS")
    if row["status"] != "open":
        raise Conflict(
            f"exercise {row['id']} was answered on {row['submitted_at']:%Y-%m-%d %H:%M} UTC; an exercise is answered "
            "once — start another to practise again",
            code="ALREADY_ANSWERED",
        )
    budget = Budget(red=row["budget_red"], yellow=row["budget_yellow"])
    issues = model.check_answers(answers, row["case_ids"], budget)
    if issues:
        raise ValidationFailed(issues)
    result = model.score(answers, _truths(uow, row), budget)
    data = result_dict(result)
    stored = [{"case": a.case, "lane": a.lane, "reason": a.reason, "signals": list(a.signals)} for a in answers]
    done = store.submit(
        uow.conn,
        row["id"],
        {
            "answers": stored,
            "result": data,
            "points": result.points,
            "precision": result.trainee.precision,
            "revenue_share": result.trainee.revenue_share,
            "engine_points": data["engine_points"],
        },
        uow.clock(),
    )
    if not done:  # answered by a concurrent request since we read it
        raise Conflict(f"exercise {row['id']} was answered meanwhile", code="ALREADY_ANSWERED")
    audit.record(
        uow,
        actor=principal.user,
        role=principal.role,
        action="training.exercise.submit",
        target=f"training_exercise:{row['id']}",
        after={"points": result.points, "engine_points": data["engine_points"]},
        reason=f"training: course {row['course']} answered",
    )
    return exercise(uow, principal, row["id"])


def scored(uow: UnitOfWork, principal: Principal, exercise_id: str) -> dict[str, Any]:
    """Returns an answered exercise's score and debrief; refuses one not answered yet."""
    view = exercise(uow, principal, exercise_id)
    if view["status"] != "submitted":
        raise Conflict(f"exercise {view['id']} is not answered yet: its score comes after", code="NOT_ANSWERED")
    return view


def list_exercises(
    uow: UnitOfWork, principal: Principal, *, trainee: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Lists the caller's exercises (a supervisor: anyone's, or one trainee's), newest first."""
    _require(principal, (*TRAINEES, "admin"), "see training exercises")
    who = _whose(principal, trainee)
    rows, total = store.list_exercises(uow.conn, trainee=who, limit=limit, offset=offset)
    return [{k: v for k, v in r.items() if k not in ("answers", "result")} for r in rows], total


def _whose(principal: Principal, trainee: str | None) -> str | None:
    if principal.role in OVERSEERS:
        return trainee
    if trainee not in (None, principal.user):
        raise Forbidden("an officer sees only their own training; supervisors see everyone's", code="NOT_YOURS")
    return principal.user


def progress(uow: UnitOfWork, principal: Principal, *, trainee: str | None = None) -> dict[str, Any]:
    """Returns one trainee's scores over time and per course (the caller's own unless a supervisor asks)."""
    _require(principal, (*TRAINEES, "admin"), "see training progress")
    who = _whose(principal, trainee) or principal.user
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
    _require(principal, OVERSEERS, "see everyone's training")
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
