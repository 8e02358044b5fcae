"""``clearway crisis``: list, show and load protocol packs; ask for, approve and end activations.

Activation and deactivation follow the same four-eyes rule as the API: ``--by`` names a registered supervisor
who asks; ``approve`` is run with a different supervisor's name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.crisis import service
from clearway.crisis.phrases import PHRASES
from clearway.platform import approvals, cli_i18n
from clearway.platform.audit import cli_actor
from clearway.platform.auth import Principal, principal_for_user
from clearway.platform.cli_support import N_, _, fail, open_runtime, reader
from clearway.platform.db import UnitOfWork
from clearway.reference import model as reference_model
from clearway.reference import service as reference_service

app = typer.Typer(
    help="Crisis protocols: packs, four-eyes activation, declarations handled under them.", no_args_is_help=True
)
console = Console()


def _user(uow: UnitOfWork, name: str) -> Principal:
    found = principal_for_user(uow, name)
    if found is None:
        console.print(
            "[red]UNKNOWN_USER[/red] " + _("no user '%(name)s'; --by names a registered supervisor") % {"name": name}
        )
        raise typer.Exit(2)
    return found


@app.command("list")
def list_packs() -> None:
    """Lists the loaded packs, which are active, and what waits for approval."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        found = service.packs(uow)
        waiting = service.pending_requests(uow)
    table = Table(title=_("Crisis protocol packs"))
    for col in (N_("pack"), N_("version"), N_("title"), N_("measures"), N_("state")):
        table.add_column(_(col))
    for pack, active in found:
        since = _("since %(when)s UTC") % {"when": f"{active['activated_at']:%Y-%m-%d %H:%M}"} if active else ""
        state = "[bold green]" + _("ACTIVE") + f"[/bold green] {since}" if active else _("inactive")
        table.add_row(pack.id, pack.version, pack.title_in(cli_i18n.current()), str(len(pack.measures)), state)
    console.print(table)
    for cr in waiting:
        asked = _("asked by %(user)s") % {"user": cr.requested_by}
        how = _("approve: %(command)s") % {"command": f"clearway crisis approve {cr.id} --by OTHER_SUPERVISOR"}
        console.print("[yellow]" + _("waiting") + f"[/yellow] {cr.kind} {cr.target} {asked}: {cr.reason} ({how})")


@app.command("show")
def show(pack_id: Annotated[str, typer.Argument(help="Pack id, e.g. pandemic-medical-supplies")]) -> None:
    """Shows a pack: legal basis, dates, measures and lists."""
    runtime = open_runtime()
    try:
        with runtime.uow(readonly=True) as uow:
            pack = service.get_pack(uow, pack_id)
    except DomainError as exc:
        fail(console, exc)
        return
    dates = _("In force from %(start)s to %(end)s") % {"start": pack.start, "end": pack.end or _("no end date")}
    basis, when = _("Legal basis"), _("Activated when")
    console.print(
        Panel(
            f"[bold]{pack.title_in(cli_i18n.current())}[/bold] ({pack.id} {pack.version})\n{dates}\n\n"
            f"[bold]{basis}[/bold]: {pack.legal_basis}\n[bold]{when}[/bold]: {pack.activation_reason}",
            title=_("Crisis protocol"),
        )
    )
    table = Table(title=_("Measures"))
    for col in ("id", N_("kind"), N_("scope"), N_("title")):
        table.add_column(_(col))
    for m in pack.measures:
        scope = " and ".join(
            x for x in (m.goods and f"goods:{m.goods}", m.consignees and f"consignees:{m.consignees}") if x
        )
        table.add_row(m.id, m.kind, scope, m.title)
    console.print(table)
    for g in pack.goods.values():
        count = _("(%(count)s HS subheadings)") % {"count": len(g.codes)}
        console.print(f"[bold]{g.key}[/bold] {count}: {', '.join(sorted(g.codes))}")
    for c in pack.consignees.values():
        console.print(f"[bold]{c.key}[/bold]: " + "; ".join(f"{n} ({i})" for i, n in c.parties.items()))
    for s in pack.sources:
        console.print("  " + _("source: %(source)s") % {"source": s})


