"""The demo seed leaves a non-empty, intact log, a verifiable certificate of origin and a flagged declaration."""

from __future__ import annotations

import random

from clearway.declarations import service as declarations
from clearway.ledger import log, seed, service, store
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime


def test_the_demo_seed_shows_every_part_of_the_ledger(runtime: Runtime) -> None:
    said: list[str] = []
    seed.seed_demo(DemoContext(runtime=runtime, rng=random.Random(1), say=said.append))
    assert said and said[0].startswith("ledger:")
    ctx = service.context(runtime)
    with runtime.uow(readonly=True) as uow:
        # 3 credentials, 2 AEO changes, 1 imported AEO entry; the demo declaration is not released: its
        # counterfeit flag sends it to a physical check even without published risk criteria
        assert store.tree_size(uow.conn) == 6
        check = log.verify_all(uow)
        assert check.ok, check.problems
        (coo,) = uow.conn.execute(
            store.credentials.select().where(store.credentials.c.kind == "certificate_of_origin")
        ).all()
        assert service.verify(uow, ctx, coo.jwt).report.verified
        chile = service.aeo_status(uow, seed.EXPORTER_CL[3])
        assert chile is not None and chile.is_active_aeo and chile.country == "CL"
        importer = service.aeo_status(uow, seed.IMPORTER)
        assert importer is not None and importer.status == "suspended"
        assert uow.conn.execute(store.entries.select().where(store.entries.c.kind == "clearance")).first() is None
    assert "1 counterfeit flag(s)" in said[0]
    mrn = said[0].split("declaration ")[1].split()[0]
    with runtime.uow(readonly=True) as uow:
        flagged = declarations.get(uow, mrn)
    assert flagged.status.value == "05" and flagged.lane is not None and flagged.lane.value == "red"
