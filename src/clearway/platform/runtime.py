"""The running platform: settings, engine, bus and shared caches, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from clearway.core.time import Clock, utcnow
from clearway.platform.bus import MessageBus
from clearway.platform.db import UnitOfWork, make_engine
from clearway.platform.ports import Ports
from clearway.platform.settings import Settings


@dataclass
class Runtime:
    """What every entrypoint needs: settings, the engine, the bus, and per-capability caches."""

    settings: Settings
    engine: Engine
    bus: MessageBus = field(default_factory=MessageBus)
    clock: Clock = utcnow
    ports: Ports = field(default_factory=Ports)
    caches: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock = utcnow) -> Runtime:
        """Builds a runtime for the settings, creating the data directory for SQLite."""
        if settings.database_url is None:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings=settings, engine=make_engine(settings.url), clock=clock)

    def uow(self, *, clock: Clock | None = None, readonly: bool = False) -> UnitOfWork:
        """Opens a unit of work whose events go to the bus."""
        return UnitOfWork(
            self.engine, clock=clock or self.clock, dispatch=self.bus.dispatch, readonly=readonly, ports=self.ports
        )
