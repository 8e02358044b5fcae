"""``clearway exchange``: this administration's identity, partners and agreements, the outbox, anchored heads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.exchange import alerts, sender, service, sharing
from clearway.exchange.config import exchange_settings
from clearway.exchange.model import KINDS
from clearway.ledger import anchor
from clearway.ledger.config import ledger_settings
from clearway.platform.cli_support import N_, _, open_runtime

app = typer.Typer(
    help="Regional cooperation: partners, signed messages, mirror analysis, alerts.", no_args_is_help=True
)
partner_app = typer.Typer(help="Partner administrations.", no_args_is_help=True)
app.add_typer(partner_app, name="partner")
console = Console()
ACTOR = "cli"
# check-anchors' verdicts (sharing.check_partner_anchors writes them in English; a DIFFERS verdict exits 1).
VERDICTS = (
    N_("not anchored on chain (yet)"),
    N_("matches the chain"),
    N_("DIFFERS from the root anchored on chain"),
)


def _fail(exc: Exception) -> None:
    if isinstance(exc, ValidationFailed):
        for i in exc.issues:
            console.print(f"[red]{i.code}[/red] {i.message} ({i.pointer})")
    elif isinstance(exc, DomainError):
        console.print(f"[red]{exc.code}[/red] {exc.message}")
    else:
        console.print(f"[red]ERROR[/red] {exc}")
    raise typer.Exit(1) from None


@app.command("identity")
def identity_cmd(
    url: Annotated[
        str | None, typer.Option(help="base URL partners reach us at; default CLEARWAY_EXCHANGE_PUBLIC_URL")
    ] = None,
) -> None:
    """Prints what a partner needs to register this administration (JSON: country, URL, DID, DID document)."""
    runtime = open_runtime()
    ctx = service.context(runtime)
    with runtime.uow() as uow:
        doc = service.our_identity(uow, ctx, public_url=url or exchange_settings(runtime).public_url)
        uow.commit()
    typer.echo(json.dumps(doc, indent=2))


@partner_app.command("add")
def partner_add(
    country: Annotated[str, typer.Argument(help="the partner's ISO 3166 country code, e.g. CL")],
    url: Annotated[str, typer.Option(help="the partner's base URL, e.g. https://aduana.cl")],
    did: Annotated[str, typer.Option(help="the partner's DID, as its 'clearway exchange identity' prints it")],
    did_document: Annotated[
        Path | None, typer.Option(help="the partner's DID document (JSON file); fetched from the URL otherwise")
    ] = None,
    share: Annotated[str, typer.Option(help="what is shared, comma-separated")] = ",".join(KINDS),
    since: Annotated[str | None, typer.Option(help="agreements from this date (YYYY-MM-DD); today by default")] = None,
    mra_since: Annotated[str | None, typer.Option(help="AEO mutual recognition from (YYYY-MM-DD)")] = None,
) -> None:
    """Registers a partner administration and what is shared with it from when."""
    runtime = open_runtime()
    try:
        if did_document is not None:
            doc = json.loads(did_document.read_text())
        else:
            r = httpx.get(url.rstrip("/") + "/api/v1/exchange/identity", timeout=10)
            r.raise_for_status()
            doc = r.json()["did_document"]
        ctx = service.context(runtime)
        with runtime.uow() as uow:
            p = service.add_partner(
                uow,
                ctx,
                country=country,
                url=url,
                did=did,
                did_document=doc,
                kinds=tuple(k.strip() for k in share.split(",") if k.strip()),
                since=date.fromisoformat(since) if since else None,
                mra_since=date.fromisoformat(mra_since) if mra_since else None,
                actor=ACTOR,
            )
            uow.commit()
    except (DomainError, ValidationFailed, httpx.HTTPError, ValueError, KeyError, OSError) as exc:
        _fail(exc)
        return
    partner = _("Partner %(country)s") % {"country": p["country"]}
    console.print(f"[green]{partner}[/green] " + _("%(did)s at %(url)s") % {"did": p["did"], "url": p["url"]})
    for a in p["agreements"]:
        shares = _("shares %(kind)s since %(since)s") % {"kind": a["kind"], "since": a["since"]}
        until = " " + _("until %(until)s") % {"until": a["until"]} if a["until"] else ""
        console.print(f"  {shares}{until}")


@partner_app.command("list")
def partner_list() -> None:
    """Lists partner administrations with their agreements and outbox backlog."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        rows = service.partners(uow)
    table = Table(_("country"), "DID", "URL", _("shares"), _("pending"))
    for p in rows:
        table.add_row(
            p["country"], p["did"], p["url"], ", ".join(a["kind"] for a in p["agreements"]), str(p["pending_messages"])
        )
    console.print(table)


