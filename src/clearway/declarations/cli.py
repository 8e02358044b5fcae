"""``clearway lodge FILE`` and ``clearway status MRN``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.declarations import api as declarations_api
from clearway.declarations import lodging, service
from clearway.platform import cli_i18n
from clearway.platform.auth import Principal
from clearway.platform.cli_support import N_, _, open_runtime, reader
from clearway.platform.i18n import localise

console = Console()
MAX_FILE_BYTES = 5_000_000


def lodge(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="Declaration as JSON (or WCO DM XML when supported)",
        ),
    ],
    as_user: Annotated[str, typer.Option("--as", help="Name recorded as the lodging user")] = "cli",
) -> None:
    """Lodges a declaration file on the configured database and prints its MRN, or every error."""
    runtime = open_runtime()
    if file.stat().st_size > MAX_FILE_BYTES:
        console.print("[red]BODY_TOO_LARGE[/red] " + _("the file exceeds %(bytes)s bytes") % {"bytes": MAX_FILE_BYTES})
        raise typer.Exit(2)
    body = file.read_bytes()
    media = "application/xml" if file.suffix.lower() == ".xml" else "application/json"
    try:
        data = declarations_api.parse_declaration(runtime, body, media)
        principal = Principal(user=as_user, role="declarant", party_id=data.declarant.id)
        with runtime.uow() as uow:
            result = lodging.lodge(uow, data, principal=principal, ctx=declarations_api.lodge_context(runtime, uow))
            uow.commit()
    except ValidationFailed as exc:
        console.print("[red]" + _("Rejected") + "[/red]: " + _("%(count)s problem(s)") % {"count": len(exc.issues)})
        for issue in localise(exc.issues, cli_i18n.translator()):
            where = _("at %(pointer)s") % {"pointer": issue.pointer or "/"}
            console.print(f"  [bold]{issue.code}[/bold] {where}: {issue.message}")
        raise typer.Exit(1) from None
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    decl = result.declaration
    note = " " + _("(already lodged: same MRN)") if result.replayed else ""
    lane = _lane(decl.lane.value if decl.lane else None)
    console.print(
        "[green]"
        + _("Accepted")
        + f"[/green] MRN [bold]{decl.mrn}[/bold]{note} — "
        + _("status %(status)s (%(label)s), %(lane)s")
        % {"status": decl.status.value, "label": _(decl.status.label), "lane": lane}
    )


# The lanes in words (the console's catalogues translate them: es "canal naranja" for yellow, fr "circuit rouge").
LANE_WORDS = {"green": N_("green lane"), "yellow": N_("yellow lane"), "red": N_("red lane")}


def _lane(code: str | None) -> str:
    """Returns the lane: "lane yellow" in English, its name and code elsewhere ("canal naranja (yellow)")."""
    words = LANE_WORDS.get(code or "", "")
    name = _(words)
    if words and name != words:
        return f"{name} ({code})"
    return _("lane %(lane)s") % {"lane": code or "-"}


def status(
    mrn: Annotated[str, typer.Argument(help="Movement Reference Number")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Prints a declaration's status and history."""
    runtime = open_runtime()
    officer = Principal(user="cli", role="officer")
    try:
        with runtime.uow(readonly=True) as uow:
            decl = service.get_visible(uow, mrn, officer)
            blockers = service.release_blockers(uow, decl) if decl.is_open else []
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    if as_json:
        out = declarations_api.declaration_out(decl, officer, blockers)
        typer.echo(json.dumps(out.model_dump(mode="json"), indent=2))
        return
    lane = _lane(decl.lane.value if decl.lane else None)
    console.print(
        f"MRN [bold]{decl.mrn}[/bold]  LRN {decl.data.lrn}  "
        + _("status %(status)s (%(label)s)  %(lane)s")
        % {"status": decl.status.value, "label": _(decl.status.label), "lane": lane}
    )
    table = Table(_("when (UTC)"), _("what"), _("status"), _("who"), _("why"))
    read = reader(runtime)  # the stored reasons and blockers, in the CLI's language
    for e in decl.history:
        status_to = e.status_to.value if e.status_to else ""
        table.add_row(f"{e.at:%Y-%m-%d %H:%M:%S}", e.kind, status_to, e.actor, read(e.reason))
    console.print(table)
    if blockers:
        console.print(_("Release blocked by: %(blockers)s") % {"blockers": "; ".join(read(b) for b in blockers)})
