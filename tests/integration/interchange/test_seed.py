"""The demo shows declarations lodged as WCO DM XML, and seeding again does not fail."""

from __future__ import annotations

import random

from clearway.declarations import service as declarations_service
from clearway.interchange import seed
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime


def test_the_demo_lodges_two_xml_declarations_once(runtime: Runtime) -> None:
    said: list[str] = []
    ctx = DemoContext(runtime=runtime, rng=random.Random(1), say=said.append)
    seed.seed_demo(ctx)
    seed.seed_demo(ctx)
    officer = Principal(user="officer", role="officer")
    with runtime.uow(readonly=True) as uow:
        rows, count = declarations_service.list_visible(uow, officer)
        lodged = [declarations_service.get_visible(uow, r["mrn"], officer) for r in rows]
    assert count == 2
    assert sorted(d.data.lrn for d in lodged) == list(seed.DEMO_LRNS)
    assert all("<FunctionalReferenceID>" in d.data.extensions["wco_dm"]["xml"] for d in lodged)
    assert said[0].startswith("interchange: lodged as WCO DM XML")
