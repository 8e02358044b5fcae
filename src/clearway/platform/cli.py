"""Platform commands: ``clearway token create``, ``clearway db upgrade``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError
from clearway.core.time import ensure_utc
from clearway.platform import audit, auth
from clearway.platform.cli_support import _, open_runtime

token_app = typer.Typer(help="Issue and revoke API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The admin audit log (who changed what, when, why).", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
console = Console()


@token_app.command("create")
def create(
    user: Annotated[str, typer.Option("--user", help="User name")],
    role: Annotated[str, typer.Option("--role", help="declarant, officer, supervisor, agency or admin")],
    party: Annotated[str | None, typer.Option("--party", help="Trader party id (for declarants)")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Agency code (for agency users)")] = None,
    office: Annotated[str | None, typer.Option("--office", help="Customs office (for officers)")] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, max=auth.MAX_TOKEN_DAYS, help="Expire after this many days")
    ] = auth.DEFAULT_TOKEN_DAYS,
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log)")] = "",
) -> None:
    """Creates (or updates) a user and prints a new bearer token for it. The token is shown only once."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            before = auth.principal_for_user(uow, user)
            token = auth.create_token(
                uow, user=user, role=role, party_id=party, agency=agency, office=office, valid_days=days
            )
            audit.record(
                uow,
                actor=audit.cli_actor(),
                role=audit.CLI_ROLE,
                action="platform.token.create",
                target=f"user:{user}",
                before=before,
                after={**vars_of(auth.principal_for_user(uow, user)), "token_days": days},
                reason=reason,
            )
            uow.commit()
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    typer.echo(token)


@token_app.command("revoke")
def revoke(
    user: Annotated[str, typer.Option("--user", help="User whose tokens to revoke")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log)")] = "",
) -> None:
    """Revokes every token of a user."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            count = auth.revoke_tokens(uow, user=user)
            audit.record(
                uow,
                actor=audit.cli_actor(),
                role=audit.CLI_ROLE,
                action="platform.token.revoke_all",
                target=f"user:{user}",
                after={"revoked": count},
                reason=reason,
            )
            uow.commit()
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    console.print(_("revoked %(count)s token(s) of %(user)s") % {"count": count, "user": user})


@db_app.command("upgrade")
def upgrade() -> None:
    """Migrates the configured database to the latest schema."""
    runtime = open_runtime()
    url = runtime.engine.url.render_as_string(hide_password=True)
    console.print(_("database at %(url)s is current") % {"url": url})


def vars_of(principal: auth.Principal | None) -> dict[str, Any]:
    """Returns a principal's fields (empty for none)."""
    if principal is None:
        return {}
    return {name: getattr(principal, name) for name in ("user", "role", "party_id", "agency", "office")}


@audit_app.callback()
def _audit_group() -> None:
    """The admin audit log (who changed what, when, why)."""


@audit_app.command("list")
def audit_list(
    actor: Annotated[str | None, typer.Option("--actor", help="Only changes by this user")] = None,
    action: Annotated[str | None, typer.Option("--action", help="An action or its prefix, e.g. single_window.")] = None,
    target: Annotated[str | None, typer.Option("--target", help="Only changes of this target")] = None,
    since: Annotated[datetime | None, typer.Option("--since", help="Only changes at or after (ISO time, UTC)")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=audit.MAX_PAGE)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Lists administrative changes, oldest first."""
    runtime = open_runtime()
    with runtime.uow(readonly=True) as uow:
        found = audit.entries(
            uow, actor=actor, action=action, target=target, since=ensure_utc(since) if since else None, limit=limit
        )
    if as_json:
        for entry in found:
            typer.echo(json.dumps(entry.as_dict()))
        return
    table = Table("id", "at", "actor", "role", "action", "target", "before → after", "reason")
    for e in found:
        table.add_row(
            str(e.id),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.role,
            e.action,
            e.target,
            f"{json.dumps(e.before)} → {json.dumps(e.after)}",
            e.reason,
        )
    console.print(table)
