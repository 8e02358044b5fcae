"""Platform commands: ``clearway token create``, ``clearway db upgrade``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from clearway.core.issues import DomainError
from clearway.platform import auth
from clearway.platform.cli_support import open_runtime

token_app = typer.Typer(help="Issue and revoke API tokens.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
console = Console()


@token_app.command("create")
def create(
    user: Annotated[str, typer.Option("--user", help="User name")],
    role: Annotated[str, typer.Option("--role", help="declarant, officer, supervisor, agency or admin")],
    party: Annotated[str | None, typer.Option("--party", help="Trader party id (for declarants)")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Agency code (for agency users)")] = None,
    office: Annotated[str | None, typer.Option("--office", help="Customs office (for officers)")] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, help="Expire after this many days")] = None,
) -> None:
    """Creates (or updates) a user and prints a new bearer token for it. The token is shown only once."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            token = auth.create_token(
                uow, user=user, role=role, party_id=party, agency=agency, office=office, valid_days=days
            )
            uow.commit()
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    typer.echo(token)


@token_app.command("revoke")
def revoke(user: Annotated[str, typer.Option("--user", help="User whose tokens to revoke")]) -> None:
    """Revokes every token of a user."""
    runtime = open_runtime()
    try:
        with runtime.uow() as uow:
            count = auth.revoke_tokens(uow, user=user)
            uow.commit()
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(1) from None
    console.print(f"revoked {count} token(s) of {user}")


@db_app.command("upgrade")
def upgrade() -> None:
    """Migrates the configured database to the latest schema."""
    runtime = open_runtime()
    console.print(f"database at {runtime.engine.url.render_as_string(hide_password=True)} is current")
