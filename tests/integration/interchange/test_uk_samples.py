"""Every UK CDS import sample in ../shared/data/wco-dms goes through: accepted, or rejected with pointers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from clearway import bootstrap
from clearway.platform import auth
from clearway.platform.runtime import Runtime
from tests.conftest import SHARED_DATA, shared_data
from tests.integration.interchange.wco_schema import assert_valid_response

RES = "{urn:wco:datamodel:WCO:RES-DMS:2}"
SAMPLES = sorted((SHARED_DATA / "wco-dms" / "samples").glob("TT_IM*/**/*.xml"))


def _id(path: Path) -> str:
    return str(path.relative_to(SHARED_DATA / "wco-dms" / "samples"))


@pytest.fixture(scope="module")
def uk_client(uk_runtime: Runtime) -> Iterator[TestClient]:
    """An HTTP client on the samples' runtime."""
    with TestClient(bootstrap.build_app(uk_runtime), raise_server_exceptions=False) as c:
        yield c


def _declarant(body: bytes) -> str | None:
    root = etree.fromstring(body)
    found = root.find(".//{*}Declaration/{*}Declarant/{*}ID")
    return found.text.strip() if found is not None and found.text else None


@pytest.mark.shared_data
@pytest.mark.parametrize("sample", SAMPLES or [None], ids=[_id(s) for s in SAMPLES] or ["no-samples"])
def test_each_sample_is_accepted_or_rejected_with_pointers(
    sample: Path | None, uk_client: TestClient, uk_runtime: Runtime
) -> None:
    if sample is None:
        pytest.skip("shared data not present: ../shared/data/wco-dms/samples")
    body = sample.read_bytes()
    with uk_runtime.uow() as uow:
        token = auth.create_token(
            uow, user="broker.uk", role="declarant", party_id=_declarant(body) or "GB000000000000"
        )
        uow.commit()
    r = uk_client.post(
        "/api/v1/declarations",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
    )
    assert r.status_code in {200, 201, 400, 422}, r.text
    root = etree.fromstring(r.content)
    codes = [e.text for e in root.iter(RES + "FunctionCode")]
    if r.status_code in {200, 201}:
        assert codes == ["01"]
        mrn = root.findtext(f".//{RES}Declaration/{RES}ID")
        notes = uk_client.get(
            f"/api/v1/interchange/declarations/{mrn}/notifications", headers={"Authorization": f"Bearer {token}"}
        )
        assert notes.status_code == 200
        assert_valid_response(notes.content)
    else:
        assert codes == ["03"]
        errors = root.findall(f".//{RES}Error")
        assert errors
        for error in errors:
            description = error.findtext(f"{RES}Description") or ""
            assert "(at /" in description, description  # every error carries its class/tag path
    assert_valid_response(r.content)


@pytest.mark.shared_data
def test_most_original_uk_declarations_are_accepted() -> None:
    """A floor against regressions in the mapping: the originals that carry what the domain needs go through."""
    import csv
    from datetime import date

    from clearway.core.codes import HsEntry, Nomenclature
    from clearway.core.issues import ValidationFailed
    from clearway.declarations import rules
    from clearway.interchange import mapping

    with shared_data("hs", "harmonized-system.csv").open(encoding="utf-8") as f:
        nomenclature = Nomenclature.of(
            HsEntry(r["hscode"], r["description"], int(r["level"])) for r in csv.DictReader(f)
        )
    originals = accepted = 0
    for sample in SAMPLES:
        try:
            data, _ = mapping.parse(sample.read_bytes(), today=date(2026, 11, 30))
        except ValidationFailed as exc:
            if {i.code for i in exc.issues} <= {"NOT_A_DECLARATION", "FUNCTION_CODE"}:
                continue
            originals += 1
            continue
        originals += 1
        accepted += not rules.validate(data, rules.RuleContext(nomenclature))
    assert originals == 46
    assert accepted >= 37


def _is_declaration(path: Path, function_code: str) -> bool:
    body = path.read_bytes()
    return b"WCOTypeName>DEC<" in body and f"<FunctionCode>{function_code}</FunctionCode>".encode() in body


AMENDMENTS = [s for s in SAMPLES if _is_declaration(s, "13")]


@pytest.mark.shared_data
@pytest.mark.parametrize("amendment", AMENDMENTS or [None], ids=[_id(s) for s in AMENDMENTS] or ["no-samples"])
def test_each_sample_amendment_applies_to_its_declaration_or_is_refused_with_pointers(
    amendment: Path | None, uk_client: TestClient, uk_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    if amendment is None:
        pytest.skip("shared data not present: ../shared/data/wco-dms/samples")
    originals = [
        s
        for s in amendment.parent.glob("*.xml")
        if s != amendment and b"<FunctionCode>9</FunctionCode>" in s.read_bytes()
    ]
    if not originals:
        pytest.skip(f"no original declaration beside {amendment.name}")
    monkeypatch.setattr(uk_runtime.settings, "selectivity_yellow_rate", Decimal(1))  # keep it open to amendment
    body = originals[0].read_bytes()
    with uk_runtime.uow() as uow:
        token = auth.create_token(
            uow, user="broker.uk", role="declarant", party_id=_declarant(body) or "GB000000000000"
        )
        uow.commit()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}
    lodged = uk_client.post("/api/v1/declarations", content=body, headers=headers)
    if lodged.status_code not in {200, 201}:
        pytest.skip(f"{originals[0].name} is itself rejected")
    mrn = etree.fromstring(lodged.content).findtext(f".//{RES}Declaration/{RES}ID") or ""
    message = re.sub(rb"<ID>\w{18}</ID>", f"<ID>{mrn}</ID>".encode(), amendment.read_bytes(), count=1)
    r = uk_client.post("/api/v1/interchange/amendments", content=message, headers=headers)
    assert r.status_code in {200, 409, 422}, r.text
    codes = [e.text for e in etree.fromstring(r.content).iter(RES + "FunctionCode")]
    if r.status_code == 200:
        assert codes in (["07"], ["10"])
    else:
        assert codes == ["03"]
        for error in etree.fromstring(r.content).iter(RES + "Error"):
            assert "(at /" in (error.findtext(f"{RES}Description") or "")
    assert_valid_response(r.content)
