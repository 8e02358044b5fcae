"""Shared helpers of the single window tests: the demo rules, a fruit-and-medicine declaration, tokens."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from clearway.platform import auth
from clearway.platform.runtime import Runtime
from clearway.single_window import seed


def load_demo_rules(client: TestClient, admin: dict[str, str]) -> None:
    """Loads the demo agencies and requirements through the API, as an administrator."""
    r = client.post(
        "/api/v1/single-window/requirements/load",
        content=seed.demo_requirements_text().encode(),
        headers={**admin, "content-type": "application/yaml"},
    )
    assert r.status_code == 200, r.text


def fruit_and_medicines(lrn: str, importer: tuple[str, str] = seed.UNLICENSED_IMPORTER) -> dict[str, Any]:
    """Returns a declaration of fresh grapes (SENASA) and paracetamol (DIGEMID)."""
    doc = seed.showcase_declaration(lrn, date(2026, 11, 28))
    doc["importer"] = {"id": importer[0], "name": importer[1], "country": "PE"}
    return doc


def agency_headers(runtime: Runtime, user: str, agency: str) -> dict[str, str]:
    """Creates an agency user and returns its Authorization header."""
    with runtime.uow() as uow:
        token = auth.create_token(uow, user=user, role="agency", agency=agency)
        uow.commit()
    return {"Authorization": f"Bearer {token}"}
