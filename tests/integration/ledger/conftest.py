"""Ledger fixtures: organisations with keys on the test database, and their users' tokens."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from clearway.ledger import identity, service
from clearway.ledger.identity import LedgerContext
from clearway.platform import auth
from clearway.platform.runtime import Runtime

EXPORTER = ("cl-vinedos-andes", "Viñedos de los Andes SpA", "CL", "CL760864285")
BRAND = ("bright-electronics", "Shenzhen Bright Electronics Co. Ltd", "CN", "CN91310000MA1FL")
IMPORTER = "PE20512345671"


@dataclass
class Orgs:
    """The ledger context and the headers of the organisations' users."""

    ctx: LedgerContext
    exporter: dict[str, str]
    brand: dict[str, str]
    importer: dict[str, str]


@pytest.fixture
def orgs(runtime: Runtime) -> Orgs:
    """Registers an exporter (Chile) and a brand owner (China), each with a user that signs for it."""
    ctx = service.context(runtime)
    with runtime.uow() as uow:
        identity.ensure_administration(uow, ctx)
        for org_id, name, country, party in (EXPORTER, BRAND):
            identity.create_org(
                uow,
                ctx,
                org_id=org_id,
                name=name,
                country=country,
                kind="exporter" if country == "CL" else "brand_owner",
                party_id=party,
            )
        tokens = {
            name: auth.create_token(uow, user=name, role="declarant", party_id=party)
            for name, party in (("exporter", EXPORTER[3]), ("brand", BRAND[3]), ("importer", IMPORTER))
        }
        uow.commit()
    h = {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}
    return Orgs(ctx, h["exporter"], h["brand"], h["importer"])
