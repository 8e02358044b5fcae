"""Fixtures of the tariff's integration tests: the demo schedule in force, a USD rate of 3.8000, the simulated
bank registered as the payment provider, and how that bank confirms an order."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.platform.runtime import Runtime
from clearway.tariff import service, settlement
from clearway.tariff.model import ExchangeRate
from clearway.tariff.providers import SIGNATURE_HEADER, SimulatedBank
from clearway.tariff.seed import demo_schedule_path

USD = Decimal("3.8000")


@pytest.fixture
def tariff(runtime: Runtime) -> Runtime:
    """Puts the demo schedule in force and publishes USD = 3.8000 PEN (yesterday, so in force today)."""
    with runtime.uow() as uow:
        service.load_schedule_file(uow, demo_schedule_path(), national_currency="PEN", by="test")
        yesterday = runtime.clock().date() - timedelta(days=1)
        service.load_rates(uow, [ExchangeRate("USD", yesterday, USD)])
        bank = SimulatedBank.load_or_create(runtime.settings.data_dir)
        settlement.register_provider(
            uow, name=bank.name, public_key=bank.public_key_b64(), by="test", reason="the tests' bank"
        )
        uow.commit()
    return runtime


def bank_of(runtime: Runtime) -> SimulatedBank:
    """Returns the simulated bank the ``tariff`` fixture registered."""
    return SimulatedBank.load_or_create(runtime.settings.data_dir)


def settle(client: TestClient, runtime: Runtime, order: dict[str, Any]) -> Any:
    """Has the simulated bank confirm an order, through the provider callback over HTTP."""
    body, signature = bank_of(runtime).notification(
        order_id=order["id"], amount=Decimal(order["amount"]), currency=order["currency"], at=runtime.clock()
    )
    return client.post(
        "/api/v1/payments/notifications",
        content=body,
        headers={SIGNATURE_HEADER: signature, "Content-Type": "application/json"},
    )