@app.command("load")
def load(
    path: Annotated[Path, typer.Argument(help="The pack file (YAML)", exists=True, dir_okay=False, readable=True)],
    hs: Annotated[Path | None, typer.Option("--hs", help="Check the codes against this HS CSV file")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded)")] = "protocol pack loaded",
    check: Annotated[bool, typer.Option("--check", help="Check only; store nothing")] = False,
) -> None:
    """Checks a pack whole (every problem at once) and stores this version."""
    text = path.read_text(encoding="utf-8")
    runtime = open_runtime()
    known: Callable[[str], bool] | None = None
    warnings: list[str] = []
    if hs is not None:
        with hs.open(encoding="utf-8-sig", newline="") as fh:
            codes = {e.code for e in reference_model.parse_hs_csv(fh)}
        known = codes.__contains__
    else:
        with runtime.uow(readonly=True) as uow:
            known, warnings = service.hs_checker(reference_service.nomenclature(uow, runtime.caches))
    if check:
        pack, issues = service.read_pack(text, known)
        if pack is None:
            fail(console, ValidationFailed(issues))
            return
        console.print(
            "[green]"
            + _("Valid")
            + f"[/green] {pack.id} {pack.version}: "
            + _("%(count)s measures") % {"count": len(pack.measures)}
        )
        return
    try:
        with runtime.uow() as uow:
            loaded = service.load_pack(
                uow,
                text,
                principal=Principal(user=cli_actor(), role="admin"),
                reason=reason,
                known_hs=known,
                warnings=warnings,
            )
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    read = reader(PHRASES)
    for w in loaded.warnings:
        console.print("[yellow]" + _("warning") + f"[/yellow] {read(w)}")
    verb = _("Loaded") if loaded.created else _("Already loaded")
    measures = _("%(count)s measures") % {"count": len(loaded.pack.measures)}
    console.print(f"[green]{verb}[/green] {loaded.pack.id} {loaded.pack.version}: {measures}")


@app.command("activate")
def activate(
    pack_id: Annotated[str, typer.Argument(help="Pack id")],
    reason: Annotated[str, typer.Option("--reason", help="Why: the emergency and its decree (recorded)")],
    by: Annotated[str, typer.Option("--by", help="The supervisor who asks (a registered user)")],
) -> None:
    """Asks for a protocol to be activated; a second supervisor approves it."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            cr = service.request_activation(uow, pack_id, principal=_user(uow, by), reason=reason)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    console.print(
        "[yellow]"
        + _("Waiting for approval")
        + "[/yellow]: "
        + _("request %(id)s; another supervisor runs") % {"id": cr.id}
    )
    console.print(f"  clearway crisis approve {cr.id} --by OTHER_SUPERVISOR --reason '...'")


@app.command("deactivate")
def deactivate(
    pack_id: Annotated[str, typer.Argument(help="Pack id of the active protocol")],
    reason: Annotated[str, typer.Option("--reason", help="Why it ends (recorded)")],
    by: Annotated[str, typer.Option("--by", help="The supervisor who asks (a registered user)")],
) -> None:
    """Asks for an active protocol to end; a second supervisor approves it."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            active = next((p for p in service.in_force(uow) if p.pack.id == pack_id), None)
            if active is None:
                console.print("[red]CRISIS_NOT_ACTIVE[/red] " + _("protocol %(id)s is not active") % {"id": pack_id})
                raise typer.Exit(1)
            cr = service.request_deactivation(uow, active.activation["id"], principal=_user(uow, by), reason=reason)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    console.print(
        "[yellow]"
        + _("Waiting for approval")
        + "[/yellow]: "
        + _("request %(id)s; the protocol stays in force until then") % {"id": cr.id}
    )


@app.command("approve")
def approve(
    request_id: Annotated[str, typer.Argument(help="The change request id")],
    by: Annotated[str, typer.Option("--by", help="A supervisor other than who asked")],
    reason: Annotated[str, typer.Option("--reason", help="Why you approve (recorded)")] = "approved",
) -> None:
    """Approves an activation or deactivation (four eyes): it takes effect at once."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            cr, result = approvals.approve(uow, request_id, _user(uow, by), reason=reason, caches=runtime.caches)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc)
        return
    console.print("[green]" + _("Approved") + f"[/green] {cr.kind} {cr.target}: {result}")


@app.command("declarations")
def declarations(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only provisional declarations past their deadline")
    ] = False,
    provisional: Annotated[bool, typer.Option("--provisional", help="Only provisional declarations")] = False,
) -> None:
    """Lists the declarations handled under protocols (customs' view)."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        rows, total = service.affected(
            uow, Principal(user=cli_actor(), role="supervisor"), provisional=provisional, overdue=overdue, limit=500
        )
    table = Table(title=_("Declarations under crisis protocols (%(count)s)") % {"count": total})
    for col in ("MRN", N_("protocol"), N_("importer"), N_("lane"), N_("lodged"), N_("released"), N_("deadline")):
        table.add_column(_(col))
    for r in rows:
        table.add_row(
            r["mrn"],
            r["pack_id"],
            r["importer_id"],
            r.get("lane") or "",
            f"{r['lodged_at']:%Y-%m-%d %H:%M}",
            f"{r['released_at']:%Y-%m-%d %H:%M}" if r["released_at"] else "",
            str(r["deadline"] or "") + (" " + _("(completed)") if r["completed_at"] else ""),
        )
    console.print(table)
