"""The demo seed records a searchable seizure, sent nowhere (the demo has no partner)."""

from __future__ import annotations

import random

from clearway.exchange import alerts, seed
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime


def test_seed_demo_records_a_seizure(runtime: Runtime) -> None:
    said: list[str] = []
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=said.append))
    with runtime.uow(readonly=True) as uow:
        [found] = alerts.search(uow, q="smartphones", hs="8517")
        assert found["kind"] == "seizure" and found["received"] is False
        assert uow.conn.execute(alerts.store.outbox.select()).all() == []
    assert said
