"""What `make demo` prints: a check of the port first, logs into a file, then one clean summary."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from rich.console import Console
from rich.table import Table

from clearway.demo.users import DEMO_PASSWORD

WIDTH = 160  # never wrap a token, whatever the terminal says


def port_free(host: str, port: int) -> bool:
    """Tells whether the address can be listened on (checked before seeding, so a taken port fails fast)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def log_to_file(path: Path) -> None:
    """Sends every log line (the platform's, uvicorn's, warnings) to a file instead of the terminal."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    handler = logging.FileHandler(path, encoding="utf-8")
    old = root.handlers[0] if root.handlers else None
    if old is not None:
        handler.setFormatter(old.formatter)
        for f in old.filters:  # keep the request id and the redaction of tokens
            handler.addFilter(f)
    root.handlers[:] = [handler]


def print_summary(
    console: Console,
    tokens: list[tuple[str, str, str, str]],
    host: str,
    port: int,
    *,
    seeded: list[str],
    log_file: Path,
    serving: bool,
) -> None:
    """Prints the demo's users (role, who, token — each once), the password, the URLs and where the logs are."""
    console = Console(width=WIDTH, file=console.file, highlight=False)  # wide: a token is never cut
    base = f"http://{host}:{port}"
    if seeded:
        console.print("[bold]Demo data[/bold]")
        for line in seeded:
            console.print(f"  · {line}", highlight=False)
    table = Table(title=f"Demo users — every password is '{DEMO_PASSWORD}'", title_justify="left")
    for column in ("user", "role", "who", "bearer token (for the API)"):
        table.add_column(column, no_wrap=True)
    for user, role, what, token in tokens:
        table.add_row(user, role, what, token)
    console.print(table)
    console.print(
        f"Console   {base}/console/\nAPI docs  {base}/docs\nHealth    {base}/readyz\nLogs      {log_file}",
        width=WIDTH,
        highlight=False,
    )
    console.print(f"Try: curl -H 'Authorization: Bearer <token>' {base}/api/v1/declarations")
    if serving:
        console.print(f"\n[bold]Serving on {base} — Ctrl+C to stop[/bold]")
