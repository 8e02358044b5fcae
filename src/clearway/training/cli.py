"""``clearway training``: import past cases, list courses, start and answer exercises, read scores and progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.platform import audit, cli_i18n
from clearway.platform.auth import Principal, principal_for_user
from clearway.platform.cli_support import N_, _, fail, number, open_runtime
from clearway.training import service
from clearway.training.model import LANES, Answer

app = typer.Typer(help="Risk-training simulator: practise lane selection on past cases.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
AsOpt = Annotated[str, typer.Option("--as", help="The officer or supervisor who trains (a user name)")]


def _user(name: str) -> Principal:
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        found = principal_for_user(uow, name)
    if found is None:
        err.print(
            "[red]USER_UNKNOWN[/red] "
            + _("no user '%(name)s' (create one with clearway token create)") % {"name": name}
        )
        raise typer.Exit(2)
    return found


@app.command("import")
def import_cases(
    kcs: Annotated[list[Path] | None, typer.Option("--kcs", help="KCS declarations file (CSV); repeatable")] = None,
    platform: Annotated[bool, typer.Option("--platform", help="This platform's controlled declarations")] = False,
    name: Annotated[str, typer.Option("--name", help="Name of the case bank")] = "",
    method: Annotated[str, typer.Option("--method", help="auto, time (latest cases) or folds")] = "auto",
    case_share: Annotated[float, typer.Option("--case-share", help="Share of the history kept as cases")] = 0.2,
    trees: Annotated[int, typer.Option("--trees", help="Trees of the scoring model")] = 150,
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log)")] = "",
) -> None:
    """Imports past controlled declarations with known outcomes as anonymised training cases."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    if bool(kcs) == platform:
        err.print("[red]TRAINING_SOURCE[/red] " + _("give either --kcs PATH (repeatable) or --platform"))
        raise typer.Exit(2)
    runtime = open_runtime()
    operator = Principal(user=audit.cli_actor(), role=audit.CLI_ROLE)
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err) as bar:
        task = bar.add_task(_("importing"), total=4)

        def step(message: str, done: int, total: int) -> None:
            bar.update(task, description=message, completed=done, total=total)

        try:
            with runtime.uow() as uow:
                record = service.import_bank(
                    uow,
                    operator,
                    source="kcs" if kcs else "platform",
                    secret=runtime.settings.secret_key,
                    paths=list(kcs or []),
                    name=name,
                    method=method,
                    case_share=case_share,
                    trees=trees,
                    reason=reason,
                    step=step,
                )
                uow.commit()
        except DomainError as exc:
            bar.stop()
            fail(err, exc, exit_code=2)
            return
    m = record["model"]
    console.print(
        "[green]"
        + _("Imported")
        + "[/green] "
        + _(
            "bank %(name)s (%(id)s): %(cases)s cases, %(frauds)s fraudulent; the engine's precision on its top 10%%: "
            "%(precision)s (scored by %(method)s)"
        )
        % {
            "name": f"[bold]{record['name']}[/bold]",
            "id": record["id"],
            "cases": record["cases"],
            "frauds": record["frauds"],
            "precision": number(m["engine_precision_at_10pct"], 3),
            "method": m["method"],
        }
    )


