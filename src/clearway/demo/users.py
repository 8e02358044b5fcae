"""Demo users: who they are, their tokens and passwords, and the welcome message."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from clearway.platform import auth
from clearway.platform.runtime import Runtime
from clearway.platform.tables import users

DEMO_PASSWORD = "demo"  # noqa: S105 - demo only, printed to the person running the demo
DEMO_USERS: tuple[dict[str, str | None], ...] = (
    {"user": "broker.andina", "role": "declarant", "party_id": "PE20100047218", "what": "customs broker"},
    {"user": "importer.pacifico", "role": "declarant", "party_id": "PE20512345671", "what": "importer"},
    {"user": "officer.rojas", "role": "officer", "office": "PECLL", "what": "customs officer, Callao"},
    {"user": "supervisor.quispe", "role": "supervisor", "office": "PECLL", "what": "supervisor"},
    {"user": "admin", "role": "admin", "what": "administrator"},
)


def already_seeded(runtime: Runtime) -> bool:
    """Tells whether the demo users exist (the demo seeds once)."""
    with runtime.uow(readonly=True) as uow:
        return uow.conn.execute(select(users.c.id).where(users.c.name == "officer.rojas")).first() is not None


def issue_tokens(runtime: Runtime, extra: tuple[dict[str, str | None], ...] = ()) -> list[tuple[str, str, str]]:
    """Creates the demo users (password 'demo') and returns (user, what, token) for each."""
    return [(user, what, token) for user, _role, what, token in issue_tokens_with_roles(runtime, extra)]


def issue_tokens_with_roles(
    runtime: Runtime, extra: tuple[dict[str, str | None], ...] = ()
) -> list[tuple[str, str, str, str]]:
    """Creates the demo users (password 'demo') and returns (user, role, what, token) for each, once each."""
    seen: set[str] = set()
    out = []
    with runtime.uow() as uow:
        for u in (*DEMO_USERS, *extra, *runtime.caches.get("demo.extra_users", ())):
            if str(u["user"]) in seen:
                continue
            seen.add(str(u["user"]))
            auth.ensure_user(
                uow,
                name=str(u["user"]),
                role=str(u["role"]),
                party_id=u.get("party_id"),
                agency=u.get("agency"),
                office=u.get("office"),
                password=DEMO_PASSWORD,
            )
            token = auth.create_token(
                uow,
                user=str(u["user"]),
                role=str(u["role"]),
                party_id=u.get("party_id"),
                agency=u.get("agency"),
                office=u.get("office"),
                label="demo",
            )
            out.append((str(u["user"]), str(u["role"]), str(u.get("what") or u["role"]), token))
        uow.commit()
    return out


def print_welcome(console: Console, tokens: list[tuple[str, str, str]], host: str, port: int) -> None:
    """Prints the URLs and the demo users' tokens."""
    base = f"http://{host}:{port}"
    console.print(
        f"\n[bold]Clearway demo[/bold] — console {base}/  ·  API docs {base}/docs  ·  "
        f"health {base}/readyz  ·  metrics {base}/metrics"
    )
    table = Table("user (password: demo)", "who", "bearer token", width=None)
    for user, what, token in tokens:
        table.add_row(user, what, token)
    console.print(table, soft_wrap=True)
    # Tokens again, one per line and never wrapped, for copying.
    for user, _, token in tokens:
        console.print(f"{user}={token}", soft_wrap=True, highlight=False)
    console.print(f"Try: curl -H 'Authorization: Bearer <token>' {base}/api/v1/declarations\n")


def seeded_users(runtime: Runtime) -> tuple[dict[str, str | None], ...]:
    """Returns the users a previous demo seed created besides the core ones (agency and carrier users)."""
    core = {str(u["user"]) for u in DEMO_USERS}
    with runtime.uow(readonly=True) as uow:
        rows = uow.conn.execute(
            select(users.c.name, users.c.role, users.c.party_id, users.c.agency, users.c.office).order_by(users.c.name)
        ).all()
    return tuple(
        {"user": r[0], "role": r[1], "party_id": r[2], "agency": r[3], "office": r[4], "what": r[3] or r[1]}
        for r in rows
        if r[0] not in core
    )
