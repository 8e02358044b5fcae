"""The console in the demo: tells the person running it where to sign in."""

from __future__ import annotations

from clearway.platform.capability import DemoContext


def seed_demo(ctx: DemoContext) -> None:
    """Says how to open the console; the console shows the declarations other capabilities seeded."""
    ctx.say("console: open http://127.0.0.1:8000/ and sign in as officer.rojas or broker.andina (password: demo)")
