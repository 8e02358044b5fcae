"""Database engine, shared metadata and the unit of work that owns a transaction."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, MetaData, Numeric, TypeDecorator, create_engine, event
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeEngine

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


class _RawNumeric(Numeric):  # type: ignore[type-arg]
    """NUMERIC in the DDL, values passed through untouched (Money scales them itself)."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


class Money(TypeDecorator[Decimal]):
    """An exact decimal column: NUMERIC(p, s) on PostgreSQL; on SQLite a scaled integer in a NUMERIC column.

    SQLite has no decimal type: NUMERIC affinity stores a decimal as a float (``…99.99`` came back ``…98``).
    Here the value times 10**scale is stored as an exact 64-bit integer (up to 9.2e18 units: 92 million
    billion at scale 2), and read back as a ``Decimal`` with ``scale`` places. Sums in SQL stay exact.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return _RawNumeric(self.precision, self.scale)
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = value if isinstance(value, Decimal) else Decimal(str(value))
        if not exact.is_finite():
            raise ValueError(f"a money value must be finite, not {exact}")
        exact = exact.quantize(self._quantum, rounding=ROUND_HALF_EVEN)
        if dialect.name == "sqlite":
            return int(exact.scaleb(self.scale))
        return exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            if isinstance(value, int):
                return Decimal(value).scaleb(-self.scale).quantize(self._quantum)
            # a value written before Money (a float or text): read it as it was stored
            return Decimal(str(value)).quantize(self._quantum, rounding=ROUND_HALF_EVEN)
        return Decimal(value).quantize(self._quantum)


def scale_money_columns_on_sqlite(table: str, columns: dict[str, int]) -> None:
    """Migration helper: turns a SQLite table's money columns (stored as floats) into Money's scaled integers.

    Call it from a capability's Alembic revision; it does nothing on PostgreSQL (NUMERIC is exact there).
    """
    from alembic import op

    if op.get_bind().dialect.name != "sqlite":
        return
    for column, scale in columns.items():
        op.execute(
            f'UPDATE "{table}" SET "{column}" = CAST(ROUND("{column}" * {10**scale}) AS INTEGER) '  # noqa: S608
            f'WHERE "{column}" IS NOT NULL'
        )
