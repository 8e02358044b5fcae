"""Risk use cases: publish criteria, assess accepted declarations, record control outcomes, promote models."""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from clearway.core.issues import Conflict, DomainError, NotFound
from clearway.declarations.model import Declaration, Lane
from clearway.declarations.ports import DocumentaryFacts, LaneProposal, SupplyChainFacts
from clearway.platform import audit
from clearway.platform.db import UnitOfWork
from clearway.risk import criteria, facts, lanes, phrases, store
from clearway.risk.criteria import Diff
from clearway.risk.learning.mapping import from_dict
from clearway.risk.model import RuleSet, parse_ruleset, random_draw, red_cap

log = logging.getLogger(__name__)
SOURCE = "risk-engine"
_RULES, _MODEL = "risk.ruleset", "risk.model"


def current_ruleset(uow: UnitOfWork, cache: dict[str, Any]) -> RuleSet:
    """Returns the published rule set; re-read as soon as anyone publishes a new version (no restart)."""
    version = store.latest_version(uow.conn)
    cached: RuleSet | None = cache.get(_RULES)
    if cached is not None and cached.version == version:
        return cached
    document = store.ruleset_document(uow.conn, version) if version else None
    ruleset = parse_ruleset(document or {}, version)
    cache[_RULES] = ruleset
    return ruleset


def publish_ruleset(
    uow: UnitOfWork,
    document: dict[str, Any],
    *,
    note: str,
    by: str,
    role: str = audit.CLI_ROLE,
    mode: str = "replace",
    allow_removals: bool = True,
    expected_version: int | None = None,
) -> RuleSet:
    """Validates and publishes a new version of the criteria; it applies to the next declaration accepted.

    ``mode="merge"`` adds or replaces the document's rules and watchlists by name and keeps the others;
    ``mode="replace"`` makes the document the whole criteria. A replacement that would remove rules or
    watchlists is refused (``RULES_REMOVED``, naming them) unless ``allow_removals``; ``expected_version``
    refuses to publish over a version someone else published since the publisher looked at the diff.
    The publication is audited with the note.
    """
    current_version, _current = ruleset_document(uow)
    if expected_version is not None and expected_version != current_version:
        raise Conflict(
            f"version {current_version} was published since you compared with version {expected_version}; "
            "look at the differences again",
            code="RULES_VERSION_MOVED",
        )
    final, changes = preview(uow, document, mode=mode)
    removed = [f"{c.kind} '{c.name}'" for c in changes.removed]
    if removed and not allow_removals:
        raise Conflict(
            f"this version would remove {len(removed)} criteria in force: {', '.join(removed[:20])}"
            f"{' …' if len(removed) > 20 else ''}; publish with mode=merge to keep them, "
            "or confirm the removals",
            code="RULES_REMOVED",
        )
    version = current_version + 1
    ruleset = parse_ruleset(final, version)
    store.insert_ruleset(uow.conn, version, final, note, by, uow.clock())
    audit.record(
        uow,
        actor=by,
        role=role,
        action="risk.ruleset.publish",
        target=f"ruleset:{version}",
        before={"version": current_version},
        after={"version": version, "mode": mode, **changes.as_dict()},
        reason=note,
    )
    log.info("rule set version %d published by %s (%s): %s", version, by, mode, note)
    return ruleset


def preview(uow: UnitOfWork, document: dict[str, Any], *, mode: str = "replace") -> tuple[dict[str, Any], Diff]:
    """Returns the document that publishing would put in force, and its differences with the version in force."""
    if mode not in criteria.MODES:
        raise DomainError(f"mode must be one of {', '.join(criteria.MODES)}", code="RULES_MODE")
    version, current = ruleset_document(uow)
    final = criteria.merge(current, document) if mode == "merge" else document
    parse_ruleset(final, version + 1)  # every problem of the result at once, before anyone looks at a diff
    return final, criteria.diff(current, final, version)


def ruleset_document(uow: UnitOfWork, version: int | None = None) -> tuple[int, dict[str, Any]]:
    """Returns a version (the current one by default) of the criteria as published."""
    v = version if version is not None else store.latest_version(uow.conn)
    document = store.ruleset_document(uow.conn, v) if v else {}
    if document is None:
        raise NotFound(f"no rule set version {v}")
    return v, document


