"""Release never outruns assessment, whichever capability subscribes to acceptance first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clearway import bootstrap
from clearway.declarations import api as declarations_api
from clearway.declarations import codec
from clearway.declarations import service as declarations_service
from clearway.declarations.events import DeclarationAccepted
from clearway.declarations.examples import example_declaration
from clearway.declarations.model import Lane, Status
from clearway.declarations.schemas import DeclarationIn
from clearway.mandates import seed as mandates_seed
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from clearway.tariff import handlers, service
from clearway.tariff.rates_demo import demo_rates
from clearway.tariff.seed import demo_schedule_path


@pytest.fixture
def early_green(settings: Settings) -> Iterator[Runtime]:
    """A runtime where a risk-engine-like subscriber assigns the green lane before the tariff assesses."""
    bootstrap.import_tables()
    rt = Runtime.build(settings)

    def green_at_once(uow: UnitOfWork, event: DeclarationAccepted) -> None:
        declarations_service.assign_lane(uow, event.declaration, Lane.GREEN, reasons=["low risk"], source="risk")

    rt.bus.subscribe(DeclarationAccepted, green_at_once)
    handlers.subscribe(rt)
    with rt.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)
        service.load_schedule_file(uow, demo_schedule_path(), national_currency="PEN", by="test")
        service.load_rates(uow, demo_rates(rt.clock().date()))
        uow.commit()
    yield rt
    rt.engine.dispose()


def test_a_lane_assigned_before_assessment_still_waits_for_payment(early_green: Runtime) -> None:
    data = codec.to_domain(DeclarationIn.model_validate(example_declaration("ORDER-1"), strict=False))
    broker = Principal(user="broker", role="declarant", party_id=data.declarant.id)
    with early_green.uow() as uow:
        decl = declarations_service.lodge(
            uow, data, principal=broker, ctx=declarations_api.lodge_context(early_green, uow)
        ).declaration
        uow.commit()
    assert decl.lane is Lane.GREEN and decl.status is Status.ACCEPTED
    with early_green.uow(readonly=True) as uow:
        stored = declarations_service.get(uow, decl.mrn)
        blockers = declarations_service.release_blockers(uow, stored)
    assert [e.kind for e in stored.history].count("assessed") == 1
    assert blockers and blockers[0].startswith("duties and taxes of")
