"""``clearway sw``: load agency requirements, list them, print the Time Release Study report."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.platform.cli_support import N_, NOTHING_LOADED, _, fail, number, open_runtime
from clearway.single_window import catalog, loader, report

app = typer.Typer(help="Single window: agencies, requirements, time release report.", no_args_is_help=True)
console = Console()
MAX_FILE_BYTES = 10_000_000


@app.command("load")
def load(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Requirements file (.yaml or .csv)")
    ],
    as_user: Annotated[str, typer.Option("--as", help="Name recorded as the author of new versions")] = "cli",
) -> None:
    """Loads agencies and requirements; a changed rule gets a new version from its effective date."""
    if file.stat().st_size > MAX_FILE_BYTES:
        console.print("[red]FILE_TOO_LARGE[/red] " + _("the file exceeds %(bytes)s bytes") % {"bytes": MAX_FILE_BYTES})
        raise typer.Exit(2)
    runtime = open_runtime()
    try:
        doc = loader.parse_file(file.name, file.read_text(encoding="utf-8-sig"))
        with runtime.uow() as uow:
            changed, added, unchanged = catalog.load(uow, runtime.caches, doc, actor=as_user)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc, headline=N_("Rejected"), nothing=NOTHING_LOADED)
        return
    console.print(
        "[green]"
        + _("Loaded")
        + f"[/green] {file.name}: "
        + _("%(changed)s agencies created or changed, %(added)s requirement versions added, %(unchanged)s unchanged")
        % {"changed": changed, "added": added, "unchanged": unchanged}
    )


@app.command("requirements")
def requirements(
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency")] = None,
    history: Annotated[bool, typer.Option("--history", help="Every version with its dates")] = False,
) -> None:
    """Lists the requirements in effect today (or every version)."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        found = catalog.requirements(uow, runtime.caches, agency=agency, on=None, history=history)
    table = Table(_("rule"), "v", _("agency"), _("goods (HS)"), _("origins"), _("needs"), _("auto"), _("from"), _("to"))
    for r in found:
        table.add_row(
            r.rule_id,
            str(r.version),
            r.agency,
            " ".join(str(s) for s in r.hs),
            " ".join(sorted(r.origins)) or _("any"),
            "; ".join(f"{n.name} ({n.kind})" for n in r.needs),
            r.auto,
            str(r.effective_from),
            str(r.effective_to or ""),
        )
    console.print(table)


def _h(value: float | None) -> str:
    return "-" if value is None else number(value, 2)


@app.command("report")
def time_report(
    days: Annotated[int | None, typer.Option("--days", min=1, help="Only submissions of the last N days")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Prints the Time Release Study: median and p90 hours from submission to each agency's decision."""
    runtime = open_runtime()
    since = runtime.clock() - timedelta(days=days) if days else None
    with runtime.uow(readonly=True) as uow:
        rep = report.time_report(uow, runtime.caches, since=since)
    if as_json:
        typer.echo(json.dumps(rep, default=str, indent=2))
        return
    table = Table(
        _("agency"),
        _("decided"),
        _("auto"),
        _("pending"),
        _("median h"),
        _("p90 h"),
        _("by hand: median h"),
        _("p90 h"),
        _("auto ms"),
    )
    for row in rep["agencies"]:
        table.add_row(
            row["agency"],
            str(row["decided"]),
            str(row["automated"]),
            str(row["pending"]),
            _h(row["median_hours"]),
            _h(row["p90_hours"]),
            _h(row["median_manual_hours"]),
            _h(row["p90_manual_hours"]),
            _h(row["median_automated_ms"]),
        )
    console.print(table)
    console.print(
        _("submission → release (%(count)s declarations that went to agencies): median %(median)s h, p90 %(p90)s h")
        % {"count": rep["released"], "median": _h(rep["release_median_hours"]), "p90": _h(rep["release_p90_hours"])}
    )
