"""``clearway interchange map FILE.xml`` and ``clearway interchange notifications MRN``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clearway.core.issues import DomainError, ValidationFailed
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.interchange import mapping, service
from clearway.platform.auth import Principal
from clearway.platform.cli_support import _, open_runtime

app = typer.Typer(help="WCO Data Model XML: map declarations, print notifications as WCO DM responses.")
console = Console()


@app.command("map")
def map_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="WCO DM 3.6 declaration")],
) -> None:
    """Shows how a WCO DM declaration maps onto Clearway's declaration, without lodging it."""
    runtime = open_runtime()
    try:
        data, derived = service.preview(file.read_bytes(), today=runtime.clock().date())
    except ValidationFailed as exc:
        console.print("[red]" + _("Rejected") + "[/red]: " + _("%(count)s problem(s)") % {"count": len(exc.issues)})
        for issue in exc.issues:
            where = _("at %(pointer)s") % {"pointer": issue.pointer or "/"}
            console.print(f"  [bold]{issue.code}[/bold] {where}: {issue.message}")
        raise typer.Exit(1) from None
    doc = codec.to_json(data)
    doc.pop("extensions", None)
    typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    for pointer, how in derived.items():
        console.print(f"[yellow]derived[/yellow] {pointer}: {how}")
    console.print(f"kept verbatim under extensions.{mapping.EXTENSION_KEY}.xml: {file.stat().st_size} bytes")


@app.command("lodge")
def lodge(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="WCO DM 3.6 declaration")],
    as_user: Annotated[str, typer.Option("--as", help="Name recorded as the lodging user")] = "cli",
    xml: Annotated[bool, typer.Option("--xml", help="Print the WCO DM response instead of a summary")] = False,
) -> None:
    """Lodges a WCO DM declaration; every error is reported at its WCO class/tag path."""
    runtime = open_runtime()
    country = runtime.settings.country
    try:
        data = service.parse_declaration(file.read_bytes(), today=runtime.clock().date())
        principal = Principal(user=as_user, role="declarant", party_id=data.declarant.id)
        with runtime.uow() as uow:
            result = lodging.lodge(uow, data, principal=principal, ctx=declarations_api.lodge_context(runtime, uow))
            uow.commit()
    except ValidationFailed as exc:
        issues = service.xml_issues(exc.issues)
        if xml:
            typer.echo(service.rejected_xml(issues, at=runtime.clock(), country=country).decode())
        else:
            console.print("[red]" + _("Rejected") + "[/red]: " + _("%(count)s problem(s)") % {"count": len(issues)})
            for issue in issues:
                where = _("at %(pointer)s") % {"pointer": issue.pointer or "/"}
                console.print(f"  [bold]{issue.code}[/bold] {where}: {issue.message}")
        raise typer.Exit(1) from None
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    decl = result.declaration
    if xml:
        typer.echo(service.accepted_xml(decl, country=country).decode())
        return
    note = " (already lodged: same MRN)" if result.replayed else ""
    console.print(f"[green]Accepted[/green] MRN [bold]{decl.mrn}[/bold]{note} — status {decl.status.value}")


@app.command("notifications")
def notifications(
    mrn: Annotated[str, typer.Argument(help="Movement Reference Number")],
    out: Annotated[Path | None, typer.Option("--out", help="Write the XML to this file")] = None,
) -> None:
    """Prints a declaration's notifications as one WCO DM response document."""
    runtime = open_runtime()
    officer = Principal(user="cli", role="officer")
    try:
        with runtime.uow(readonly=True) as uow:
            body = service.notifications_xml(uow, mrn, officer, country=runtime.settings.country)
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    if out is not None:
        out.write_bytes(body)
        console.print(_("wrote %(path)s (%(bytes)s bytes)") % {"path": out, "bytes": len(body)})
        return
    typer.echo(body.decode())
