"""``clearway reference``: load code lists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clearway.core.issues import ValidationFailed
from clearway.platform.cli_support import _, open_runtime
from clearway.reference import service

app = typer.Typer(help="Load reference data (HS nomenclature).", no_args_is_help=True)
console = Console()


@app.command("load")
def load(
    hs: Annotated[
        Path,
        typer.Option(
            "--hs",
            exists=True,
            dir_okay=False,
            readable=True,
            help="HS nomenclature CSV (section,hscode,description,parent,level)",
        ),
    ],
) -> None:
    """Loads an HS nomenclature CSV, replacing the loaded one."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            count = service.load_hs_file(uow, hs)
            uow.commit()
    except ValidationFailed as exc:
        for issue in exc.issues:
            console.print(f"[red]{issue.code}[/red] {issue.message}")
        raise typer.Exit(1) from None
    console.print(_("Loaded %(count)s HS lines from %(path)s") % {"count": count, "path": hs})
