"""How a capability plugs into the platform: its routes, commands, subscriptions and demo seed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter

    from clearway.platform.runtime import Runtime


@dataclass(frozen=True)
class DemoContext:
    """What a capability's demo seed receives: the runtime, a seeded random generator, and a log."""

    runtime: Runtime
    rng: Any
    say: Callable[[str], None]
    tokens: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Capability:
    """One capability of the platform, as the bootstrap wires it in."""

    name: str
    routers: tuple[APIRouter, ...] = ()
    cli: typer.Typer | None = None
    cli_name: str | None = None
    subscribe: Callable[[Runtime], None] | None = None
    seed_demo: Callable[[DemoContext], None] | None = None
    # Commands mounted at the top level (``clearway lodge``) rather than under a group.
    top_level_commands: tuple[tuple[str, Callable[..., Any]], ...] = ()
    # Order of demo seeding (and only of seeding): lower first.
    seed_order: int = 100
    # Makes the objects implementing typed ports (``clearway.declarations.ports``: assessment, routing, lane
    # provider, supply-chain check, release gate): the use cases find them by the protocol they implement.
    ports: Callable[[Runtime], Sequence[Any]] | None = None
    # Pydantic models published in the OpenAPI components (bodies the routes parse themselves).
    openapi_models: tuple[type[Any], ...] = ()
    # Translations the command line uses for its help and messages (a ``platform.i18n.MessageCatalogue``).
    catalogue: Any | None = None