@app.command("courses")
def courses() -> None:
    """Lists the courses and the banks each can draw an exercise from."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        found = service.courses(uow, Principal(user="cli", role="admin"))
    table = Table()
    table.add_column(_("course"), no_wrap=True)
    for col in (N_("title"), N_("declarations"), N_("frauds"), N_("budget (red / yellow)"), N_("banks")):
        table.add_column(_(col))
    for c in found:
        table.add_row(
            c["id"],
            _title(c["title"]),
            str(c["size"]),
            str(c["frauds"]),
            f"{c['budget']['red']} / {c['budget']['yellow']}",
            ", ".join(b["name"] for b in c["banks"]) or "[yellow]" + _("none yet") + "[/yellow]",
        )
    console.print(table)


def _show(view: dict[str, Any]) -> None:
    exercise = _("exercise %(id)s") % {"id": view["id"]}
    console.print(f"{exercise} — {_title(view['course']['title'])}", soft_wrap=True)
    table = Table()
    table.add_column(_("case"), no_wrap=True)
    for col in ("HS", N_("origin/dep."), N_("value"), "kg", N_("unit value"), N_("importer (inspected, rate)")):
        table.add_column(_(col))
    for c in view["cases"]:
        h = c["history"]
        rate = h.get("rate__importer")
        table.add_row(
            c["id"],
            c["hs"],
            f"{c['origin']}/{c['departure']}",
            f"{c['value']:,}",
            f"{c['net_mass']:,}",
            f"{c['unit_value']:,}" if c["unit_value"] is not None else "–",
            f"{c['importer']} ({int(h.get('n__importer') or 0)}, {rate:.0%})" if rate is not None else c["importer"],
        )
    console.print(table)
    b = view["budget"]
    console.print(
        _("Budget: %(red)s red (physical), %(yellow)s yellow (documentary). Answer with:")
        % {"red": b["red"], "yellow": b["yellow"]}
    )
    console.print(
        f"  clearway training answer {view['id']} --as {view['trainee']} --lane CASE=red:'reason' …", soft_wrap=True
    )


@app.command("start")
def start(
    trainee: AsOpt,
    course: Annotated[str, typer.Option("--course", help="Course id (clearway training courses)")],
    bank: Annotated[str | None, typer.Option("--bank", help="Case bank id (default: the newest that fits)")] = None,
) -> None:
    """Starts an exercise for an officer and shows its declarations and budget."""
    principal = _user(trainee)
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            view = service.start(uow, principal, course, bank_id=bank)
            uow.commit()
    except DomainError as exc:
        fail(err, exc, exit_code=2)
        return
    _show(view)


# Who the debrief compares, and the verdicts it explains, in words to translate (the JSON keeps the codes).
WHO = {"trainee": N_("trainee"), "engine": N_("engine"), "random": N_("random"), "best": N_("best")}
VERDICTS = {"missed": N_("missed"), "false_alarm": N_("false alarm")}


def _title(title: dict[str, str]) -> str:
    """A course's title in the CLI's language (English when the course has none in it)."""
    return title.get(cli_i18n.current()) or title["en"]


def _parse_lane(text: str) -> Answer:
    case, _sep, rest = text.partition("=")
    lane, _sep, reason = rest.partition(":")
    if not case or lane not in LANES:
        err.print(
            "[red]LANE[/red] "
            + _("'%(text)s': write CASE=LANE or CASE=red:reason (lanes: %(lanes)s)")
            % {"text": text, "lanes": ", ".join(LANES)}
        )
        raise typer.Exit(2)
    return Answer(case.strip(), lane, reason.strip())


def _figures_table(result: dict[str, Any]) -> Table:
    table = Table(
        _("who"), _("controls"), _("hits"), _("false alarms"), _("missed"), _("precision"), _("revenue caught")
    )
    for who in ("trainee", "engine", "random", "best"):
        f = result[who]
        table.add_row(
            _(WHO[who]),
            f"{f['controlled']:g}",
            f"{f['hits']:.1f}",
            f"{f['false_alarms']:.1f}",
            f"{f['missed']:.1f}",
            f"{f['precision']:.0%}",
            f"{float(f['revenue_caught']):,.2f} ({f['revenue_share']:.0%})",
        )
    return table


def _print_result(view: dict[str, Any]) -> None:
    r = view["result"]
    score = _("Score %(points)s/100") % {"points": number(r["points"], 1)}
    console.print(
        f"[bold]{score}[/bold] — "
        + _("risk engine %(engine)s, random selection %(random)s")
        % {"engine": number(r["engine_points"], 1), "random": number(r["random_points"], 1)}
    )
    console.print(_figures_table(r))
    for m in r["missed_signals"]:
        console.print(
            "  "
            + _("missed signal: %(feature)s (behind %(frauds)s fraud(s) you released)")
            % {"feature": m["feature"], "frauds": m["frauds"]}
        )
    for rev in r["reviews"]:
        if rev["verdict"] in ("missed", "false_alarm"):
            signals = ", ".join(f"{s['feature']} {s['contribution']:+.2f}" for s in rev["signals"])
            verdict = VERDICTS[rev["verdict"]]
            console.print(
                f"  {rev['case']}: "
                + _("%(verdict)s (%(lane)s) — model saw %(signals)s")
                % {"verdict": _(verdict), "lane": rev["lane"], "signals": signals}
            )


@app.command("answer")
def answer(
    exercise_id: Annotated[str, typer.Argument(help="The exercise")],
    trainee: AsOpt,
    lane: Annotated[
        list[str] | None, typer.Option("--lane", help="CASE=yellow, or CASE=red:reason; repeatable; others green")
    ] = None,
    answers_file: Annotated[
        Path | None, typer.Option("--answers", help='JSON file as the API takes it: {"answers": [...]}')
    ] = None,
) -> None:
    """Answers an exercise once: the lanes given, every other declaration green; prints the score and debrief."""
    principal = _user(trainee)
    runtime = open_runtime()
    if answers_file is not None:
        try:
            raw = json.loads(answers_file.read_text("utf-8"))["answers"]
            given = [Answer(a["case"], a["lane"], a.get("reason", ""), tuple(a.get("signals", ()))) for a in raw]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            err.print(f"[red]ANSWERS_FILE[/red] {answers_file}: {exc}")
            raise typer.Exit(2) from None
    else:
        given = [_parse_lane(t) for t in lane or []]
    try:
        with runtime.uow() as uow:
            if answers_file is None:
                cases = [c["id"] for c in service.exercise(uow, principal, exercise_id)["cases"]]
                named = {a.case for a in given}
                given += [Answer(c, "green") for c in cases if c not in named]
            view = service.answer(uow, principal, exercise_id, given)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(err, exc, exit_code=2)
        return
    _print_result(view)


@app.command("score")
def score(
    exercise_id: Annotated[str, typer.Argument(help="The exercise")],
    trainee: AsOpt,
) -> None:
    """Prints an answered exercise's score and debrief."""
    principal = _user(trainee)
    runtime = open_runtime()
    try:
        with runtime.uow(readonly=True) as uow:
            view = service.scored(uow, principal, exercise_id)
    except DomainError as exc:
        fail(err, exc, exit_code=2)
        return
    _print_result(view)


