"""Risk criteria as analysts edit them in the console: YAML read safely with every error at its line, and forms.

The YAML loader is PyYAML's safe loader with aliases refused (a few lines of anchors and aliases expand to
gigabytes — "billion laughs"), a size and a node limit; no tag builds anything but plain data. Errors come
back as (line, where, message) so that the page can show each one next to its line, all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from clearway.console.i18n import N_
from clearway.core.issues import Issue, ValidationFailed
from clearway.platform.deps import issues_from_pydantic
from clearway.risk.model import FIELDS, NUMERIC, OPS, parse_ruleset
from clearway.risk.schemas import RuleIn, RuleSetIn, WatchlistIn

MAX_YAML_BYTES = 1_000_000
MAX_NODES = 200_000
CONDITION_ROWS = 5
LIST_OPS = ("in", "not_in")
DRAFT_NOTE = "draft"


@dataclass(frozen=True)
class Problem:
    """One error in the submitted criteria: its line in the YAML (when known), where, and what is wrong."""

    line: int | None
    where: str
    message: str


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases and counting nodes."""

    nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (&name, *name) are not accepted in criteria", problem_mark=mark
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(problem=f"the file has more than {MAX_NODES} values", problem_mark=mark)
        return super().compose_node(parent, index)


def _lines(node: Any, path: tuple[str, ...], out: dict[tuple[str, ...], int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            out[(*path, name)] = key.start_mark.line + 1
            _lines(value, (*path, name), out)
            out[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, (*path, str(i)), out)


def load_yaml(text: str) -> tuple[Any, dict[tuple[str, ...], int]]:
    """Parses YAML safely; returns the data and the line of every key and item. Raises ValidationFailed."""
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise ValidationFailed([Issue("YAML_TOO_LARGE", f"at most {MAX_YAML_BYTES // 1000} kB of YAML", "")])
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        lines: dict[tuple[str, ...], int] = {}
        _lines(node, (), lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise ValidationFailed(
            [Issue("YAML_SYNTAX", str(exc.problem or exc.context or "not valid YAML"), f"line:{line}")]
        ) from None
    except yaml.YAMLError as exc:
        raise ValidationFailed([Issue("YAML_SYNTAX", str(exc), "")]) from None
    finally:
        loader.dispose()
    return data, lines


def _line_of(pointer: str, lines: dict[tuple[str, ...], int]) -> int | None:
    if pointer.startswith("line:"):
        return int(pointer[5:]) or None
    parts = tuple(p for p in pointer.split("/") if p)
    while parts:
        if parts in lines:
            return lines[parts]
        parts = parts[:-1]
    return lines.get(())


def check_document(data: Any, *, merge: bool = False) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Validates criteria data as the API does; returns the stored document or every issue found.

    For a merge, the settings the data leaves out stay out (those in force are kept).
    """
    if not isinstance(data, dict):
        return None, [Issue("RULES_NOT_A_MAPPING", "the criteria must be a mapping with rules, watchlists…", "")]
    body = {"note": DRAFT_NOTE, **data}
    try:
        document = RuleSetIn.model_validate(body, strict=False).document(only_given_settings=merge)
    except ValidationError as exc:
        issues = issues_from_pydantic(exc)
        try:  # the engine's own checks too, so that every error shows at once
            parse_ruleset(body, 0)
        except ValidationFailed as more:
            seen = {i.pointer for i in issues}
            issues.extend(i for i in more.issues if i.pointer not in seen)
        except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError):
            pass
        return None, issues
    try:
        parse_ruleset(document, 0)
    except ValidationFailed as exc:
        return None, exc.issues
    return document, []


def yaml_problems(text: str, *, merge: bool = False) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Reads criteria from YAML; returns the document, or every problem with its line."""
    try:
        data, lines = load_yaml(text)
    except ValidationFailed as exc:
        return None, [Problem(_line_of(i.pointer or "", {}), "", i.message) for i in exc.issues]
    document, issues = check_document(data, merge=merge)
    problems = [Problem(_line_of(i.pointer or "", lines), i.pointer or "/", i.message) for i in issues]
    problems.sort(key=lambda p: (p.line or 0, p.where))
    return document, problems


def to_yaml(document: dict[str, Any]) -> str:
    """Writes the criteria as YAML for editing (the keys in the order analysts read them)."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


def condition_text(condition: dict[str, Any]) -> str:
    """Writes a condition as analysts read it: 'hs_chapter in 61, 62'."""
    value = condition.get("value")
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return f"{condition.get('field')} {condition.get('op')} {shown}"


def _value(field: str, op: str, raw: str) -> Any:
    text = raw.strip()
    if op in LIST_OPS or (field == "watchlist" and "," in text):
        return [v.strip() for v in text.split(",") if v.strip()]
    return text


def rule_from_form(form: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """Builds a rule from the rule form; returns it, or the errors by form field name."""
    conditions = []
    errors: dict[str, list[str]] = {}
    rows: list[int] = []
    for i in range(CONDITION_ROWS):
        field, op, raw = (form.get(f"c{i}_{k}", "").strip() for k in ("field", "op", "value"))
        if not (field or op or raw):
            continue
        if not field or not op or not raw:
            errors.setdefault(f"c{i}_value", []).append(N_("Give the fact, the test and the value of the condition."))
            continue
        rows.append(i)
        conditions.append({"field": field, "op": op, "value": _value(field, op, raw)})
    rule: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "lane": form.get("lane", ""),
        "conditions": conditions,
        "weight": form.get("weight", "1").strip() or "1",
        "description": form.get("description", "").strip(),
        "active": form.get("active") == "on",
        "mandatory": form.get("mandatory") == "on",
    }
    try:
        rule = RuleIn.model_validate(rule, strict=False).model_dump(mode="json")
    except ValidationError as exc:
        for issue in issues_from_pydantic(exc):
            errors.setdefault(_rule_field(issue.pointer or "", rows), []).append(issue.message)
        return None, errors
    try:
        parse_ruleset({"rules": [rule]}, 0)
    except ValidationFailed as exc:
        for issue in exc.issues:
            errors.setdefault(_rule_field(issue.pointer.replace("/rules/0", "", 1), rows), []).append(issue.message)
    return (None, errors) if errors else (rule, {})


def _rule_field(pointer: str, rows: list[int]) -> str:
    parts = [p for p in pointer.split("/") if p]
    if not parts:
        return "name"
    if parts[0] == "conditions":
        if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(rows):
            row = rows[int(parts[1])]
            return f"c{row}_{parts[2]}" if len(parts) > 2 and parts[2] in ("field", "op") else f"c{row}_value"
        return "c0_field"
    return parts[0] if parts[0] in ("name", "lane", "weight", "description") else "name"


def rule_form_values(rule: dict[str, Any] | None) -> dict[str, str]:
    """Returns the form's values for an existing rule (or an empty form)."""
    if rule is None:
        return {"weight": "1", "active": "on", "lane": ""}
    values = {
        "name": str(rule.get("name", "")),
        "lane": str(rule.get("lane", "")),
        "weight": str(rule.get("weight", 1)),
        "description": str(rule.get("description", "")),
        "active": "on" if rule.get("active", True) else "",
        "mandatory": "on" if rule.get("mandatory") else "",
    }
    for i, c in enumerate(rule.get("conditions", [])[:CONDITION_ROWS]):
        value = c.get("value")
        values[f"c{i}_field"] = str(c.get("field", ""))
        values[f"c{i}_op"] = str(c.get("op", ""))
        values[f"c{i}_value"] = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return values


def watchlist_from_form(form: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """Builds a watchlist from its form (one party per line); returns it, or the errors by field."""
    parties = sorted({p.strip() for p in form.get("parties", "").replace(",", "\n").splitlines() if p.strip()})
    body = {
        "name": form.get("name", "").strip(),
        "severity": form.get("severity", ""),
        "parties": parties,
        "description": form.get("description", "").strip(),
    }
    try:
        return WatchlistIn.model_validate(body, strict=False).model_dump(mode="json"), {}
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for issue in issues_from_pydantic(exc):
            key = next((p for p in (issue.pointer or "").split("/") if p), "name")
            errors.setdefault(key if key in body else "name", []).append(issue.message)
        return None, errors


def watchlist_form_values(watchlist: dict[str, Any] | None) -> dict[str, str]:
    """Returns the form's values for an existing watchlist (or an empty form)."""
    if watchlist is None:
        return {"severity": ""}
    return {
        "name": str(watchlist.get("name", "")),
        "severity": str(watchlist.get("severity", "")),
        "description": str(watchlist.get("description", "")),
        "parties": "\n".join(str(p) for p in watchlist.get("parties", [])),
    }


def replace_entry(
    document: dict[str, Any], key: str, entry: dict[str, Any] | None, original: str | None
) -> dict[str, Any]:
    """Returns the document with one rule or watchlist added, replaced (by its original name) or removed."""
    entries = [e for e in document.get(key, []) if e.get("name") != original]
    if entry is not None:
        at = next((i for i, e in enumerate(document.get(key, [])) if e.get("name") == original), len(entries))
        entries = [e for e in entries if e.get("name") != entry["name"]]
        entries.insert(min(at, len(entries)), entry)
    return {**document, key: entries}


FACTS = FIELDS
OPERATORS = OPS
NUMERIC_FACTS = NUMERIC
