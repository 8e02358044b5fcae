"""Fixtures of the crisis tests: the shipped packs loaded, a second supervisor, a relief organisation's token."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.crisis.seed import packs_dir
from clearway.declarations.examples import example_declaration
from clearway.platform import auth
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens

RED_CROSS = ("PE20131371617", "Cruz Roja Peruana")  # listed in both shipped packs
IMPOSTOR = ("PE20999888772", "Cruz Roja Peruana")  # the same name, another party


def headers(runtime: Runtime, user: str, role: str, **kw: Any) -> dict[str, str]:
    """Returns the Authorization header of a new token."""
    with runtime.uow() as uow:
        token = auth.create_token(uow, user=user, role=role, **kw)
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def supervisor2(runtime: Runtime) -> dict[str, str]:
    return headers(runtime, "supervisor.huaman", "supervisor", office="PECLL")


@pytest.fixture
def red_cross(runtime: Runtime) -> dict[str, str]:
    return headers(runtime, "relief.cruzroja", "declarant", party_id=RED_CROSS[0])


@pytest.fixture
def impostor(runtime: Runtime) -> dict[str, str]:
    return headers(runtime, "impostor", "declarant", party_id=IMPOSTOR[0])


@pytest.fixture
def packs(client: TestClient, tokens: Tokens) -> list[str]:
    """Loads the shipped packs through the API."""
    loaded = []
    for path in sorted(packs_dir().glob("*.yaml")):
        r = client.post(
            "/api/v1/crisis/packs",
            content=path.read_bytes(),
            headers={**tokens.admin, "Content-Type": "application/yaml", "X-Change-Reason": "shipped pack"},
        )
        assert r.status_code == 201, r.text
        loaded.append(r.json()["id"])
    return loaded


def mask_import(lrn: str, consignee: tuple[str, str] = RED_CROSS, *, code: str = "630790") -> dict[str, Any]:
    """A consignment of surgical masks that the consignee lodges itself."""
    doc = example_declaration(lrn)
    party = {"id": consignee[0], "name": consignee[1], "country": "PE"}
    doc["declarant"], doc["importer"] = dict(party), dict(party)
    doc.pop("representative")
    item = doc["goods_items"][0]
    item.update(
        {
            "description": "Surgical face masks, 3-ply, boxes of 50",
            "commodity_code": code,
            "quantity": "2000",
            "invoice_amount": "6000.00",
        }
    )
    doc["goods_items"] = [item]
    doc["invoice"]["total_amount"] = "6000.00"
    doc["total_items"], doc["total_packages"] = 1, item["packages"]["count"]
    return doc


def activate(
    client: TestClient,
    pack: str,
    asks: dict[str, str],
    approves: dict[str, str],
    reason: str = "health emergency decree 2026-001",
) -> str:
    """Asks for and approves an activation; returns the activation id."""
    r = client.post(f"/api/v1/crisis/packs/{pack}/activate", json={"reason": reason}, headers=asks)
    assert r.status_code == 202, r.text
    approval = r.json()["approval"]["id"]
    ok = client.post(f"/api/v1/approvals/{approval}/approve", json={"reason": "decree verified"}, headers=approves)
    assert ok.status_code == 200, ok.text
    return str(ok.json()["result"]["activation_id"])
