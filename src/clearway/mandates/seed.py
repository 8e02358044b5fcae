"""Demo seed: the demo importers mandate the demo customs brokers (before any declaration is lodged)."""

from __future__ import annotations

from datetime import UTC, datetime

from clearway.demo.generator import BROKERS, IMPORTERS
from clearway.demo.users import DEMO_USERS
from clearway.mandates import service
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.db import UnitOfWork

ADMIN = Principal(user="admin", role="admin")
# Importers of the other demo showcases (not in the generator's list): the single window's unlicensed importer.
OTHER_DEMO_IMPORTERS = ("PE20488776658",)
# In force long before the demo declarations, which are lodged over the weeks before today.
SINCE = datetime(2020, 1, 1, tzinfo=UTC)


def _party_of(user: str) -> str:
    return next(str(u["party_id"]) for u in DEMO_USERS if u["user"] == user)


def grant_demo_mandates(uow: UnitOfWork) -> int:
    """Registers the demo mandates: importer.pacifico's party (and every demo importer) mandates each broker."""
    pacifico, andina = _party_of("importer.pacifico"), _party_of("broker.andina")
    importers = [imp for imp, _ in IMPORTERS] + list(OTHER_DEMO_IMPORTERS)
    pairs = {(pacifico, andina)} | {(imp, broker) for imp in importers for broker, _ in BROKERS}
    for principal_party, agent_party in sorted(pairs):
        service.grant(
            uow,
            ADMIN,
            principal_party=principal_party,
            agent_party=agent_party,
            procedures=["all"],
            valid_from=SINCE,
            valid_to=None,
            reason="demo: customs broker appointed by the importer",
            evidence="demo power of attorney",
        )
    return len(pairs)


def seed_demo(ctx: DemoContext) -> None:
    """Seeds the demo mandates."""
    with ctx.runtime.uow() as uow:
        count = grant_demo_mandates(uow)
        uow.commit()
    ctx.say(f"mandates: {count} importers' mandates to their customs brokers")