@app.command("agreement")
def agreement(
    country: Annotated[str, typer.Argument(help="partner country")],
    kind: Annotated[str, typer.Argument(help=", ".join(KINDS))],
    since: Annotated[str, typer.Option(help="from (YYYY-MM-DD)")],
    until: Annotated[str | None, typer.Option(help="until (YYYY-MM-DD), exclusive")] = None,
) -> None:
    """Shares a kind of message with a partner from a date (until a date)."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            service.partner(uow, country)
            service.set_agreement(
                uow,
                country=country.upper(),
                kind=kind,
                since=date.fromisoformat(since),
                until=date.fromisoformat(until) if until else None,
                actor=ACTOR,
            )
            uow.commit()
    except (DomainError, ValidationFailed, ValueError) as exc:
        _fail(exc)
    console.print(
        _("%(kind)s shared with %(country)s from %(since)s")
        % {"kind": kind, "country": country.upper(), "since": since}
    )


@app.command("send")
def send(
    now: Annotated[bool, typer.Option("--now", help="also send messages still waiting for their retry time")] = False,
) -> None:
    """Drains the outbox once (the server's sender thread does it continuously)."""
    runtime = open_runtime()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as progress:
        progress.add_task(_("sending the outbox"), total=None)
        sender.prepare(runtime)
        result = sender.drain(runtime, ignore_backoff=now, limit=10_000)
    console.print(
        _("sent %(sent)s, waiting for a retry %(retried)s, dropped %(dropped)s")
        % {"sent": result.sent, "retried": result.retried, "dropped": result.dropped}
    )
    for e in sorted(set(result.errors))[:10]:
        console.print(f"  [yellow]{e}[/yellow]")
    if result.retried or result.dropped:
        raise typer.Exit(1)


@app.command("deliveries")
def deliveries(limit: Annotated[int, typer.Option(min=1, max=1000)] = 20) -> None:
    """Shows the delivery log: received, refused (with reasons), outbox."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        log = service.deliveries(uow, limit=limit)
    typer.echo(json.dumps(log, indent=2, default=str))


def _chain(runtime: Any, url: str | None, contract: str | None, account: str | None) -> anchor.Chain:
    ls = ledger_settings(runtime)
    target = url or ls.anchor_url
    if not target:
        console.print("[red]ANCHOR_NOT_CONFIGURED[/red] " + _("set CLEARWAY_LEDGER_ANCHOR_URL or pass --url"))
        raise typer.Exit(2)
    return anchor.connect(target, account=account or ls.anchor_account, contract=contract or ls.anchor_contract)


@app.command("anchor")
def anchor_cmd(
    url: Annotated[str | None, typer.Option(help="EVM JSON-RPC URL of the shared chain")] = None,
    contract: Annotated[str | None, typer.Option(help="this administration's anchor contract")] = None,
    account: Annotated[str | None, typer.Option(help="sending account (unlocked on the node)")] = None,
) -> None:
    """Anchors the latest signed tree head on the shared chain and queues it for partners with its proof."""
    runtime = open_runtime()
    try:
        chain = _chain(runtime, url, contract, account)
        with runtime.uow() as uow:
            ids = sharing.share_head(uow, service.context(runtime), chain=chain)
            uow.commit()
    except DomainError as exc:
        _fail(exc)
        return
    console.print(
        _("tree head anchored in contract %(contract)s; queued for %(count)s partner(s)")
        % {"contract": chain.address, "count": len(ids)}
    )


@app.command("check-anchors")
def check_anchors(
    url: Annotated[str | None, typer.Option(help="EVM JSON-RPC URL of the shared chain")] = None,
    country: Annotated[str | None, typer.Option(help="only this partner")] = None,
) -> None:
    """Checks partners' tree heads received against the roots their contracts hold on the chain; exit 1 on a
    difference."""
    runtime = open_runtime()
    try:
        chain = _chain(runtime, url, None, None)
        with runtime.uow(readonly=True) as uow:
            rows = sharing.check_partner_anchors(uow, chain, country=country)
    except DomainError as exc:
        _fail(exc)
        return
    bad = 0
    for r in rows:
        bad += r["verdict"].startswith("DIFFERS")
        verdict = r["verdict"]
        verdict = _(verdict) if verdict in VERDICTS else verdict
        size = _("tree size %(size)s") % {"size": r["tree_size"]}
        console.print(f"{r['country']} {size} ({r['contract']}): {verdict}")
    if bad:
        raise typer.Exit(1)


@app.command("alerts")
def alerts_cmd(
    q: Annotated[str | None, typer.Argument(help="words to search")] = None,
    hs: Annotated[str | None, typer.Option(help="HS prefix")] = None,
) -> None:
    """Searches alerts and seizures (ours and partners')."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        found = alerts.search(uow, q=q, hs=hs)
    for a in found:
        parties = ", ".join(p["id"] for p in a["record"].get("parties", []))
        console.print(f"{a['id']} {a['country']} {a['kind']}: {a['record'].get('what')} [{parties}]")


@app.command("watchlist")
def watchlist(
    alert_id: Annotated[str, typer.Argument(help="the alert to watch")],
    severity: Annotated[str, typer.Option(help="low, medium, high or critical")] = "high",
) -> None:
    """Turns an alert's parties into a risk watchlist entry (a new version of the criteria)."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            result = alerts.to_watchlist(uow, alert_id, severity=severity, by=ACTOR)
            uow.commit()
    except (DomainError, ValidationFailed) as exc:
        _fail(exc)
        return
    console.print(
        _("watchlist '%(name)s' (%(parties)s), rule set v%(version)s")
        % {"name": result["watchlist"], "parties": ", ".join(result["parties"]), "version": result["ruleset_version"]}
    )
