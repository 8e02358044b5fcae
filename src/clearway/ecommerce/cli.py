"""``clearway ecommerce``: load the recall list and brand register, screen manifests, generate test data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from clearway.core.issues import DomainError, Issue, ValidationFailed
from clearway.ecommerce import hs_history_store, lists, service
from clearway.platform import audit
from clearway.platform.cli_support import _, open_runtime

app = typer.Typer(help="E-commerce oversight: screen parcel manifests before arrival.", no_args_is_help=True)
recalls_app = typer.Typer(help="The product-recall list.", no_args_is_help=True)
brands_app = typer.Typer(help="The register of protected brands.", no_args_is_help=True)
app.add_typer(recalls_app, name="recalls")
app.add_typer(brands_app, name="brands")
history_app = typer.Typer(help="The classification history: past parcels' titles and HS codes.", no_args_is_help=True)
app.add_typer(history_app, name="history")
console = Console()
FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV file")]


def _print_issues(issues: list[Issue], limit: int = 20) -> None:
    for issue in issues[:limit]:
        console.print(f"  [bold]{issue.code}[/bold] {issue.message}")
    if len(issues) > limit:
        console.print("  " + _("… and %(count)s more") % {"count": len(issues) - limit})


def _load(kind: str, file: Path) -> None:
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            report = lists.load_recalls(uow, file) if kind == "recalls" else lists.load_brands(uow, file)
            uow.commit()
    except ValidationFailed as exc:
        console.print("[red]" + _("Refused") + f"[/red]: {file.name}")
        _print_issues(exc.issues)
        raise typer.Exit(1) from None
    console.print(
        "[green]"
        + _("Loaded")
        + f"[/green] {report.loaded} {kind}; "
        + _("%(count)s row problem(s)") % {"count": len(report.issues)}
    )
    _print_issues(report.issues)
    if report.issues and not report.loaded:
        raise typer.Exit(1)


@recalls_app.command("load")
def load_recalls(file: FileArg) -> None:
    """Loads a recall list CSV (recall_id, product, brand, model, hazard, hs_code); replaces rows by recall_id."""
    _load("recalls", file)


@brands_app.command("load")
def load_brands(file: FileArg) -> None:
    """Loads registered brands CSV (brand, rights_holder, min_genuine_price, currency, hs_codes)."""
    _load("brands", file)


@history_app.command("load")
def load_history(
    file: FileArg,
    source: Annotated[str, typer.Option("--source", help="Where the parcels come from (default: the file name)")] = "",
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log)")] = "",
) -> None:
    """Adds past parcels (CSV: title or description, hs_code, optional parcels) to the classification history."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            report = hs_history_store.load_csv(
                uow, file, actor=audit.cli_actor(), role=audit.CLI_ROLE, source=source, reason=reason
            )
            uow.commit()
    except ValidationFailed as exc:
        console.print("[red]" + _("Refused") + f"[/red]: {file.name}")
        _print_issues(exc.issues)
        raise typer.Exit(1) from None
    console.print(
        "[green]"
        + _("Loaded")
        + "[/green] "
        + _("%(loaded)s of %(rows)s past parcels (%(pairs)s titles and codes); the history now holds %(total)s")
        % {"loaded": report.loaded, "rows": report.rows, "pairs": report.pairs, "total": report.total_parcels}
        + "; "
        + _("%(count)s row problem(s)") % {"count": report.rejected}
    )
    _print_issues(report.issues)


