"""Builds an app with only the clearance core and the console, for the console's own tests and benchmarks."""

from __future__ import annotations

from fastapi import FastAPI

from clearway import bootstrap
from clearway.platform.app import create_app
from clearway.platform.capability import Capability
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings

CORE = frozenset({"clearway.reference", "clearway.declarations", "clearway.console"})


def core_capabilities(extra: tuple[str, ...] = ()) -> list[Capability]:
    """Returns the reference, declarations and console capabilities (and the extra ones named), in seeding order."""
    return [c for c in bootstrap.capabilities() if c.name in CORE or c.name in extra]


def core_runtime(settings: Settings, extra: tuple[str, ...] = ()) -> Runtime:
    """Builds a runtime subscribed to the core capabilities and the console (and the extra ones named) only."""
    runtime = Runtime.build(settings)
    bootstrap.wire(runtime, core_capabilities(extra))
    return runtime


def core_app(runtime: Runtime, extra: tuple[str, ...] = ()) -> FastAPI:
    """Builds the HTTP app with the core capabilities and the console (and the extra ones named) only."""
    return create_app(runtime, core_capabilities(extra))
