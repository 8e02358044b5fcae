"""Training use cases of an exercise: the courses and the banks each can draw from, starting an exercise, showing
it, answering it once and reading its score and debrief.

Who may do what is in ``training.access``; case banks are imported in ``training.case_banks``; scores over time
in ``training.progress``. Nothing of a case's outcome, nor the model's view of it, leaves the service before the
exercise holding the case is answered. Never commits.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from clearway.core.issues import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.training import model, packs, store
from clearway.training.access import OVERSEERS, TRAINEES, require
from clearway.training.case_banks import candidates
from clearway.training.case_banks import import_bank as import_bank  # re-exported for training/cli.py
from clearway.training.model import Answer, Budget, Signal, Truth
from clearway.training.progress import overview as overview  # re-exported for training/cli.py
from clearway.training.progress import progress as progress  # re-exported for training/cli.py


def courses(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """Lists the courses with, for each, the banks it can draw an exercise from."""
    require(principal, (*TRAINEES, "admin"), "see training courses")
    all_banks = store.list_banks(uow.conn)
    pools = {b["id"]: candidates(uow, b["id"]) for b in all_banks}
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
    require(principal, TRAINEES, "train")
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
            ids = course.draw(candidates(uow, record["id"]), rng)
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
    require(principal, TRAINEES, "train")
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