@history_app.command("clear")
def clear_history(
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log)")] = "",
) -> None:
    """Removes the whole classification history (screening then judges HS codes without it)."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        removed = hs_history_store.clear(uow, actor=audit.cli_actor(), role=audit.CLI_ROLE, reason=reason)
        uow.commit()
    console.print(_("Removed %(count)s titles and codes from the classification history") % {"count": removed})


@app.command("screen")
def screen(
    manifest: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Manifest: CSV or JSON lines")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Decisions CSV to write")] = Path("decisions.csv"),
    country: Annotated[str | None, typer.Option("--country", help="Destination country (default: settings)")] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="Carrier or marketplace party id that may fetch the decisions")
    ] = None,
    inspection_share: Annotated[
        float | None, typer.Option("--inspection-share", min=0.0, max=1.0, help="Inspection capacity per day")
    ] = None,
    max_parcels: Annotated[
        int | None, typer.Option("--max-parcels", min=1, help="Refuse manifests with more parcels (default 5M)")
    ] = None,
    streaming: Annotated[
        bool,
        typer.Option("--stream", help="Any size, constant memory: decisions to --output only, not stored"),
    ] = False,
) -> None:
    """Screens a manifest: writes one decision per parcel, stores them, and prints the manifest's report."""
    runtime = open_runtime()
    destination = (country or runtime.settings.country).upper()
    if streaming:
        _screen_streaming(runtime, manifest, output, destination, party, inspection_share)
        return
    size = manifest.stat().st_size
    columns = (
        TextColumn("[bold]screening"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with (
            Progress(*columns, console=console, transient=False) as progress,
            runtime.uow() as uow,
            manifest.open("rb") as stream,
        ):
            task = progress.add_task("read", total=size)
            report = service.screen_manifest(
                uow,
                stream,
                source_name=manifest.name,
                country=destination,
                submitted_by="cli",
                submitter_party=party,
                progress=lambda n: progress.advance(task, n),
                inspection_share=inspection_share,
                max_parcels=max_parcels,
                caches=runtime.caches,
            )
            progress.update(task, completed=size)
            uow.commit()
    except ValidationFailed as exc:
        console.print("[red]" + _("Refused") + f"[/red]: {manifest.name}")
        _print_issues(exc.issues)
        raise typer.Exit(1) from None
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    service.write_decisions_csv(report.decided, output)
    _print_report(report, output)


def _screen_streaming(
    runtime: Any, manifest: Path, output: Path, country: str, party: str | None, share: float | None
) -> None:
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress, runtime.uow() as uow:
            tasks = {"read": progress.add_task("reading", total=1), "screen": progress.add_task("screening", total=1)}

            def advance(stage: str, done: int, total: int) -> None:
                progress.update(tasks[stage], completed=done, total=max(1, total))

            report = service.screen_file_streaming(
                uow,
                manifest,
                output,
                country=country,
                submitter_party=party,
                caches=runtime.caches,
                progress=advance,
                inspection_share=share,
            )
    except ValidationFailed as exc:
        console.print("[red]" + _("Refused") + f"[/red]: {manifest.name}")
        _print_issues(exc.issues)
        raise typer.Exit(1) from None
    console.print(
        f"{report.rows_read:,} rows read, [green]{report.accepted:,} screened[/green], "
        f"[red]{report.rejected:,} rejected[/red] ({report.duplicates:,} duplicate parcel ids) "
        f"in {report.buckets} buckets (largest {report.largest_bucket:,} parcels)"
    )
    table = Table("decision", "parcels")
    for name, count in report.decisions.items():
        table.add_row(name, f"{count:,}")
    flags = Table("flag", "parcels")
    for name, count in report.flags.items():
        flags.add_row(name, f"{count:,}")
    console.print(table, flags)
    if report.rejects:
        rejected = Table("line", "parcel_id", "codes", "why")
        for r in report.rejects[:20]:
            rejected.add_row(str(r.line), r.parcel_id or "", r.codes, r.message[:120])
        console.print(rejected)
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    console.print(
        _("Decisions written to %(path)s (%(timing)s)") % {"path": f"[bold]{output}[/bold]", "timing": timing}
    )


def _print_report(report: service.ScreenReport, output: Path) -> None:
    console.print(
        f"Manifest [bold]{report.manifest_id}[/bold] for {report.country}: {report.rows_read} rows read, "
        f"[green]{report.accepted} accepted[/green], [red]{report.rejected} rejected[/red] "
        f"({report.duplicates} duplicate parcel ids)"
    )
    table = Table("decision", "parcels")
    for name, count in report.decisions.items():
        table.add_row(name, str(count))
    flags = Table("flag", "parcels")
    for name, count in report.flags.items():
        flags.add_row(name, str(count))
    console.print(table, flags)
    if report.rejects:
        rejected = Table("line", "parcel_id", "codes", "why")
        for r in report.rejects[:20]:
            rejected.add_row(str(r.line), r.parcel_id or "", r.codes, r.message)
        console.print(rejected)
        if report.rejected > 20:
            console.print(f"… {report.rejected - 20} more rejected rows (GET /api/v1/ecommerce/manifests/<id>)")
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    console.print(
        _("Decisions written to %(path)s (%(timing)s)") % {"path": f"[bold]{output}[/bold]", "timing": timing}
    )


@app.command("generate")
def generate(
    folder: Annotated[Path, typer.Argument(file_okay=False, help="Folder to write manifest.csv, recalls, brands")],
    parcels: Annotated[int, typer.Option("--parcels", min=1, max=20_000_000)] = 10_000,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Write JSON lines instead of CSV")] = False,
) -> None:
    """Generates a synthetic manifest with planted cases, its truth table, a recall list and a brand register."""
    from clearway.ecommerce import generator

    folder.mkdir(parents=True, exist_ok=True)
    recalls, brands = generator.write_reference_lists(folder)
    df, truth = generator.manifest(parcels, seed=seed)
    path = generator.write_manifest(
        df, folder / ("manifest.jsonl" if jsonl else "manifest.csv"), "jsonl" if jsonl else "csv"
    )
    truth.write_csv(folder / "truth.csv")
    console.print(_("Wrote %(files)s") % {"files": f"{path}, {folder / 'truth.csv'}, {recalls}, {brands}"})
