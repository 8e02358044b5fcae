"""The ``clearway`` command: serve, demo, and every capability's commands."""

from __future__ import annotations

import logging
import random
from typing import Annotated

import typer
from rich.console import Console

from clearway import bootstrap
from clearway.platform import logging as cw_logging
from clearway.platform.capability import DemoContext
from clearway.platform.cli import audit_app, db_app, token_app
from clearway.platform.cli_support import open_runtime, set_runtime_factory_result
from clearway.platform.settings import get_settings

app = typer.Typer(
    help="Clearway — customs clearance platform.", no_args_is_help=True, pretty_exceptions_show_locals=False
)
app.add_typer(token_app, name="token")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
console = Console()
log = logging.getLogger(__name__)

for _cap in bootstrap.capabilities():
    if _cap.cli is not None and _cap.cli_name:
        app.add_typer(_cap.cli, name=_cap.cli_name)
    for _name, _fn in _cap.top_level_commands:
        app.command(_name)(_fn)


@app.callback()
def _setup() -> None:
    settings = get_settings()
    cw_logging.configure(json_lines=settings.log_json, level=settings.log_level)
    set_runtime_factory_result(bootstrap.build_runtime(settings))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Migrates the database and serves the API (and console) over HTTP."""
    import uvicorn

    open_runtime()
    console.print(f"Clearway on http://{host}:{port}/  —  API docs http://{host}:{port}/docs")
    if workers > 1:
        uvicorn.run("clearway.asgi:app", host=host, port=port, workers=workers, log_level="warning")
    else:
        uvicorn.run(bootstrap.build_app(open_runtime()), host=host, port=port, log_level="warning")


@app.command()
def demo(
    seed_only: Annotated[bool, typer.Option("--seed-only", help="Seed the configured database and exit")] = False,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    seed: Annotated[int, typer.Option(help="Random seed of the demo data")] = 2026,
) -> None:
    """Seeds demo users, reference data and declarations (once), prints tokens, and serves."""
    from clearway.demo import users

    runtime = open_runtime()
    ctx = DemoContext(runtime=runtime, rng=random.Random(seed), say=lambda m: console.print(f"  {m}"))
    if users.already_seeded(runtime):
        console.print("Demo data already seeded; issuing fresh tokens.")
    else:
        console.print("Seeding demo data…")
        for cap in sorted(bootstrap.capabilities(), key=lambda c: c.seed_order):
            if cap.seed_demo is not None:
                cap.seed_demo(ctx)
    tokens = users.issue_tokens(runtime)
    users.print_welcome(console, tokens, host, port)
    if seed_only:
        return
    import uvicorn

    uvicorn.run(bootstrap.build_app(runtime), host=host, port=port, log_level="warning")


def main() -> None:
    """Runs the command line."""
    app()
