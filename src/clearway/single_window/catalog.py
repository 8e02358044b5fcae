"""Agencies and their requirements: load a file, edit through the API, keep every version with its dates."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import date
from typing import Any

from clearway.core.issues import Issue, NotFound, ValidationFailed
from clearway.platform.db import UnitOfWork
from clearway.single_window import loader, store
from clearway.single_window.model import Agency, Requirement, RuleSet, validate_agency, validate_requirement
from clearway.single_window.schemas import AgencyIn, RequirementTermsIn, RuleFileIn

log = logging.getLogger(__name__)
CACHE_KEY = "single_window.rules"
_RECHECK_SECONDS = 2.0


def ruleset(uow: UnitOfWork, cache: dict[str, Any]) -> RuleSet:
    """Returns the agencies and requirement versions, re-read when another process changed them."""
    now = time.monotonic()
    cached: tuple[float, tuple[Any, ...], RuleSet] | None = cache.get(CACHE_KEY)
    if cached is not None and now - cached[0] < _RECHECK_SECONDS:
        return cached[2]
    stamp = store.rules_stamp(uow.conn)
    if cached is not None and cached[1] == stamp:
        cache[CACHE_KEY] = (now, stamp, cached[2])
        return cached[2]
    rules = RuleSet({a.code: a for a in store.all_agencies(uow.conn)}, store.all_requirements(uow.conn))
    cache[CACHE_KEY] = (now, stamp, rules)
    return rules


def _fresh(uow: UnitOfWork, cache: dict[str, Any]) -> RuleSet:
    cache.pop(CACHE_KEY, None)
    return ruleset(uow, cache)


def load(uow: UnitOfWork, cache: dict[str, Any], doc: RuleFileIn, *, actor: str) -> tuple[int, int, int]:
    """Loads a requirements file: upserts agencies, adds a version for each changed rule; all or nothing.

    Returns (agencies changed, requirement versions added, requirements unchanged).
    """
    today = uow.clock().date()
    default_from = doc.effective_from or today
    issues: list[Issue] = []
    agencies = [loader.agency_from(a) for a in doc.agencies]
    for i, agency in enumerate(agencies):
        issues.extend(validate_agency(agency, f"/agencies/{i}"))
    current = _fresh(uow, cache)
    known = set(current.agencies) | {a.code for a in agencies}
    built: list[Requirement] = []
    seen: set[str] = set()
    for i, r in enumerate(doc.requirements):
        at = f"/requirements/{i}"
        if r.id in seen:
            issues.append(Issue("RULE_DUPLICATE", f"rule '{r.id}' appears twice in the file", at + "/id"))
        seen.add(r.id)
        req, problems = loader.requirement_from(r.id, r, default_from=default_from, at=at)
        issues.extend(problems)
        if req is not None:
            issues.extend(validate_requirement(req, known, at))
            built.append(req)
    if issues:
        raise ValidationFailed(issues)
    now = uow.clock()
    changed = sum(store.upsert_agency(uow.conn, a, now) for a in agencies)
    added = unchanged = 0
    for req in built:
        if _put(uow, current, req, actor=actor):
            added += 1
        else:
            unchanged += 1
    cache.pop(CACHE_KEY, None)
    log.info("requirements loaded: %d agencies changed, %d versions added, %d unchanged", changed, added, unchanged)
    return changed, added, unchanged


def _put(uow: UnitOfWork, current: RuleSet, req: Requirement, *, actor: str) -> bool:
    versions = [r for r in current.requirements if r.rule_id == req.rule_id]
    if not versions:
        store.insert_requirement(uow.conn, req, now=uow.clock(), actor=actor)
        return True
    latest = max(versions, key=lambda r: r.version)
    if latest.same_terms(req) and latest.effective_to == req.effective_to:
        return False
    if req.effective_from < latest.effective_from:
        raise ValidationFailed(
            [
                Issue(
                    "EFFECTIVE_DATES",
                    f"rule {req.rule_id} version {latest.version} applies from {latest.effective_from}; "
                    "a new version cannot start before it (history is not rewritten)",
                    "/effective_from",
                )
            ]
        )
    if latest.effective_to is None or latest.effective_to > req.effective_from:
        store.end_requirement(uow.conn, latest.rule_id, latest.version, req.effective_from)
    store.insert_requirement(uow.conn, replace(req, version=latest.version + 1), now=uow.clock(), actor=actor)
    return True


def put_requirement(
    uow: UnitOfWork, cache: dict[str, Any], rule_id: str, terms: RequirementTermsIn, *, actor: str
) -> Requirement:
    """Adds a requirement, or a new version of it from its effective date; returns the version in force."""
    current = _fresh(uow, cache)
    req, issues = loader.requirement_from(rule_id, terms, default_from=uow.clock().date(), at="")
    if req is not None:
        issues.extend(validate_requirement(req, current.agencies, ""))
    if issues or req is None:
        raise ValidationFailed(issues)
    _put(uow, current, req, actor=actor)
    return max((r for r in _fresh(uow, cache).requirements if r.rule_id == rule_id), key=lambda r: r.version)


def retire_requirement(uow: UnitOfWork, cache: dict[str, Any], rule_id: str, effective_to: date) -> Requirement:
    """Ends a requirement's latest version from a date (it stays in the history)."""
    versions = [r for r in _fresh(uow, cache).requirements if r.rule_id == rule_id]
    if not versions:
        raise NotFound(f"no requirement '{rule_id}'")
    latest = max(versions, key=lambda r: r.version)
    if effective_to <= latest.effective_from:
        raise ValidationFailed(
            [Issue("EFFECTIVE_DATES", f"version {latest.version} starts {latest.effective_from}", "/effective_to")]
        )
    store.end_requirement(uow.conn, rule_id, latest.version, effective_to)
    store.touch_agency(uow.conn, latest.agency, uow.clock())  # other processes see the change
    cache.pop(CACHE_KEY, None)
    return replace(latest, effective_to=effective_to)


def put_agency(uow: UnitOfWork, cache: dict[str, Any], data: AgencyIn) -> Agency:
    """Creates or updates an agency."""
    agency = loader.agency_from(data)
    issues = validate_agency(agency, "")
    if issues:
        raise ValidationFailed(issues)
    store.upsert_agency(uow.conn, agency, uow.clock())
    cache.pop(CACHE_KEY, None)
    return agency


def get_agency(uow: UnitOfWork, cache: dict[str, Any], code: str) -> Agency:
    """Returns an agency, or 404."""
    agency = ruleset(uow, cache).agencies.get(code)
    if agency is None:
        raise NotFound(f"no agency '{code}'")
    return agency


def requirements(
    uow: UnitOfWork, cache: dict[str, Any], *, agency: str | None, on: date | None, history: bool
) -> list[Requirement]:
    """Lists requirements: those in effect on a date (default today), or every version."""
    rules = ruleset(uow, cache)
    out = rules.requirements if history else rules.in_effect(on or uow.clock().date())
    return [r for r in out if agency is None or r.agency == agency]
