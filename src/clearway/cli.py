"""The ``clearway`` command: serve, demo, and every capability's commands."""

from __future__ import annotations

import contextlib
import logging
import random
from typing import Annotated

import typer
from rich.console import Console

from clearway import bootstrap
from clearway.platform import cli_i18n
from clearway.platform import logging as cw_logging
from clearway.platform.capability import DemoContext
from clearway.platform.cli import audit_app, db_app, token_app
from clearway.platform.cli_support import _, open_runtime, set_runtime_factory_result
from clearway.platform.settings import get_settings

cli_i18n.install(c.catalogue for c in bootstrap.capabilities() if c.catalogue is not None)
app = typer.Typer(
    cls=cli_i18n.LocalisedGroup,
    help="Clearway — customs clearance platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
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
def _setup(
    lang: Annotated[  # noqa: ARG001 (read before parsing by cli_i18n.LocalisedGroup, checked by its callback)
        str | None,
        typer.Option(cli_i18n.LANG_OPTION, help=cli_i18n.LANG_HELP, callback=cli_i18n.check_language, metavar="LANG"),
    ] = None,
) -> None:
    """Clearway — customs clearance platform."""
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
    console.print(
        _("Clearway on %(url)s  —  API docs %(docs)s")
        % {"url": f"http://{host}:{port}/", "docs": f"http://{host}:{port}/docs"}
    )
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
    """Seeds demo users, reference data and declarations (once), prints one summary, and serves."""
    from clearway.demo import output, users

    settings = get_settings()
    log_file = settings.data_dir / "clearway-demo.log"
    output.log_to_file(log_file)
    if not seed_only and not output.port_free(host, port):
        console.print(
            "[bold red]"
            + _("Port %(port)s on %(host)s is already in use") % {"port": port, "host": host}
            + "[/bold red] "
            + _("(another Clearway, or another program). Stop it, or run %(command)s.")
            % {"command": f"[bold]clearway demo --port {port + 1}[/bold]"},
            width=output.WIDTH,
        )
        raise typer.Exit(1)
    runtime = open_runtime()
    seeded: list[str] = []
    ctx = DemoContext(runtime=runtime, rng=random.Random(seed), say=seeded.append)
    extra: tuple[dict[str, str | None], ...] = ()
    if users.already_seeded(runtime):
        seeded.append(_("already seeded; fresh tokens issued"))
        extra = users.seeded_users(runtime)
    else:
        with console.status(_("Seeding demo data…")):
            for cap in sorted(bootstrap.capabilities(), key=lambda c: c.seed_order):
                if cap.seed_demo is not None:
                    cap.seed_demo(ctx)
    tokens = users.issue_tokens_with_roles(runtime, extra)
    output.print_summary(console, tokens, host, port, seeded=seeded, log_file=log_file, serving=not seed_only)
    if seed_only:
        return
    import uvicorn

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C stops the demo quietly
        uvicorn.run(bootstrap.build_app(runtime), host=host, port=port, log_config=None, log_level="warning")


def main() -> None:
    """Runs the command line."""
    app()
