"""``clearway mandates``: grant, revoke and list mandates (as an administrator, on evidence)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.mandates import service
from clearway.platform.auth import Principal
from clearway.platform.cli_support import _, fail, open_runtime

app = typer.Typer(help="Mandates: who may act for whom, when, for which procedures.", no_args_is_help=True)
console = Console()


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        console.print(
            "[red]DATE[/red] "
            + _("%(option)s takes an ISO date or time, e.g. 2026-12-31 or 2026-12-31T18:00Z") % {"option": option}
        )
        raise typer.Exit(2) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@app.command("grant")
def grant(
    principal_party: Annotated[str, typer.Argument(help="The party that gives the mandate (e.g. the importer)")],
    agent_party: Annotated[str, typer.Argument(help="The party that may act for it (e.g. the broker)")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded)")],
    evidence: Annotated[str, typer.Option("--evidence", help="The document it rests on (recorded)")],
    procedure: Annotated[
        list[str] | None, typer.Option("--procedure", help="Procedure code (repeat); default: all")
    ] = None,
    valid_from: Annotated[str | None, typer.Option("--from", help="Start (ISO; default now)")] = None,
    valid_to: Annotated[str | None, typer.Option("--to", help="End (ISO; default until revoked)")] = None,
    by: Annotated[str, typer.Option("--by", help="Administrator who registers it (recorded)")] = "cli",
) -> None:
    """Registers a mandate on evidence, as an administrator."""
    runtime = open_runtime()
    start, end = _when(valid_from, "--from"), _when(valid_to, "--to")
    try:
        with runtime.uow() as uow:
            m = service.grant(
                uow,
                Principal(user=by, role="admin"),
                principal_party=principal_party.strip().upper(),
                agent_party=agent_party.strip().upper(),
                procedures=procedure or ["all"],
                valid_from=start,
                valid_to=end,
                reason=reason,
                evidence=evidence,
            )
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    until = m.valid_to.strftime("%Y-%m-%d %H:%M") if m.valid_to else _("revocation")
    console.print(
        "[green]"
        + _("Granted")
        + "[/green] "
        + _("mandate %(id)s: %(agent)s acts for %(principal)s (%(procedures)s) from %(start)s to %(end)s")
        % {
            "id": f"[bold]{m.id}[/bold]",
            "agent": m.agent_id,
            "principal": m.principal_id,
            "procedures": ", ".join(m.procedures),
            "start": f"{m.valid_from:%Y-%m-%d %H:%M}",
            "end": until,
        }
    )


@app.command("revoke")
def revoke(
    mandate_id: Annotated[str, typer.Argument(help="Mandate id")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded)")],
    by: Annotated[str, typer.Option("--by", help="Administrator who revokes it (recorded)")] = "cli",
) -> None:
    """Revokes a mandate now, as an administrator."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            m = service.revoke(uow, Principal(user=by, role="admin"), mandate_id, reason=reason)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    console.print(
        "[yellow]"
        + _("Revoked")
        + "[/yellow] "
        + _("mandate %(id)s (%(agent)s for %(principal)s): %(reason)s")
        % {"id": m.id, "agent": m.agent_id, "principal": m.principal_id, "reason": m.revoke_reason}
    )


@app.command("list")
def list_(
    party: Annotated[str | None, typer.Option("--party", help="Only this party's (as principal or agent)")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 100,
) -> None:
    """Lists mandates with their status now."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        rows, total = service.list_visible(uow, Principal(user="cli", role="admin"), party=party, limit=limit)
        now = uow.clock()
    table = Table("id", "principal", "agent", "procedures", "from", "to", "status")
    for m in rows:
        table.add_row(
            m.id,
            m.principal_id,
            m.agent_id,
            ", ".join(m.procedures),
            f"{m.valid_from:%Y-%m-%d}",
            f"{m.valid_to:%Y-%m-%d}" if m.valid_to else "-",
            m.status(now),
        )
    console.print(table)
    console.print(_("%(shown)s of %(total)s mandate(s)") % {"shown": len(rows), "total": total})


@app.command("seed-demo")
def seed_demo() -> None:
    """Registers the demo mandates: every demo importer mandates each demo broker (demos and benchmarks)."""
    runtime = open_runtime()
    if runtime.settings.env == "production":
        console.print("[red]PRODUCTION[/red] demo mandates are not registered in production")
        raise typer.Exit(2)
    from clearway.mandates import seed

    with runtime.uow() as uow:
        count = seed.grant_demo_mandates(uow)
        uow.commit()
    console.print("[green]" + _("Registered") + "[/green] " + _("%(count)s demo mandates") % {"count": count})
