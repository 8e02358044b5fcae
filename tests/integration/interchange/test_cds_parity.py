"""Parity with UK CDS: each sample of ../shared/data/wco-dms with CDS notifications is lodged over HTTP, and
Clearway's answer is compared with CDS's (DMSACC/DMSCLE accepted; DMSREJ rejected at the same class/tag)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from clearway import bootstrap
from clearway.interchange import parity
from clearway.mandates import service as mandates_service
from clearway.platform import auth
from clearway.platform.runtime import Runtime
from tests.conftest import SHARED_DATA

ROOT = SHARED_DATA / "wco-dms" / "samples"
SAMPLES = parity.samples(ROOT) if ROOT.is_dir() else []
WITH_NOTIFICATIONS = [s for s in SAMPLES if s.labelled_by == "notifications"]


@pytest.fixture(scope="module")
def cds_client(uk_runtime: Runtime) -> Iterator[tuple[TestClient, Runtime]]:
    """The platform with the real HS nomenclature, lanes all green, lodging the samples over HTTP."""
    with TestClient(bootstrap.build_app(uk_runtime), raise_server_exceptions=False) as client:
        yield client, uk_runtime


def _lodge(client: TestClient, rt: Runtime, path: Path) -> tuple[bool, parity.CdsOutcome | None]:
    body = path.read_bytes()
    found = etree.fromstring(body).find(".//{*}Declaration/{*}Declarant/{*}ID")
    party = found.text.strip() if found is not None and found.text else "GB000000000000"
    importer = etree.fromstring(body).find(".//{*}Declaration/{*}GoodsShipment/{*}Importer/{*}ID")
    with rt.uow() as uow:
        token = auth.create_token(uow, user="broker.uk", role="declarant", party_id=party)
        if importer is not None and importer.text and importer.text.strip() != party:
            # CDS knows the declarant's authority to represent the importer; here it is a registered mandate.
            admin = auth.Principal(user="admin", role="admin")
            mandates_service.grant(
                uow,
                admin,
                principal_party=importer.text.strip(),
                agent_party=party,
                procedures=["all"],
                valid_from=None,
                valid_to=None,
                reason="representation authority on file (test of the CDS samples)",
                evidence="CDS sample",
            )
        uow.commit()
    r = client.post(
        "/api/v1/declarations",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
    )
    assert r.status_code in {200, 201, 422}, r.text
    tmp = Path(rt.settings.data_dir) / "answer.xml"
    tmp.write_bytes(r.content)
    return r.status_code in {200, 201}, parity.read_notifications([tmp])


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "sample", WITH_NOTIFICATIONS or [None], ids=[str(s.path.relative_to(ROOT)) for s in WITH_NOTIFICATIONS] or ["-"]
)
def test_clearway_answers_each_sample_as_cds_did(
    sample: parity.Sample | None, cds_client: tuple[TestClient, Runtime]
) -> None:
    if sample is None:
        pytest.skip("shared data not present: ../shared/data/wco-dms/samples")
    client, rt = cds_client
    accepted, ours = _lodge(client, rt, sample.path)
    assert accepted == sample.outcome.accepted, f"CDS {'accepted' if sample.outcome.accepted else 'rejected'} it"
    if not accepted:
        assert ours is not None and ours.pointers & sample.outcome.pointers, (ours, sample.outcome.pointers)


@pytest.mark.shared_data
def test_every_sample_with_notifications_is_found() -> None:
    if not ROOT.is_dir():
        pytest.skip("shared data not present: ../shared/data/wco-dms/samples")
    assert len(WITH_NOTIFICATIONS) == 16
    assert sum(not s.outcome.accepted for s in WITH_NOTIFICATIONS) == 2
