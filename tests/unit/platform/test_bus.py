"""The queued bus: handlers of one event finish before the events they raise are handled, first in first out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from clearway.core.events import Event
from clearway.platform.bus import MessageBus
from clearway.platform.db import UnitOfWork

AT = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Ping(Event):
    n: int = 0


@dataclass(frozen=True)
class Pong(Event):
    n: int = 0


def _uow(bus: MessageBus) -> UnitOfWork:
    engine = create_engine("sqlite://", poolclass=StaticPool)
    return UnitOfWork(engine, dispatch=bus.dispatch)


def test_an_event_raised_by_a_handler_waits_until_every_handler_of_the_current_event_ran() -> None:
    bus = MessageBus()
    seen: list[str] = []

    def first(uow: UnitOfWork, e: Ping) -> None:
        seen.append(f"first:{e.n}")
        uow.publish(Pong(at=AT, actor="t", n=e.n))
        seen.append(f"first-done:{e.n}")

    def second(uow: UnitOfWork, e: Ping) -> None:
        seen.append(f"second:{e.n}")

    def on_pong(uow: UnitOfWork, e: Pong) -> None:
        seen.append(f"pong:{e.n}")

    bus.subscribe(Ping, first)
    bus.subscribe(Ping, second)
    bus.subscribe(Pong, on_pong)
    with _uow(bus) as uow:
        uow.publish(Ping(at=AT, actor="t", n=1))
        assert seen == ["first:1", "first-done:1", "second:1", "pong:1"]


def test_events_published_from_handlers_are_handled_first_in_first_out() -> None:
    bus = MessageBus()
    seen: list[int] = []

    def fan_out(uow: UnitOfWork, e: Ping) -> None:
        seen.append(e.n)
        if e.n == 0:
            for n in (1, 2, 3):
                uow.publish(Ping(at=AT, actor="t", n=n))

    bus.subscribe(Ping, fan_out)
    with _uow(bus) as uow:
        uow.publish(Ping(at=AT, actor="t", n=0))
    assert seen == [0, 1, 2, 3]


def test_a_failing_handler_fails_the_unit_of_work_and_the_queue_is_not_left_half_drained() -> None:
    bus = MessageBus()

    def boom(uow: UnitOfWork, e: Ping) -> None:
        raise RuntimeError("no")

    bus.subscribe(Ping, boom)
    with _uow(bus) as uow:
        try:
            uow.publish(Ping(at=AT, actor="t"))
        except RuntimeError:
            pass
        else:  # pragma: no cover
            raise AssertionError("the handler's error must reach the use case")
        bus2_seen: list[int] = []
        bus.subscribe(Pong, lambda _u, e: bus2_seen.append(e.n))
        uow.publish(Pong(at=AT, actor="t", n=7))  # the bus still drains after a failure
        assert bus2_seen == [7]
