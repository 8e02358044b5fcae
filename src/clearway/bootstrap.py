"""Wires the platform and the capabilities together: the one place that knows them all.

A capability is any sub-package of ``clearway`` with a ``capability`` module exposing ``capability``;
it is found automatically. A capability whose optional dependencies are not installed is skipped
with a warning naming the extra to install.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import pkgutil
from functools import lru_cache

from fastapi import FastAPI

import clearway
from clearway.platform.app import create_app
from clearway.platform.capability import Capability
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings, get_settings

log = logging.getLogger(__name__)
_NOT_CAPABILITIES = frozenset({"core", "platform", "demo"})


@lru_cache(maxsize=1)
def capability_modules() -> tuple[str, ...]:
    """Returns the module names of every capability package that has a ``capability`` module."""
    names = []
    for info in pkgutil.iter_modules(clearway.__path__):
        if info.ispkg and info.name not in _NOT_CAPABILITIES:
            module = f"clearway.{info.name}.capability"
            if importlib.util.find_spec(module) is not None:
                names.append(module)
    return tuple(sorted(names))


@lru_cache(maxsize=1)
def _load() -> tuple[Capability, ...]:
    caps = []
    wanted = get_settings().capabilities
    only = {name.strip() for name in wanted.split(",") if name.strip()} if wanted else None
    for module in capability_modules():
        if only is not None and module.split(".")[1] not in only:
            continue
        try:
            caps.append(importlib.import_module(module).capability)
        except ImportError as exc:  # an optional extra is missing
            log.warning("capability %s is disabled: %s (install Clearway with its extra)", module, exc)
    return tuple(sorted(caps, key=lambda c: (c.seed_order, c.name)))


def capabilities() -> list[Capability]:
    """Returns every installed capability, in seeding order."""
    return list(_load())


def import_tables() -> None:
    """Imports every capability's store so that its tables are on the shared metadata (for Alembic)."""
    importlib.import_module("clearway.platform.tables")
    for module in capability_modules():
        package = module.rsplit(".", 1)[0]
        if importlib.util.find_spec(package + ".store") is not None:
            try:
                importlib.import_module(package + ".store")
            except ImportError as exc:
                log.warning("tables of %s not loaded: %s", package, exc)


def build_runtime(settings: Settings | None = None) -> Runtime:
    """Builds the runtime: every capability registers its ports and subscribes to the bus (by name order)."""
    runtime = Runtime.build(settings or get_settings())
    wire(runtime, capabilities())
    return runtime


def wire(runtime: Runtime, caps: list[Capability]) -> None:
    """Registers the capabilities' ports and subscriptions on a runtime, in the order of their names."""
    for cap in sorted(caps, key=lambda c: c.name):
        if cap.ports is not None:
            for port in cap.ports(runtime):
                runtime.ports.add(port)
        if cap.subscribe is not None:
            cap.subscribe(runtime)


def build_app(runtime: Runtime | None = None) -> FastAPI:
    """Builds the HTTP app with every capability's routes."""
    runtime = runtime or build_runtime()
    caps = capabilities()
    return create_app(runtime, caps, openapi_models=[m for cap in caps for m in cap.openapi_models])
