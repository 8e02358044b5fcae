"""Fixtures of the tariff's integration tests: the demo schedule in force and a USD rate of 3.8000."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from clearway.platform.runtime import Runtime
from clearway.tariff import service
from clearway.tariff.model import ExchangeRate
from clearway.tariff.seed import demo_schedule_path

USD = Decimal("3.8000")


@pytest.fixture
def tariff(runtime: Runtime) -> Runtime:
    """Puts the demo schedule in force and publishes USD = 3.8000 PEN (yesterday, so in force today)."""
    with runtime.uow() as uow:
        service.load_schedule_file(uow, demo_schedule_path(), national_currency="PEN", by="test")
        yesterday = runtime.clock().date() - timedelta(days=1)
        service.load_rates(uow, [ExchangeRate("USD", yesterday, USD)])
        uow.commit()
    return runtime
