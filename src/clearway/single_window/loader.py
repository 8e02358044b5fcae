"""Requirements files: YAML or CSV text in, agencies and requirement versions out, every problem at once."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import yaml
from pydantic import ValidationError

from clearway.core.issues import Issue, ValidationFailed, pointer
from clearway.single_window.model import Agency, HsSpec, Need, Requirement
from clearway.single_window.schemas import AgencyIn, RequirementTermsIn, RuleFileIn

CSV_COLUMNS = (
    "id",
    "agency",
    "hs",
    "origins",
    "procedures",
    "end_uses",
    "needs",
    "auto",
    "description",
    "effective_from",
    "effective_to",
)


def _issues(exc: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[Issue]:
    out = []
    for err in exc.errors(include_url=False):
        code = {"missing": "REQUIRED", "extra_forbidden": "UNKNOWN_FIELD"}.get(err["type"], "SCHEMA")
        out.append(Issue(code, err["msg"], pointer(*prefix, *err["loc"])))
    return out


def parse_yaml(text: str) -> RuleFileIn:
    """Reads a YAML requirements file (agencies, requirements, effective_from)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationFailed([Issue("YAML_INVALID", f"the file is not valid YAML: {exc}", "")]) from None
    if not isinstance(doc, dict):
        raise ValidationFailed([Issue("FILE_SHAPE", "expected a mapping with 'agencies' and 'requirements'", "")])
    try:
        return RuleFileIn.model_validate(doc, strict=False)
    except ValidationError as exc:
        raise ValidationFailed(_issues(exc)) from None


def _split(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").replace(";", "|").split("|") if p.strip()]


def parse_csv(text: str) -> RuleFileIn:
    """Reads a CSV requirements file: one rule a row; agencies from agency_name/agency_domain columns.

    Lists are separated by '|'; needs are written 'kind:name', e.g. 'certificate:phytosanitary certificate'.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "agency", "hs", "needs") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed([Issue("CSV_COLUMNS", f"missing column(s): {', '.join(missing)}", "")])
    agencies: dict[str, dict[str, Any]] = {}
    rules: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for n, row in enumerate(reader, start=2):
        needs = []
        for part in _split(row.get("needs")):
            kind, _, name = part.partition(":")
            if not name:
                issues.append(Issue("NEED_FORMAT", f"write needs as 'kind:name', not '{part}'", f"/rows/{n}/needs"))
            needs.append({"kind": kind.strip(), "name": name.strip()})
        if row.get("agency_name"):
            agencies[row["agency"]] = {
                "code": row["agency"],
                "name": row["agency_name"],
                "domain": row.get("agency_domain") or row["agency_name"],
                "automated_decisions": (row.get("automated_decisions") or "").strip().lower() in {"1", "true", "yes"},
            }
        rule: dict[str, Any] = {
            "id": row["id"],
            "agency": row["agency"],
            "hs": _split(row["hs"]),
            "origins": _split(row.get("origins")),
            "procedures": _split(row.get("procedures")),
            "end_uses": _split(row.get("end_uses")),
            "needs": needs,
            "auto": (row.get("auto") or "none").strip() or "none",
            "description": row.get("description") or "",
        }
        for key in ("effective_from", "effective_to"):
            if (row.get(key) or "").strip():
                rule[key] = row[key].strip()
        rules.append(rule)
    if issues:
        raise ValidationFailed(issues)
    try:
        return RuleFileIn.model_validate({"agencies": list(agencies.values()), "requirements": rules}, strict=False)
    except ValidationError as exc:
        raise ValidationFailed(_issues(exc)) from None


def parse_file(name: str, text: str) -> RuleFileIn:
    """Reads a requirements file by its extension (.yaml, .yml or .csv)."""
    lower = name.lower()
    if lower.endswith((".yaml", ".yml")):
        return parse_yaml(text)
    if lower.endswith(".csv"):
        return parse_csv(text)
    raise ValidationFailed([Issue("FILE_TYPE", "requirements files are .yaml, .yml or .csv", "")])


def agency_from(a: AgencyIn) -> Agency:
    """Builds the domain agency from its input."""
    return Agency(a.code, a.name.strip(), a.domain.strip(), a.automated_decisions)


def requirement_from(
    rule_id: str, r: RequirementTermsIn, *, default_from: date, at: str, version: int = 1
) -> tuple[Requirement | None, list[Issue]]:
    """Builds a requirement version from its input, or returns the issues with it."""
    issues: list[Issue] = []
    specs = []
    for i, text in enumerate(r.hs):
        try:
            specs.append(HsSpec.parse(text))
        except ValueError as exc:
            issues.append(Issue("HS_SPEC", str(exc), f"{at}/hs/{i}"))
    if issues:
        return None, issues
    req = Requirement(
        rule_id=rule_id,
        agency=r.agency,
        hs=tuple(specs),
        needs=tuple(Need(n.kind, n.name) for n in r.needs),
        effective_from=r.effective_from or default_from,
        effective_to=r.effective_to,
        origins=frozenset(o.upper() for o in r.origins),
        procedures=tuple(r.procedures),
        end_uses=frozenset(r.end_uses),
        auto=r.auto,
        version=version,
        description=r.description,
    )
    return req, []
