"""``clearway tariff``: load the schedule and exchange rates, open guarantee accounts, show an assessment."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.platform.cli_support import N_, NOTHING_LOADED, _, fail, open_runtime
from clearway.tariff import accounts, rates_demo, service, settlement
from clearway.tariff.providers import SimulatedBank

app = typer.Typer(help="Tariff: schedule, exchange rates, guarantee accounts, assessments.", no_args_is_help=True)
rates_app = typer.Typer(help="Exchange rates the administration publishes.", no_args_is_help=True)
accounts_app = typer.Typer(help="Guarantee and deferment accounts.", no_args_is_help=True)
app.add_typer(rates_app, name="rates")
app.add_typer(accounts_app, name="accounts")
payments_app = typer.Typer(help="Payment providers and the demo's simulated bank.", no_args_is_help=True)
app.add_typer(payments_app, name="payments")
console = Console()
MAX_FILE_BYTES = 20_000_000
# How the customs value was built (valuation.valuation_note writes "INCOTERM: <one of these>"), to translate.
VALUATION_NOTES = (
    N_("freight and insurance to the border added to the invoice price"),
    N_("freight included in the price; insurance added"),
    N_("the price includes freight and insurance to the border"),
    N_(
        "the price includes delivery at destination; taken as the customs value "
        "(carriage after importation is not deducted)"
    ),
)


ACCOUNT_KINDS = {"guarantee": N_("guarantee"), "deferment": N_("deferment")}
OUTCOMES = {"settled": N_("settled"), "failed": N_("failed")}


# The words of a tax's base ("16% of customs value + duty + excise", valuation.py writes them from TAX_BASES).
BASE_WORDS = {"customs value": N_("customs value"), "duty": N_("duty"), "excise": N_("excise")}
FREE = N_("free")


def _rate(text: str) -> str:
    """A levy's rate as the tariff book prints it, its words in the CLI's language ("16% of customs value")."""
    if text == FREE:
        return _(FREE)
    rate, sep, base = text.partition("% of ")
    terms = base.split(" + ")
    if not sep or not all(t in BASE_WORDS for t in terms):
        return text  # the tariff book's notation ("6% + 1.50 PEN/LTR (min 10.00)"): codes and figures
    return _("%(rate)s%% of %(base)s") % {"rate": rate, "base": " + ".join(_(BASE_WORDS[t]) for t in terms)}


def _valuation(note: str) -> str:
    incoterm, sep, how = note.partition(": ")
    return incoterm + ": " + _(how) if sep and how in VALUATION_NOTES else note


def _check_size(file: Path) -> None:
    if file.stat().st_size > MAX_FILE_BYTES:
        console.print("[red]TOO_LARGE[/red] " + _("the file exceeds %(bytes)s bytes") % {"bytes": MAX_FILE_BYTES})
        raise typer.Exit(2)


@app.command("load")
def load(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Schedule (.yaml) or duty lines (.csv)")
    ],
    by: Annotated[str, typer.Option("--by", help="Who loads it (recorded)")] = "cli",
) -> None:
    """Loads a tariff schedule (YAML), or duty lines (CSV) replacing those in force; every bad row is listed."""
    _check_size(file)
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            loaded = service.load_schedule_file(uow, file, national_currency=runtime.settings.national_currency, by=by)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc, nothing=NOTHING_LOADED)
        return
    s = loaded.schedule
    console.print(
        "[green]"
        + _("Loaded")
        + f"[/green] '{s.name}': "
        + _(
            "%(duties)s duty lines, %(agreements)s agreements, %(taxes)s taxes and fees; in force for declarations "
            "accepted from now on"
        )
        % {"duties": len(s.duties), "agreements": len(s.agreements), "taxes": len(s.taxes)}
    )


@app.command("show")
def show(mrn: Annotated[str, typer.Argument(help="MRN of an assessed declaration")]) -> None:
    """Prints a declaration's assessment: per item customs value and levies, totals and what is due."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        assessment = service.get_assessment(uow, mrn)
        due = service.due_on(uow, assessment.declaration_id) if assessment else None
    if assessment is None or due is None:
        console.print("[red]NOT_FOUND[/red] " + _("no assessment for %(mrn)s") % {"mrn": mrn})
        raise typer.Exit(1)
    console.print(f"MRN [bold]{assessment.mrn}[/bold] — {_valuation(assessment.valuation_note)}")
    for r in assessment.exchange_rates:
        console.print(
            "  "
            + _("exchange rate %(currency)s = %(rate)s %(national)s (published %(date)s)")
            % {"currency": r.currency, "rate": r.rate, "national": assessment.currency, "date": r.valid_from}
        )
    table = Table(_("item"), _("code"), _("customs value"), _("levy"), _("base"), _("rate"), _("amount"))
    for item in assessment.items:
        for k, levy in enumerate(item.levies):
            table.add_row(
                str(item.sequence) if k == 0 else "",
                item.commodity_code if k == 0 else "",
                str(item.customs_value) if k == 0 else "",
                levy.code,
                str(levy.base),
                _rate(levy.rate_text),
                str(levy.amount),
            )
    for levy in assessment.declaration_levies:
        table.add_row("", "", "", levy.code, "", _rate(levy.rate_text), str(levy.amount))
    console.print(table)
    total, paid, currency = due
    console.print(
        _("Total %(total)s %(currency)s; paid or guaranteed %(paid)s; due %(due)s %(currency)s")
        % {"total": total, "currency": currency, "paid": paid, "due": total - paid}
    )


