"""Money columns are exact on SQLite too: 12345678901234.99 comes back as itself, sums stay exact."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, func, select, text

from clearway.platform.db import Money, make_engine


def test_money_round_trips_exactly_and_sums_exactly(db_url: str) -> None:
    engine = make_engine(db_url)
    md = MetaData()
    t = Table("money_probe", md, Column("id", Integer, primary_key=True), Column("amount", Money(18, 2)))
    md.create_all(engine)
    try:
        with engine.begin() as conn:
            conn.execute(
                t.insert(), [{"id": 1, "amount": Decimal("12345678901234.99")}, {"id": 2, "amount": Decimal("0.01")}]
            )
            conn.execute(t.insert(), [{"id": 3, "amount": Decimal("-0.10")}])
        with engine.connect() as conn:
            got = conn.execute(select(t.c.amount).where(t.c.id == 1)).scalar_one()
            total = conn.execute(select(func.sum(t.c.amount))).scalar_one()
            over = conn.execute(select(t.c.id).where(t.c.amount > Decimal("12345678901234.98"))).scalars().all()
        assert got == Decimal("12345678901234.99") and isinstance(got, Decimal)
        assert total == Decimal("12345678901234.90")
        assert over == [1]
    finally:
        md.drop_all(engine)
        engine.dispose()


def test_a_float_stored_before_money_is_scaled_by_the_migration_helper(tmp_path: object) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from clearway.platform.db import scale_money_columns_on_sqlite

    engine = create_engine(f"sqlite:///{tmp_path}/legacy.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE legacy (id INTEGER PRIMARY KEY, amount NUMERIC(18, 2))"))
        conn.execute(text("INSERT INTO legacy VALUES (1, 1234.5), (2, 100)"))
        with Operations.context(MigrationContext.configure(conn)):
            scale_money_columns_on_sqlite("legacy", {"amount": 2})
    md = MetaData()
    t = Table("legacy", md, Column("id", Integer, primary_key=True), Column("amount", Money(18, 2)))
    with engine.connect() as conn:
        assert conn.execute(select(t.c.amount).order_by(t.c.id)).scalars().all() == [
            Decimal("1234.50"),
            Decimal("100.00"),
        ]
    engine.dispose()
