"""Database engine, shared metadata and the unit of work that owns a transaction."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy.pool import StaticPool

from clearway.core.events import Event
from clearway.core.time import Clock, utcnow
from clearway.platform.ports import Ports

# Every capability's tables live on this one metadata so Alembic and tests see them all.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def make_engine(url: str) -> Engine:
    """Creates an engine: SQLite in WAL mode with a busy timeout, or PostgreSQL through psycopg 3."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url in {"sqlite://", "sqlite:///:memory:"}:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy own BEGIN so that writers take the lock at the first statement.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write", True) else "BEGIN")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


_WRITE_LOCKS: dict[int, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(engine: Engine) -> threading.RLock | None:
    """Returns the process-wide writer lock of a SQLite engine (None for servers that lock rows themselves).

    SQLite allows one writer at a time; queueing writers of this process on a lock, instead of letting each
    spin on SQLite's busy handler, keeps throughput steady and latency fair under load.
    """
    if engine.dialect.name != "sqlite":
        return None
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(id(engine), threading.RLock())


class UnitOfWork:
    """One transaction: everything done inside is committed together or not at all.

    The entrypoint (HTTP request, CLI command) opens it; services use ``uow.conn`` and never commit.
    Events a service raises are handed to the bus's subscribers before the commit, inside the same
    transaction, so that what they write is part of the same all-or-nothing change.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = utcnow,
        dispatch: Callable[[UnitOfWork, Event], None] | None = None,
        readonly: bool = False,
        ports: Ports | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self._dispatch = dispatch
        self._readonly = readonly
        self._conn: Connection | None = None
        self._lock: threading.RLock | None = None
        self.ports = ports if ports is not None else Ports()
        self.events: list[Event] = []
        self._queue: deque[Event] = deque()
        self._draining = False

    @property
    def conn(self) -> Connection:
        """Returns the connection of the open transaction."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open")
        return self._conn

    def __enter__(self) -> UnitOfWork:
        self._lock = None if self._readonly else _write_lock(self.engine)
        if self._lock is not None:
            self._lock.acquire()
        self._conn = self.engine.connect()
        self._conn.info["write"] = not self._readonly
        self._conn.begin()
        return self

    def publish(self, event_: Event) -> None:
        """Queues an event for the subscribers; the queue is handled in order within this transaction.

        Published from a use case, the queue is drained before ``publish`` returns. Published from a handler,
        the event waits until the handlers of the current event have finished (first in, first out).
        """
        self.events.append(event_)
        self._queue.append(event_)
        self.drain()

    def drain(self) -> None:
        """Hands queued events to their subscribers, first in first out, until the queue is empty."""
        if self._draining or self._dispatch is None:
            return
        self._draining = True
        try:
            while self._queue:
                self._dispatch(self, self._queue.popleft())
        finally:
            self._draining = False

    def commit(self) -> None:
        """Commits the transaction (after every queued event is handled) and starts a new one."""
        self.drain()
        self.conn.commit()
        self.conn.begin()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn = self.conn
        try:
            conn.rollback()  # whatever was not committed explicitly is undone
        finally:
            conn.info.pop("write", None)
            conn.close()
            self._conn = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None
