"""Risk criteria pages: the rules and watchlists in force, their hit rates and the model; analysts edit, see the
differences with the version in force, and publish with a note (officers read)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from clearway.console import criteria_forms as cf
from clearway.console import installed, security, terms
from clearway.console.i18n import N_
from clearway.console.render import ConsoleRoute, error_page, localizer, page
from clearway.console.security import SessionDep
from clearway.core.issues import Conflict, DomainError, ValidationFailed
from clearway.platform.deps import RuntimeDep, json_too_deep
from clearway.platform.runtime import Runtime
from clearway.risk import api as risk_api
from clearway.risk import criteria
from clearway.risk import service as risk_service

log = logging.getLogger(__name__)
router = APIRouter(prefix="/console/risk", include_in_schema=False, route_class=ConsoleRoute)
READERS = ("officer", "supervisor", "admin")
ANALYSTS = ("supervisor", "admin")
MAX_FORM_FIELDS = 100
MAX_DOCUMENT = 3_000_000  # characters of the criteria carried from the review page to the publication
LANE_CHOICES = [("green", N_("green lane")), ("yellow", N_("yellow lane")), ("red", N_("red lane"))]
SEVERITIES = [("low", N_("low")), ("medium", N_("medium")), ("high", N_("high")), ("critical", N_("critical"))]


def _page(request: Request, template: str, session: security.Session, **context: Any) -> Response:
    errors = context.get("errors")
    if errors:  # the form's errors in the page's language (N_ messages; the engine's own stay as they are)
        loc = localizer(request, session)
        context["errors"] = {k: [loc.gettext(m) for m in msgs] for k, msgs in errors.items()}
    return page(request, template, session, term=terms.term, condition_text=cf.condition_text, **context)


def _installed(request: Request) -> None:
    if not installed.api_mounted(request, risk_api.router):
        raise HTTPException(404, N_("The risk engine is not installed on this server."))


def _reader(session: security.Session, request: Request | None = None) -> None:
    if request is not None:
        _installed(request)
    if session.principal.role not in READERS:
        raise HTTPException(403, N_("Risk criteria are for customs officers and risk analysts."))


def _analyst(session: security.Session, request: Request | None = None) -> None:
    if request is not None:
        _installed(request)
    if session.principal.role not in ANALYSTS:
        raise HTTPException(403, N_("Only risk analysts (supervisors) change the criteria; officers read them."))


def _in_force(runtime: Runtime) -> tuple[int, dict[str, Any]]:
    with runtime.uow(readonly=True) as uow:
        return risk_service.ruleset_document(uow)


def _overview(runtime: Runtime) -> dict[str, Any]:
    with runtime.uow(readonly=True) as uow:
        version, document = risk_service.ruleset_document(uow)
        versions = risk_service.versions(uow)
        rates = risk_service.hit_rates(uow)
        model = risk_service.active_model(uow)
    by_rule = {r["rule"]: r for r in rates}
    return {
        "version": version,
        "published": versions[0] if versions else None,
        "versions": versions[:10],
        "rules": [{**r, "stats": by_rule.get(r["name"])} for r in document.get("rules", [])],
        "watchlists": [{**w, "stats": by_rule.get(f"watchlist:{w['name']}")} for w in document.get("watchlists", [])],
        "settings": [(name, document.get(name, criteria.DEFAULTS[name])) for name in criteria.SETTINGS],
        "rates": rates,
        "model": model,
    }


@router.get("")
def overview(request: Request, runtime: RuntimeDep, session: SessionDep, done: str | None = None) -> Response:
    """The criteria in force: rules, watchlists, settings, hit rates and the model in force."""
    _reader(session, request)
    flash = N_("The new version of the criteria is in force.") if done == "published" else None
    return _page(
        request,
        "risk.html",
        session,
        active="risk",
        can_edit=session.principal.role in ANALYSTS,
        flash=flash,
        **_overview(runtime),
    )


async def _form(request: Request, session: security.Session) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_DOCUMENT)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    security.check_csrf(request, session, values.get(security.CSRF_FIELD))
    return values


@dataclass(frozen=True, slots=True)
class _Entries:
    """One kind of entry of the criteria (rules, watchlists): where it sits in the document and its form."""

    key: str  # the list in the criteria document
    template: str
    missing: str  # a 404 when there is none of that name in force
    taken: str  # another entry has the name already
    values: Callable[[dict[str, Any] | None], dict[str, str]]
    parse: Callable[[dict[str, str]], tuple[dict[str, Any] | None, dict[str, list[str]]]]
    context: Callable[[], dict[str, Any]]  # what else its form shows


RULES = _Entries(
    "rules",
    "risk_rule.html",
    N_("There is no rule of that name in the criteria in force."),
    N_("Another rule already has this name."),
    cf.rule_form_values,
    cf.rule_from_form,
    lambda: {"rows": range(cf.CONDITION_ROWS), "facts": cf.FACTS, "operators": cf.OPERATORS, "lanes": LANE_CHOICES},
)
WATCHLISTS = _Entries(
    "watchlists",
    "risk_watchlist.html",
    N_("There is no watchlist of that name in the criteria in force."),
    N_("Another watchlist already has this name."),
    cf.watchlist_form_values,
    cf.watchlist_from_form,
    lambda: {"severities": SEVERITIES},
)


def _entry_page(
    request: Request,
    session: security.Session,
    kind: _Entries,
    v: dict[str, str],
    original: str | None,
    errors: Any = None,
) -> Response:
    return _page(
        request,
        kind.template,
        session,
        active="risk",
        status_code=422 if errors else 200,
        v=v,
        original=original or "",
        errors=errors or {},
        **kind.context(),
    )


def _new(request: Request, session: security.Session, kind: _Entries) -> Response:
    _analyst(session, request)
    return _entry_page(request, session, kind, kind.values(None), None)


def _edit(request: Request, runtime: Runtime, session: security.Session, kind: _Entries, name: str) -> Response:
    _analyst(session, request)
    _v, document = _in_force(runtime)
    found = next((e for e in document.get(kind.key, []) if e.get("name") == name), None)
    if found is None:
        return error_page(request, session, 404, kind.missing)
    return _entry_page(request, session, kind, kind.values(found), name)


async def _save(request: Request, runtime: Runtime, session: security.Session, kind: _Entries) -> Response:
    _analyst(session, request)
    form = await _form(request, session)
    original = form.get("original") or None
    entry, errors = kind.parse(form)
    if entry is None:
        return _entry_page(request, session, kind, form, original, errors)
    _version, document = await run_in_threadpool(_in_force, runtime)
    names = {e.get("name") for e in document.get(kind.key, [])} - {original}
    if entry["name"] in names:
        return _entry_page(request, session, kind, form, original, {"name": [kind.taken]})
    proposed = cf.replace_entry(document, kind.key, entry, original)
    return await _review(request, runtime, session, proposed, "replace")


async def _remove(request: Request, runtime: Runtime, session: security.Session, kind: _Entries, name: str) -> Response:
    _analyst(session, request)
    await _form(request, session)
    _version, document = await run_in_threadpool(_in_force, runtime)
    return await _review(request, runtime, session, cf.replace_entry(document, kind.key, None, name), "replace")


@router.get("/rules/new")
def new_rule(request: Request, session: SessionDep) -> Response:
    """An empty rule form."""
    return _new(request, session, RULES)


@router.get("/rules/{name}")
def edit_rule(name: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """The form of a rule in force."""
    return _edit(request, runtime, session, RULES, name)


@router.post("/rules")
async def save_rule(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Checks the rule form and shows the differences the rule makes, before publishing."""
    return await _save(request, runtime, session, RULES)


