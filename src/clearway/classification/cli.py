"""``clearway hs suggest``: HS subheadings for a description, or for a CSV file of items."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from clearway.classification import service
from clearway.classification.model import Index
from clearway.classification.phrases import PHRASES
from clearway.core.issues import ValidationFailed
from clearway.platform.cli_support import _, number, open_runtime, reader
from clearway.platform.settings import get_settings
from clearway.reference.model import parse_hs_csv

app = typer.Typer(help="HS classification suggestions.", no_args_is_help=True)
console = Console()


@app.callback()
def _group() -> None:
    """HS classification suggestions (top-5 subheadings with reasons)."""


def _index(nomenclature: Path | None) -> Index:
    if nomenclature is not None:
        with nomenclature.open(encoding="utf-8-sig", newline="") as fh:
            entries = parse_hs_csv(fh)
        ix = Index(entries)
        service.attach_dense(ix, get_settings().data_dir)
        return ix
    runtime = open_runtime()
    runtime.caches.setdefault(service.DATA_DIR, runtime.settings.data_dir)
    with runtime.uow(readonly=True) as uow:
        return service.index(uow, runtime.caches)


@app.command("embed")
def embed(
    nomenclature: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="HS CSV to use instead of the loaded one")
    ] = None,
) -> None:
    """Computes the nomenclature's embeddings once for dense retrieval (about 30 minutes for HS 2022 on 2 cores)."""
    try:
        ix = _index(nomenclature)
        with Progress(
            TextColumn(_("embedding")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
        ) as progress:
            task = progress.add_task("subheadings", total=len(ix.codes))
            data_dir = get_settings().data_dir if nomenclature is not None else open_runtime().settings.data_dir
            path = service.embed(ix, data_dir, lambda n: progress.advance(task, n))
    except ValidationFailed as exc:
        for issue in exc.issues:
            console.print(f"[red]{issue.code}[/red] {issue.message}")
        raise typer.Exit(1) from None
    subheadings = _("(%(count)s subheadings)") % {"count": len(ix.codes)}
    console.print("[green]" + _("wrote") + f"[/green] {path} {subheadings}; {reader(PHRASES)(ix.retrieval)}")


@app.command("suggest")
def suggest(
    text: Annotated[str | None, typer.Argument(help="Description of the goods (en, es, pt, fr)")] = None,
    input_file: Annotated[
        Path | None, typer.Option("--input", exists=True, dir_okay=False, help="CSV: id,description[,category]")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", help="CSV written: id,rank,hs6,score,reason")] = None,
    category: Annotated[str | None, typer.Option(help="Marketplace category path")] = None,
    nomenclature: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="HS CSV to use instead of the loaded one")
    ] = None,
) -> None:
    """Prints the top-5 HS subheadings for a description, or writes them for every item of a CSV file."""
    if (text is None) == (input_file is None):
        console.print("[red]" + _("give either a TEXT or --input FILE") + "[/red]")
        raise typer.Exit(2)
    try:
        ix = _index(nomenclature)
        if input_file is not None:
            _batch(ix, input_file, output or input_file.with_name(input_file.stem + "-suggestions.csv"))
            return
        assert text is not None
        s = ix.suggest(text, category)
    except ValidationFailed as exc:
        for issue in exc.issues:
            console.print(f"[red]{issue.code}[/red] {issue.message}")
        raise typer.Exit(1) from None
    table = Table(_("rank"), "hs6", _("score"), _("path"), _("matched"))
    for rank, c in enumerate(s.candidates, start=1):
        table.add_row(
            str(rank), c.hs6, number(c.score, 3), " › ".join(d[:40] for _code, d in c.path), ", ".join(c.matched)
        )
    console.print(table)
    read = reader(PHRASES)  # the signals and the question, in the user's language
    if s.signals:
        console.print(_("signals: %(signals)s") % {"signals": "; ".join(read(signal) for signal in s.signals)})
    if s.abstain:
        console.print(
            "[yellow]" + _("Too close to choose: %(question)s") % {"question": read(s.question)} + "[/yellow]"
        )


def _batch(ix: Index, input_file: Path, output: Path) -> None:
    items = list(service.read_items(input_file.read_bytes()))
    with (
        Progress(
            TextColumn(_("suggesting")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
        ) as progress,
        output.open("w", newline="", encoding="utf-8") as fh,
    ):
        task = progress.add_task("items", total=len(items))
        writer = csv.DictWriter(fh, fieldnames=["id", "rank", "hs6", "score", "reason"])
        writer.writeheader()
        for row in service.suggest_batch(ix, items, progress=lambda: progress.advance(task)):
            writer.writerow(row)
    console.print(
        "[green]"
        + _("wrote")
        + f"[/green] {output} "
        + _("(%(count)s item(s), up to 5 rows each)") % {"count": len(items)}
    )