@rates_app.command("load")
def rates_load(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV: currency,valid_from,rate")
    ],
) -> None:
    """Publishes exchange rates (national currency per unit of the foreign currency)."""
    _check_size(file)
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            count = service.load_rates_file(uow, file, national_currency=runtime.settings.national_currency)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc, nothing=NOTHING_LOADED)
        return
    console.print(
        "[green]"
        + _("Loaded")
        + "[/green] "
        + _("%(count)s exchange rates from %(path)s") % {"count": count, "path": file}
    )


@rates_app.command("demo")
def rates_demo_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write the CSV here instead of loading it")] = None,
) -> None:
    """Publishes (or writes) the demo USD and EUR rates: the last 60 days and the next 30."""
    runtime = open_runtime()
    rates = rates_demo.demo_rates(runtime.clock().date())
    if out is not None:
        out.write_text(rates_demo.as_csv(rates), encoding="utf-8")
        console.print(_("wrote %(count)s demo rates to %(path)s") % {"count": len(rates), "path": out})
        return
    with runtime.uow() as uow:
        service.load_rates(uow, rates)
        uow.commit()
    console.print("[green]" + _("Loaded") + "[/green] " + _("%(count)s demo exchange rates") % {"count": len(rates)})


@accounts_app.command("open")
def accounts_open(
    account: Annotated[str, typer.Option("--id", help="Account number")],
    party: Annotated[str, typer.Option("--party", help="Trader holding the account")],
    limit: Annotated[str, typer.Option("--limit", help="Amount covered, in national currency")],
    kind: Annotated[str, typer.Option("--kind", help="guarantee or deferment")] = "guarantee",
) -> None:
    """Opens a guarantee or deferment account: duties up to its balance are secured without prior payment."""
    runtime = open_runtime()
    try:
        amount = Decimal(limit)
    except InvalidOperation:
        console.print("[red]VALUE[/red] " + _("--limit '%(limit)s' is not a number") % {"limit": limit})
        raise typer.Exit(1) from None
    try:
        with runtime.uow() as uow:
            row = accounts.open_account(
                uow,
                account_id=account,
                party_id=party,
                kind=kind,
                limit=amount,
                currency=runtime.settings.national_currency,
            )
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc, nothing=NOTHING_LOADED)
        return
    kind_words = ACCOUNT_KINDS.get(row["kind"], row["kind"])
    console.print(
        "[green]"
        + _("Opened")
        + "[/green] "
        + _("%(kind)s account %(id)s for %(party)s: %(limit)s")
        % {
            "kind": _(kind_words),
            "id": row["id"],
            "party": row["party_id"],
            "limit": row["limit"],
        }
    )


@payments_app.command("provider-add")
def provider_add(
    name: Annotated[str, typer.Argument(help="Provider name, e.g. bcp or treasury")],
    public_key: Annotated[str, typer.Argument(help="Its Ed25519 public key: base64 of the 32 raw bytes")],
    reason: Annotated[str, typer.Option("--reason", help="Why it may confirm payments (recorded)")],
    by: Annotated[str, typer.Option("--by", help="Administrator who registers it (recorded)")] = "cli",
) -> None:
    """Registers (or re-keys) a payment provider whose signed notifications settle payment orders."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            row = settlement.register_provider(uow, name=name, public_key=public_key, by=by, reason=reason)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        fail(console, exc, nothing=NOTHING_LOADED)
        return
    console.print(
        "[green]"
        + _("Registered")
        + "[/green] "
        + _("payment provider %(name)s (key %(key)s)") % {"name": row["name"], "key": row["public_key"]}
    )


@payments_app.command("providers")
def providers_list() -> None:
    """Lists the registered payment providers."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        rows = settlement.providers(uow)
    table = Table(_("name"), _("public key"), _("active"), _("registered by"), _("reason"))
    for r in rows:
        active = _("yes") if r["active"] else _("no")
        table.add_row(r["name"], r["public_key"], active, r["registered_by"], r["reason"])
    console.print(table)


@payments_app.command("simulate-bank")
def simulate_bank(
    orders: Annotated[list[str] | None, typer.Argument(help="Payment order ids (default: every pending one)")] = None,
    fail: Annotated[bool, typer.Option("--fail", help="Answer 'failed' instead of 'settled'")] = False,
) -> None:
    """Demo: the simulated bank confirms pending payment orders with notifications signed by its own key."""
    runtime = open_runtime()
    if runtime.settings.env == "production":
        console.print("[red]PRODUCTION[/red] " + _("there is no simulated bank in production"))
        raise typer.Exit(2)
    if not SimulatedBank.exists(runtime.settings.data_dir):
        console.print("[red]NO_BANK[/red] " + _("no simulated bank in this data folder (clearway demo creates it)"))
        raise typer.Exit(2)
    bank = SimulatedBank.load_or_create(runtime.settings.data_dir)
    with runtime.uow(readonly=True) as uow:
        wanted = orders or settlement.pending_orders(uow, bank.name)
    done = 0
    for order_id in wanted:
        try:
            with runtime.uow() as uow:
                result = settlement.simulate_bank(uow, bank, order_id, status="failed" if fail else "settled")
                uow.commit()
        except (ValidationFailed, DomainError) as exc:
            message = exc.message if isinstance(exc, DomainError) else "; ".join(i.message for i in exc.issues)
            console.print(f"[red]{order_id}[/red] {message}")
            continue
        done += 1
        order = result.order
        released = ", " + _("goods released") if result.released else ""
        outcome = _(OUTCOMES[result.outcome]) if result.outcome in OUTCOMES else result.outcome
        console.print(f"{order['id']} {order['mrn']} {order['amount']} {order['currency']}: {outcome}{released}")
    console.print(
        _("%(done)s of %(count)s order(s) confirmed by %(bank)s")
        % {"done": done, "count": len(wanted), "bank": bank.name}
    )