@router.post("/rules/{name}/remove")
async def remove_rule(name: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Shows what removing a rule changes, before publishing."""
    return await _remove(request, runtime, session, RULES, name)


@router.get("/watchlists/new")
def new_watchlist(request: Request, session: SessionDep) -> Response:
    """An empty watchlist form."""
    return _new(request, session, WATCHLISTS)


@router.get("/watchlists/{name}")
def edit_watchlist(name: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """The form of a watchlist in force."""
    return _edit(request, runtime, session, WATCHLISTS, name)


@router.post("/watchlists")
async def save_watchlist(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Checks the watchlist form and shows the differences it makes, before publishing."""
    return await _save(request, runtime, session, WATCHLISTS)


@router.post("/watchlists/{name}/remove")
async def remove_watchlist(name: str, request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Shows what removing a watchlist changes, before publishing."""
    return await _remove(request, runtime, session, WATCHLISTS, name)


def _yaml_page(
    request: Request, session: security.Session, text: str, mode: str, problems: list[cf.Problem] | None = None
) -> Response:
    return _page(
        request,
        "risk_yaml.html",
        session,
        active="risk",
        status_code=422 if problems else 200,
        text=text,
        mode=mode,
        problems=problems or [],
        numbered=list(enumerate(text.splitlines(), start=1)) if problems else [],
        bad_lines={p.line for p in problems or [] if p.line},
    )


@router.get("/yaml")
def yaml_form(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """The criteria in force as YAML, to edit as a whole."""
    _analyst(session, request)
    _v, document = _in_force(runtime)
    return _yaml_page(request, session, cf.to_yaml(document), "replace")


@router.post("/yaml")
async def yaml_check(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Validates edited YAML (every error at its line) and shows the differences before publishing."""
    _analyst(session, request)
    form = await _form(request, session)
    text, mode = form.get("yaml", ""), form.get("mode", "replace")
    if mode not in criteria.MODES:
        mode = "replace"
    document, problems = cf.yaml_problems(text, merge=mode == "merge")
    if document is None:
        return _yaml_page(request, session, text, mode, problems)
    return await _review(request, runtime, session, document, mode)


async def _review(
    request: Request,
    runtime: Runtime,
    session: security.Session,
    proposed: dict[str, Any],
    mode: str,
    *,
    note: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    def run() -> tuple[dict[str, Any], criteria.Diff]:
        with runtime.uow(readonly=True) as uow:
            return risk_service.preview(uow, proposed, mode=mode)

    try:
        final, changes = await run_in_threadpool(run)
    except ValidationFailed as exc:
        problems = [cf.Problem(None, i.pointer or "/", i.message) for i in exc.issues]
        return _yaml_page(request, session, cf.to_yaml(proposed), mode, problems)
    return _page(
        request,
        "risk_review.html",
        session,
        active="risk",
        status_code=status_code,
        diff=changes,
        base_version=changes.base_version,
        document=json.dumps(proposed, separators=(",", ":"), ensure_ascii=False),
        mode=mode,
        note=note,
        error=error,
        final_rules=len(final.get("rules", [])),
        final_watchlists=len(final.get("watchlists", [])),
    )


@router.post("/publish")
async def publish(request: Request, runtime: RuntimeDep, session: SessionDep) -> Response:
    """Publishes the reviewed criteria with the analyst's note; removals need the explicit confirmation."""
    _analyst(session, request)
    form = await _form(request, session)
    mode = form.get("mode", "replace") if form.get("mode") in criteria.MODES else "replace"
    note = form.get("note", "").strip()
    broken = N_("The reviewed criteria did not come back whole; start again.")
    raw = form.get("document", "")
    try:
        proposed = None if json_too_deep(raw) else json.loads(raw)
        base = int(form.get("base_version", ""))
    except (ValueError, TypeError):
        return error_page(request, session, 422, broken)
    proposed, issues = cf.check_document(
        proposed, merge=mode == "merge"
    )  # as the API checks it: the page's copy is the user's input
    if proposed is None or issues:
        return error_page(request, session, 422, broken)
    if len(note) < 3 or len(note) > 500:
        error = N_("Say why you publish this version (3 to 500 characters): it is kept in the log.")
        return await _review(request, runtime, session, proposed, mode, note=note, error=error, status_code=422)
    confirmed = form.get("confirm_removals") == "on"

    def run() -> int:
        with runtime.uow() as uow:
            ruleset = risk_service.publish_ruleset(
                uow,
                proposed,
                note=note,
                by=session.principal.user,
                role=session.principal.role,
                mode=mode,
                allow_removals=confirmed,
                expected_version=base,
            )
            uow.commit()
            return ruleset.version

    try:
        version = await run_in_threadpool(run)
    except Conflict as exc:
        if exc.code == "RULES_REMOVED":
            error = N_("This version removes criteria in force: tick the box to confirm that you remove them.")
            return await _review(request, runtime, session, proposed, mode, note=note, error=error, status_code=409)
        error = N_("Someone published another version meanwhile: here are the differences with it.")
        return await _review(request, runtime, session, proposed, mode, note=note, error=error, status_code=409)
    except (ValidationFailed, DomainError):
        return await _review(request, runtime, session, proposed, mode, note=note, status_code=422)
    log.info("criteria version %d published from the console by %s", version, session.principal.user)
    return RedirectResponse("/console/risk?done=published", status_code=303)
