"""``clearway workforce``: courses, education records, competencies, staff import, indicators and export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.platform.audit import cli_actor
from clearway.platform.auth import Principal
from clearway.platform.cli_support import _, fail, number, open_runtime
from clearway.workforce import export, labels, service
from clearway.workforce.indicators import COLUMNS

app = typer.Typer(
    help="Workforce: education records, competencies, GEOAT gender-equality figures.", no_args_is_help=True
)
console = Console()


def _hr() -> Principal:
    return Principal(user=cli_actor(), role="admin")


@app.command("courses")
def courses(
    load: Annotated[
        Path | None, typer.Option("--load", help="A catalogue YAML (courses, requirements) to store")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why the catalogue changes (recorded)")] = "",
) -> None:
    """Lists the course catalogue; with --load, stores the courses and requirements of a YAML file first."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            if load is not None:
                try:
                    doc = yaml.safe_load(load.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                    console.print(
                        "[red]FILE[/red] " + _("cannot read %(path)s: %(error)s") % {"path": load, "error": exc}
                    )
                    raise typer.Exit(2) from None
                n, r = service.load_catalogue(uow, _hr(), doc, reason=reason or f"loaded from {load.name}")
                stored = _("%(courses)s course(s) and %(requirements)s requirement(s)") % {
                    "courses": n,
                    "requirements": r,
                }
                console.print("[green]" + _("Stored") + f"[/green] {stored}")
            else:
                service.ensure_default_catalogue(uow)
            found = service.list_courses(uow, _hr())
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    table = Table(_("code"), _("title"), _("provider"), _("hours"), _("valid (months)"), _("competency"))
    for c in found:
        table.add_row(c.code, c.title, c.provider, str(c.hours), str(c.validity_months or "-"), c.competency or "-")
    console.print(table)


@app.command("record")
def record(
    officer: Annotated[str, typer.Argument(help="The officer's user name")],
    course: Annotated[str, typer.Argument(help="Course code")],
    completed_on: Annotated[str, typer.Option("--date", help="Completion date YYYY-MM-DD")],
    result: Annotated[str, typer.Option("--result", help="passed, failed or attended")] = "passed",
    score: Annotated[str, typer.Option("--score", help="0-100")] = "",
    certificate: Annotated[Path | None, typer.Option("--certificate", help="Certificate file (PDF, PNG, JPEG)")] = None,
    reference: Annotated[str, typer.Option("--reference", help="Certificate reference, e.g. CLiKC! number")] = "",
    note: Annotated[str, typer.Option("--note", help="Note (recorded)")] = "",
) -> None:
    """Records an officer's course (attendance, result, certificate), as HR."""
    runtime = open_runtime()
    try:
        day = date.fromisoformat(completed_on)
        value = Decimal(score) if score.strip() else None
    except (ValueError, InvalidOperation):
        console.print("[red]INPUT[/red] " + _("--date is YYYY-MM-DD and --score a number from 0 to 100"))
        raise typer.Exit(2) from None
    cert = None
    if certificate is not None:
        try:
            cert = service.Certificate(certificate.read_bytes()[: service.MAX_CERTIFICATE_BYTES + 1], certificate.name)
        except OSError as exc:
            console.print(
                "[red]FILE[/red] " + _("cannot read %(path)s: %(error)s") % {"path": certificate, "error": exc}
            )
            raise typer.Exit(2) from None
    try:
        with runtime.uow() as uow:
            rec = service.record_education(
                uow,
                _hr(),
                officer=officer,
                course_code=course,
                completed_on=day,
                result=result,
                score=value,
                certificate=cert,
                reference=reference,
                note=note,
                data_dir=runtime.settings.data_dir,
            )
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    until = ", " + _("valid until %(date)s") % {"date": rec.valid_until} if rec.valid_until else ""
    done = _("%(course)s %(result)s on %(date)s") % {
        "course": rec.course_code,
        "result": labels.word(labels.RESULTS, rec.result, _),
        "date": rec.completed_on,
    }
    console.print("[green]" + _("Recorded") + f"[/green] {officer}: {done}{until}")


@app.command("competencies")
def competencies(
    officer: Annotated[str | None, typer.Argument(help="An officer: their competencies and expiry")] = None,
) -> None:
    """Lists the competencies each kind of work requires, or where an officer stands on each."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        if officer is None:
            table = Table(_("work"), _("competency"), _("why"))
            for kind, items in sorted(service.requirements(uow).items()):
                for comp, desc in items:
                    table.add_row(kind, comp, desc)
            console.print(table)
            return
        found = service.competencies_of(uow, _hr(), officer)
    table = Table(_("competency"), _("state"), _("valid until"), _("course"))
    for s in found:
        colour = {"current": "green", "expired": "yellow", "missing": "red"}[s.state]
        state = labels.word(labels.STATES, s.state, _)
        table.add_row(s.competency, f"[{colour}]{state}[/{colour}]", str(s.valid_until or "-"), s.course_code or "-")
    console.print(table)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Staff CSV (see docs/workforce.md for the columns)")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded)")] = "",
) -> None:
    """Imports staff records from CSV: every bad row is listed, and nothing is saved until all are right."""
    runtime = open_runtime()
    try:
        data = file.read_bytes()
    except OSError as exc:
        console.print("[red]FILE[/red] " + _("cannot read %(path)s: %(error)s") % {"path": file, "error": exc})
        raise typer.Exit(2) from None
    try:
        with runtime.uow() as uow:
            added, updated = service.import_staff(uow, _hr(), data, reason=reason or f"imported from {file.name}")
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    imported = _("%(added)s new and %(updated)s updated staff record(s)") % {"added": added, "updated": updated}
    console.print("[green]" + _("Imported") + f"[/green] {imported}")


def _dash(value: object) -> str:
    return "—" if value is None else str(value)


@app.command("indicators")
def indicators_cmd(
    year: Annotated[int | None, typer.Option("--year", help="Reporting year (default: this year)")] = None,
) -> None:
    """Prints the GEOAT indicators of a year (aggregates only, small groups suppressed)."""
    runtime = open_runtime()
    try:
        with runtime.uow(readonly=True) as uow:
            ind = service.compute_indicators(uow, Principal(user=cli_actor(), role="supervisor"), year)
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    title = _("Indicators %(year)s") % {"year": ind.year}
    note = _("(figures on %(date)s; minimum group %(k)s)") % {"date": ind.as_of, "k": ind.min_group}
    console.print(f"[bold]{title}[/bold] {note}")
    words = labels.COLUMNS
    total, women, men = words["total"], words["women"], words["men"]
    for t in ind.tables:
        columns = (_(labels.COLUMNS[c]) for c in COLUMNS)
        table = Table(_(labels.TABLES[t.key]), *columns, _(total), _("% women"))
        for r in (*t.rows, *([t.total] if t.total else [])):
            table.add_row(
                labels.word(labels.ROWS, r.key, _),
                *(_dash(r.counts[c]) for c in COLUMNS),
                _dash(r.total),
                "—" if r.share_women is None else number(r.share_women, 1),
            )
        console.print(table)
    rates = Table(_("rate"), _(women), _(men), _("women / men"))
    for rate in ind.rates:
        rates.add_row(_(labels.RATES[rate.key]), _dash(rate.women), _dash(rate.men), _dash(rate.ratio))
    console.print(rates)
    console.print(_(labels.SUPPRESSED_NOTE) % {"k": ind.min_group})


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write")],
    year: Annotated[int | None, typer.Option("--year", help="Reporting year (default: this year)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="es, pt, fr or en")] = "en",
) -> None:
    """Writes the year's indicators as CSV for the annual report, in a language of the console."""
    from clearway.console import i18n

    if lang not in i18n.LANGUAGES:
        console.print("[red]LANG[/red] " + _("one of %(languages)s") % {"languages": ", ".join(i18n.LANGUAGES)})
        raise typer.Exit(2)
    runtime = open_runtime()
    try:
        with runtime.uow(readonly=True) as uow:
            ind = service.compute_indicators(uow, Principal(user=cli_actor(), role="supervisor"), year)
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    out.write_text(export.to_csv(ind, i18n.translations(lang).gettext), encoding="utf-8")
    suppressed = _("(%(count)s figure(s) suppressed as '—')") % {"count": ind.suppressed}
    console.print("[green]" + _("Wrote") + f"[/green] {out} {suppressed}")
