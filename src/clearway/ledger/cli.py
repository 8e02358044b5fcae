"""``clearway ledger``: check the transparency log, show its head, anchor it, manage organisations and AEO status."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from clearway.core.issues import DomainError
from clearway.ledger import aeo, anchor, identity, log, service
from clearway.ledger.config import ledger_settings
from clearway.platform.cli_support import _, open_runtime, reader

app = typer.Typer(
    help="Verifiable supply chain: transparency log, keys, credentials, AEO registry, anchors.", no_args_is_help=True
)
console = Console()


@app.command("verify")
def verify(
    signatures: Annotated[bool, typer.Option(help="Also check every entry's signature")] = True,
) -> None:
    """Checks every leaf and subtree hash, entry signature and signed tree head; names the first tampered entry."""
    runtime = open_runtime()
    with (
        runtime.uow(readonly=True) as uow,
        Progress(
            TextColumn(_("checking the log")), BarColumn(), MofNCompleteColumn(), console=console, transient=True
        ) as progress,
    ):
        task = progress.add_task("log", total=None)

        def step(done: int, total: int) -> None:
            if done % 500 == 0 or done == total:
                progress.update(task, completed=done, total=total)

        result = log.verify_all(uow, check_signatures=signatures, progress=step)
    if result.ok:
        console.print(
            "[green]"
            + _("The log is intact")
            + "[/green]: "
            + _("%(entries)s entries, %(heads)s signed tree heads checked.")
            % {"entries": result.entries, "heads": result.heads}
        )
        if result.signed_size < result.entries:
            waiting = result.entries - result.signed_size
            console.print("  " + _("the latest %(count)s entries await the next signed tree head") % {"count": waiting})
        return
    console.print(
        "[red]"
        + _("The log was tampered with")
        + "[/red]: "
        + _("first tampered entry is %(entry)s") % {"entry": f"[bold]{result.first_bad_entry}[/bold]"}
    )
    read = reader(runtime)
    for problem in result.problems[:20]:
        console.print(f"  {read(problem)}")
    raise typer.Exit(1)


@app.command("sth")
def sth() -> None:
    """Prints the latest signed tree head as JSON (RFC 9162 get-sth)."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        head = log.seal(uow, service.context(runtime))
        uow.commit()
    typer.echo(json.dumps(head.as_json(), indent=2))


@app.command("anchor")
def anchor_cmd(
    url: Annotated[
        str | None,
        typer.Option(help="EVM JSON-RPC URL ('eth-tester' for in-process); default CLEARWAY_LEDGER_ANCHOR_URL"),
    ] = None,
    contract: Annotated[
        str | None, typer.Option(help="anchor contract address; default CLEARWAY_LEDGER_ANCHOR_CONTRACT")
    ] = None,
) -> None:
    """Anchors the latest signed tree head on the configured EVM network (deploys the contract when none is given)."""
    runtime = open_runtime()
    settings = ledger_settings(runtime)
    target = url or settings.anchor_url
    if not target:
        console.print("[red]ANCHOR_NOT_CONFIGURED[/red] " + _("set CLEARWAY_LEDGER_ANCHOR_URL or pass --url"))
        raise typer.Exit(2)
    try:
        chain = anchor.connect(target, account=settings.anchor_account, contract=contract or settings.anchor_contract)
        with runtime.uow() as uow:
            done = anchor.anchor_latest(uow, service.context(runtime), chain)
            uow.commit()
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    if done is None:
        console.print(_("Nothing to anchor: the latest tree head is already on chain."))
        return
    console.print(
        "[green]"
        + _("Anchored")
        + "[/green] "
        + _("tree size %(size)s root %(root)s on chain %(chain)s, contract %(contract)s, tx %(tx)s, block %(block)s")
        % {
            "size": done.tree_size,
            "root": done.root_hash.hex(),
            "chain": done.chain_id,
            "contract": done.contract,
            "tx": done.tx_hash,
            "block": done.block_number,
        }
    )


@app.command("org-create")
def org_create(
    org_id: Annotated[str, typer.Argument(help="lower-case id, e.g. cl-vinedos-andes")],
    name: Annotated[str, typer.Option(help="legal name")],
    country: Annotated[str, typer.Option(help="ISO 3166 alpha-2")],
    kind: Annotated[str, typer.Option(help=", ".join(identity.ORG_KINDS))],
    party: Annotated[str | None, typer.Option(help="trader id (TIN/RUC/EORI) of the organisation")] = None,
) -> None:
    """Registers an organisation with a new Ed25519 signing key and prints its DID."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            did = identity.create_org(
                uow, service.context(runtime), org_id=org_id, name=name, country=country, kind=kind, party_id=party
            )
            uow.commit()
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    console.print("[green]" + _("Registered") + f"[/green] {org_id}: {did}")


@app.command("rotate-key")
def rotate_key(org_id: Annotated[str, typer.Argument(help="organisation id")]) -> None:
    """Retires an organisation's current key (old signatures stay checkable) and creates the next."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            kid = identity.rotate_key(uow, service.context(runtime), org_id)
            uow.commit()
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    console.print("[green]" + _("New key") + f"[/green] {kid}")


@app.command("aeo")
def aeo_cmd(
    trader_id: Annotated[str, typer.Argument(help="trader id")],
    on: Annotated[str | None, typer.Option(help="date (YYYY-MM-DD), default today")] = None,
) -> None:
    """Shows a trader's AEO status on a date, here or under a mutual recognition arrangement."""
    runtime = open_runtime()
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        console.print("[red]DATE_INVALID[/red] " + _("--on must be YYYY-MM-DD"))
        raise typer.Exit(2) from None
    with runtime.uow(readonly=True) as uow:
        st = aeo.aeo_status(uow, trader_id, on=day)
    if st is None:
        console.print(f"{trader_id}: " + _("no AEO status known"))
        raise typer.Exit(1)
    mark = "[green]" + _("recognised") + "[/green]" if st.recognised else "[yellow]" + _("not recognised") + "[/yellow]"
    read = reader(runtime)
    status = _("%(status)s since %(since)s by %(administration)s") % {
        "status": read(st.status),
        "since": st.since,
        "administration": st.administration,
    }
    console.print(f"{trader_id} ({st.trader_name}): {status} — {mark}: {read(st.basis)}")


keys_app = typer.Typer(
    help="Signing keys at rest: re-wrap them when the platform secret changes.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@keys_app.callback()
def _keys_group() -> None:
    """Signing keys at rest."""


@keys_app.command("rewrap")
def rewrap(
    old_secret_file: Annotated[
        Path, typer.Option("--old-secret-file", exists=True, dir_okay=False, help="File holding the previous secret")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log)")] = "",
) -> None:
    """Re-encrypts every stored signing key under the current CLEARWAY_SECRET_KEY, in one transaction."""
    from clearway.platform import audit

    old = old_secret_file.read_text(encoding="utf-8").strip()
    runtime = open_runtime()
    new = runtime.settings.secret_key
    if old == new:
        console.print("[yellow]" + _("The old and the current secret are the same; nothing to do.") + "[/yellow]")
        raise typer.Exit(1)
    try:
        with runtime.uow() as uow:
            count = service.rewrap_keys(uow, old_secret=old, new_secret=new, actor=audit.cli_actor(), reason=reason)
            uow.commit()
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    identity._DECRYPTED.clear()
    console.print(
        "[green]"
        + _("Re-wrapped")
        + "[/green] "
        + _("%(count)s signing key(s) under the current secret") % {"count": count}
    )
