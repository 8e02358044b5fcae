"""``clearway risk rules | promote | retire | hit-rates | export``: the online engine's commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.platform.cli_support import open_runtime
from clearway.platform.deps import issues_from_pydantic
from clearway.risk import service, warehouse
from clearway.risk.schemas import RuleSetIn

rules_app = typer.Typer(help="Selectivity criteria: rules, watchlists, random rates, capacity.", no_args_is_help=True)
console = Console(stderr=True)


def _fail(exc: DomainError | ValidationFailed) -> None:
    if isinstance(exc, ValidationFailed):
        for issue in exc.issues:
            console.print(f"[red]{issue.code}[/red] {issue.pointer or '/'}: {issue.message}")
    else:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
    raise typer.Exit(2)


@rules_app.command("show")
def show(version: Annotated[int | None, typer.Option("--version", help="A past version")] = None) -> None:
    """Prints the criteria in force (or a past version) as JSON."""
    runtime = open_runtime()
    try:
        with runtime.uow(readonly=True) as uow:
            v, document = service.ruleset_document(uow, version)
    except DomainError as exc:
        _fail(exc)
        return
    typer.echo(json.dumps({"version": v, **document}, indent=2))


@rules_app.command("publish")
def publish(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Criteria as YAML or JSON")],
    note: Annotated[str | None, typer.Option("--note", help="Why this version (overrides the file's note)")] = None,
    by: Annotated[str, typer.Option("--by", help="Analyst recorded as publisher")] = "cli",
    merge: Annotated[
        bool, typer.Option("--merge", help="Add or replace the file's rules and watchlists, keep the others")
    ] = False,
    confirm_removals: Annotated[
        bool, typer.Option("--confirm-removals", help="Replace the criteria and remove what the file leaves out")
    ] = False,
) -> None:
    """Publishes a new version of the criteria; it applies to the next declaration accepted.

    The differences with the version in force are printed first. A file that leaves out rules or watchlists
    in force is refused unless --merge (keep them) or --confirm-removals (remove them) is given.
    """
    from pydantic import ValidationError

    try:
        raw: Any = yaml.safe_load(file.read_text("utf-8"))
    except yaml.YAMLError as exc:
        console.print(f"[red]RULES_INVALID[/red] not valid YAML or JSON: {exc}")
        raise typer.Exit(2) from None
    if isinstance(raw, dict) and note:
        raw["note"] = note
    try:
        payload = RuleSetIn.model_validate(raw, strict=False)
    except ValidationError as exc:
        _fail(ValidationFailed(issues_from_pydantic(exc)))
        return
    mode = "merge" if merge else "replace"
    document = payload.document(only_given_settings=merge)
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            _document, changes = service.preview(uow, document, mode=mode)
            _print_diff(changes)
            if changes.removed and not confirm_removals:
                console.print(
                    f"[red]RULES_REMOVED[/red] this file would remove {len(changes.removed)} criteria in force "
                    "(listed above); add --merge to keep them or --confirm-removals to remove them"
                )
                raise typer.Exit(2)
            ruleset = service.publish_ruleset(
                uow, document, note=payload.note, by=by, mode=mode, allow_removals=confirm_removals
            )
            uow.commit()
    except (DomainError, ValidationFailed) as exc:
        _fail(exc)
        return
    console.print(
        f"criteria version {ruleset.version} published: {len(ruleset.rules)} rules, "
        f"{len(ruleset.watchlists)} watchlists"
    )


def _print_diff(changes: Any) -> None:
    if changes.empty:
        console.print(f"no difference with version {changes.base_version}")
        return
    console.print(f"differences with version {changes.base_version} in force:")
    marks = {"added": "[green]+[/green]", "changed": "[yellow]~[/yellow]", "removed": "[red]-[/red]"}
    for what in ("added", "changed", "removed"):
        for c in changes.of(what):
            fields = f" ({', '.join(c.fields)})" if c.fields else ""
            console.print(f"  {marks[what]} {what} {c.kind} {c.name}{fields}")
    for name, before, after in changes.settings:
        console.print(f"  [yellow]~[/yellow] {name}: {before} → {after}")


@rules_app.command("versions")
def versions() -> None:
    """Lists the published versions of the criteria."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        rows = service.versions(uow)
    table = Table("version", "published", "by", "note")
    for r in rows:
        table.add_row(str(r["version"]), r["created_at"].isoformat(timespec="seconds"), r["created_by"], r["note"])
    Console().print(table)


def promote(
    model: Annotated[Path, typer.Option("--model", help="Model directory trained with --mapping platform")],
    by: Annotated[str, typer.Option("--by", help="Who promotes it")] = "cli",
) -> None:
    """Promotes a trained model: from now on it scores every accepted declaration."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            record = service.promote_model(uow, model, by=by)
            uow.commit()
    except DomainError as exc:
        _fail(exc)
        return
    console.print(f"model {record['version']} promoted")


def retire() -> None:
    """Retires the promoted model (criteria and random selection only)."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            service.retire_model(uow)
            uow.commit()
    except DomainError as exc:
        _fail(exc)
        return
    console.print("model retired")


def hit_rates() -> None:
    """Prints each rule's hits, controls, discrepancies and hit rate from recorded outcomes."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        rows = service.hit_rates(uow)
    table = Table("rule", "hits", "controlled", "discrepancies", "hit rate", "revenue")
    for r in rows:
        rate = f"{r['hit_rate']:.1%}" if r["hit_rate"] is not None else "–"
        table.add_row(r["rule"], str(r["hits"]), str(r["controlled"]), str(r["discrepancies"]), rate, r["revenue"])
    Console().print(table)


def export(out: Annotated[Path, typer.Option("--out", help="Parquet file to write")]) -> None:
    """Exports assessed declarations with their control outcomes to Parquet (one row per goods item)."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        count = warehouse.export(uow, out)
    console.print(f"{count} goods items written to {out} (train on it with --mapping platform)")