@app.command("progress")
def progress(
    trainee: AsOpt,
    of: Annotated[str | None, typer.Option("--of", help="Supervisors: another trainee, or 'all'")] = None,
) -> None:
    """Prints a trainee's scores over time and per course (supervisors: anyone's, or everyone's)."""
    principal = _user(trainee)
    runtime = open_runtime()
    try:
        with runtime.uow(readonly=True) as uow:
            if of == "all":
                rows = service.overview(uow, principal)
                table = Table(
                    _("trainee"), _("exercises"), _("open"), _("mean"), _("last"), _("beat the engine"), _("trend")
                )
                for r in rows:
                    table.add_row(
                        r["trainee"],
                        str(r["exercises"]),
                        str(r["open"]),
                        "–" if r["mean_points"] is None else f"{r['mean_points']:.1f}",
                        "–" if r["last_points"] is None else f"{r['last_points']:.1f}",
                        str(r["beat_engine"]),
                        "–" if r["trend"] is None else f"{r['trend']:+.1f}",
                    )
                console.print(table)
                return
            p = service.progress(uow, principal, trainee=of)
    except DomainError as exc:
        fail(err, exc, exit_code=2)
        return
    console.print(
        f"[bold]{p['trainee']}[/bold]: "
        + _("%(count)s exercise(s), mean score %(mean)s")
        % {"count": p["exercises"], "mean": number(p["mean_points"] or 0, 1)}
    )
    table = Table(_("when"), _("course"), _("score"), _("engine"), _("precision"), _("revenue caught"))
    for h in p["history"]:
        table.add_row(
            f"{h['at']:%Y-%m-%d %H:%M}",
            h["course"],
            f"{h['points']:.1f}",
            f"{h['engine_points']:.1f}",
            f"{h['precision']:.0%}",
            f"{h['revenue_share']:.0%}",
        )
    console.print(table)
