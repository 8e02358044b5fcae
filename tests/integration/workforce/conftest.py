"""Workforce fixtures: the core, the console and the workforce over SQLite and PostgreSQL, lanes by LRN."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from clearway.console.testing import core_app
from clearway.platform import auth
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from clearway.workforce import service
from clearway.workforce.seed import CERT_PDF
from tests.integration.console.conftest import NOW, lodge
from tests.integration.console.conftest import console_runtime as console_runtime
from tests.integration.console.conftest import signed_in as signed_in

HR = Principal(user="admin", role="admin")
PDF = CERT_PDF  # a one-page PDF: certificates go through the documents checks, object walk included


@pytest.fixture
def wf_runtime(console_runtime: Runtime) -> Runtime:
    """The console runtime with the catalogue and two officers: rojas current, huaman's inspection expired."""
    rt = console_runtime
    with rt.uow() as uow:
        auth.ensure_user(uow, name="officer.huaman", role="officer", office="PECLL")
        service.ensure_default_catalogue(uow)
        for officer, days_ago, ref in (("officer.rojas", 100, "ESC-1"), ("officer.huaman", 800, "ESC-2")):
            service.record_education(
                uow,
                HR,
                officer=officer,
                course_code="PHYS-INSP-01",
                completed_on=date.fromordinal(NOW.date().toordinal() - days_ago),
                result="passed",
                score=Decimal(90),
                reference=ref,
                data_dir=rt.settings.data_dir,
            )
        uow.commit()
    return rt


@pytest.fixture
def api(wf_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(core_app(wf_runtime, ("clearway.workforce",)), raise_server_exceptions=False) as c:
        yield c


def bearer(rt: Runtime, user: str, role: str, **scope: str) -> dict[str, str]:
    with rt.uow() as uow:
        token = auth.create_token(uow, user=user, role=role, **scope)  # type: ignore[arg-type]
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def red_mrn(wf_runtime: Runtime) -> str:
    return lodge(wf_runtime, "WF-RED-1")


__all__ = ["HR", "PDF", "bearer", "lodge"]