def versions(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Lists the published rule set versions, newest first."""
    return store.ruleset_versions(uow.conn)


def _model(uow: UnitOfWork, cache: dict[str, Any]) -> Any | None:
    record = store.active_model(uow.conn)
    if record is None:
        return None
    cached = cache.get(_MODEL)
    if cached is not None and cached[0] == record["version"]:
        return cached[1]
    from clearway.risk.learning import registry  # the training stack is imported only once a model is promoted

    loaded = registry.load(Path(record["path"]))
    cache[_MODEL] = (record["version"], loaded)
    return loaded


def _model_view(loaded: Any, decl: Declaration) -> tuple[float, str, tuple[str, ...]]:
    import numpy as np

    from clearway.risk import online
    from clearway.risk.learning.wording import describe

    rows = facts.export_rows(decl)
    if online.supported(loaded.mapping):
        columns, matrix = online.matrix(loaded.model, loaded.mapping, rows)
    else:  # a date format only pandas parses: the batch path, one small frame
        import pandas as pd

        from clearway.risk.learning import data

        frame = loaded.model.matrix(data.canonical(pd.DataFrame(rows), loaded.mapping, labels=False))
        columns, matrix = list(frame.columns), frame
    # One pass gives both: the contributions (log-odds) sum to the raw score, whose sigmoid is the probability.
    contrib = np.asarray(loaded.model.booster_.predict(matrix, pred_contrib=True), dtype=float)
    raw = contrib.sum(axis=1)
    worst = int(raw.argmax())
    score = float(1.0 / (1.0 + np.exp(-raw[worst])))
    ranked = sorted(zip(columns, contrib[worst, :-1], strict=True), key=lambda p: -p[1])
    reasons = tuple(
        phrases.MODEL_FEATURE(feature=describe(name), value=f"{value:.2f}") for name, value in ranked[:3] if value > 0
    )
    return score, str(loaded.metadata.get("version")), reasons


def assess(
    uow: UnitOfWork,
    decl: Declaration,
    *,
    cache: dict[str, Any],
    salt: str,
    ledger: SupplyChainFacts,
    documentary: DocumentaryFacts | None = None,
) -> LaneProposal | None:
    """Proposes the lane of an accepted declaration from criteria, model and capacity, recording why.

    The supply chain's facts (AEO status, counterfeit flags) and the documentary findings (invoice vs declared,
    HS code vs description) count too. With no criteria published and no model promoted the engine is off and
    proposes nothing (the core's random selectivity applies) — except for a counterfeit flag, which always sends
    the goods to the red lane, and an invoice that contradicts the declared figures (a documentary check).
    """
    documentary = documentary or DocumentaryFacts()
    ruleset = current_ruleset(uow, cache)
    loaded = _model(uow, cache)
    if ruleset.empty and loaded is None:
        if ledger.counterfeit:
            return LaneProposal(
                lane=Lane.RED,
                reasons=(*ledger.counterfeit, "counterfeit flag: physical inspection"),
                source=SOURCE,
                scores={"counterfeit_flags": len(ledger.counterfeit)},
                inspection_probability=1.0,
            )
        if documentary.value_findings:
            doc_reasons, weight = lanes.documentary_reasons(documentary)
            return LaneProposal(
                lane=Lane.YELLOW,
                reasons=(*doc_reasons, "documents contradict the declaration: documentary check"),
                source=SOURCE,
                scores={"weight": weight, "documentary": sorted(documentary.codes())},
                inspection_probability=1.0,
            )
        return None
    now = uow.clock()
    day = now.date().isoformat()
    office = decl.data.office
    reds, total = store.day_load(uow.conn, office, day)
    used = store.reds_used(uow.conn, office, day)
    reds = reds if used is None else used
    score = version = None
    model_reasons: tuple[str, ...] = ()
    if loaded is not None:
        score, version, model_reasons = _model_view(loaded, decl)
    situation = lanes.Situation(
        header=facts.header(decl, store.past_declarations(uow.conn, decl.data.importer.id)),
        items=facts.items(decl),
        parties=facts.parties(decl),
        draw=random_draw(salt, decl.mrn),
        reds_today=reds,
        total_today=total,
        model_score=score,
        model_version=version,
        model_reasons=model_reasons,
        ledger=ledger,
        documentary=documentary,
    )
    result = lanes.choose(ruleset, situation)
    if result.lane == "red":
        capped = not (result.capacity_exempt or result.random)
        cap = red_cap(ruleset.red_capacity, total) if capped else None
        if not store.take_red(uow.conn, office, day, cap=cap, start=reds):
            # Another declaration took the office's last red slot since we read the count: a documentary check.
            taken = store.reds_used(uow.conn, office, day) or reds
            result = lanes.choose(ruleset, replace(situation, reds_today=max(taken, cap or 0)))
    ledger_hits = ["ledger:counterfeit"] * bool(ledger.counterfeit) + ["ledger:aeo-lapsed"] * ledger.aeo_lapsed
    ledger_hits += [f"documentary:{code}" for code in sorted(documentary.codes())]
    store.insert_assessment(
        uow.conn,
        {
            "mrn": decl.mrn,
            "office": office,
            "day": day,
            "importer": decl.data.importer.id,
            "lane": result.lane,
            "weight": result.weight,
            "model_score": result.model_score,
            "model_version": result.model_version,
            "ruleset_version": ruleset.version,
            "random": result.random,
            "rules_hit": result.rules_hit + [f"watchlist:{w}" for w in result.watchlists_hit] + ledger_hits,
            "reasons": result.reasons,
            "assessed_at": now,
            "selection_source": result.selection_source,
            "inspection_probability": result.inspection_probability,
        },
    )
    scores: dict[str, Any] = {
        "weight": result.weight,
        "ruleset_version": ruleset.version,
        "rules_hit": result.rules_hit,
        "watchlists_hit": result.watchlists_hit,
        "random": result.random,
        "capacity_limited": result.capacity_limited,
        "aeo": ledger.aeo,
        "aeo_facilitation": result.facilitated,
        "counterfeit_flags": len(ledger.counterfeit),
        "selection_source": result.selection_source,
        "documentary": sorted(documentary.codes()),
    }
    if result.model_score is not None:
        scores["model"] = {"version": result.model_version, "score": round(result.model_score, 4)}
    return LaneProposal(
        lane=Lane(result.lane),
        reasons=tuple(result.reasons),
        source=SOURCE,
        scores=scores,
        inspection_probability=result.inspection_probability,
    )


def give_back_red(uow: UnitOfWork, mrn: str) -> None:
    """Returns the red-lane slot of a withdrawn declaration to its office's capacity for that day."""
    row = store.get_assessment(uow.conn, mrn)
    if row is None or row["lane"] != "red":
        return
    store.give_back_red(uow.conn, row["office"], row["day"])


def record_outcome(uow: UnitOfWork, mrn: str, findings: dict[str, Any], *, by: str) -> None:
    """Stores a control's outcome as a label for the models and the rules' hit rates."""
    revenue = findings.get("revenue_recovered")
    store.save_outcome(
        uow.conn,
        mrn,
        str(findings.get("result", "")),
        findings.get("kind"),
        Decimal(str(revenue)) if revenue is not None else None,
        by,
        uow.clock(),
    )


def assessment(uow: UnitOfWork, mrn: str) -> dict[str, Any]:
    """Returns the engine's assessment of a declaration, with its control outcome when recorded."""
    row = store.get_assessment(uow.conn, mrn.upper())
    if row is None:
        raise NotFound(f"no risk assessment for {mrn}")
    row["outcome"] = store.outcomes(uow.conn).get(row["mrn"])
    return row


def hit_rates(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Returns, per rule (and for random and model selections), hits, controls with outcome and hit rate."""
    stats: dict[str, dict[str, Any]] = {}
    for row in store.assessments_with_outcomes(uow.conn):
        names = list(row["rules_hit"] or [])
        if row["random"]:
            names.append("random selection")
        if row["model_score"] is not None and row["lane"] != "green" and not row["rules_hit"]:
            names.append("risk model")
        for name in names:
            s = stats.setdefault(name, {"rule": name, "hits": 0, "controlled": 0, "discrepancies": 0, "revenue": 0})
            s["hits"] += 1
            if row["result"]:
                s["controlled"] += 1
                if row["result"] == "discrepancy":
                    s["discrepancies"] += 1
                    s["revenue"] += Decimal(row["revenue_recovered"] or 0)
    for s in stats.values():
        s["hit_rate"] = round(s["discrepancies"] / s["controlled"], 4) if s["controlled"] else None
        s["revenue"] = str(Decimal(s["revenue"]).quantize(Decimal("0.01")))
    return sorted(stats.values(), key=lambda s: (-s["hits"], s["rule"]))


def promote_model(uow: UnitOfWork, path: Path, *, by: str) -> dict[str, Any]:
    """Promotes a trained model for online scoring; it must read the platform's own export columns."""
    from clearway.risk.learning import registry

    meta = registry.read_metadata(path)
    mapping = from_dict(meta["mapping"])
    missing = [c for c in mapping.feature_columns() if c not in facts.EXPORT_COLUMNS]
    if missing:
        raise DomainError(
            f"model {meta['version']} reads columns the platform does not have ({', '.join(missing[:5])}); "
            "online scoring needs a model trained on the platform export (--mapping platform)",
            code="MODEL_NOT_ONLINE",
        )
    registry.load(path)  # refuse a model directory that does not load
    record = {
        "version": meta["version"],
        "path": str(path.resolve()),
        "mapping": mapping.name,
        "metadata": {k: meta.get(k) for k in ("data_window", "rows", "metrics", "created_at")},
        "promoted_by": by,
        "promoted_at": uow.clock(),
    }
    store.promote(uow.conn, record)
    return record


def retire_model(uow: UnitOfWork) -> None:
    """Stops online scoring by the promoted model."""
    if not store.retire_models(uow.conn):
        raise Conflict("no model is promoted", code="NO_MODEL")


def active_model(uow: UnitOfWork) -> dict[str, Any] | None:
    """Returns the promoted model's record, or None."""
    return store.active_model(uow.conn)


def control_outcomes(uow: UnitOfWork) -> dict[str, dict[str, Any]]:
    """Returns every recorded control outcome by MRN: result, kind of discrepancy, revenue recovered."""
    return store.outcomes(uow.conn)
