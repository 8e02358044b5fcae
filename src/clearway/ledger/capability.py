"""The verifiable supply chain as a platform capability."""

from __future__ import annotations

from clearway.ledger import api, cli, seed, subscribers
from clearway.platform.capability import Capability

capability = Capability(
    name="clearway.ledger",
    routers=(api.router,),
    cli=cli.app,
    cli_name="ledger",
    ports=subscribers.ports,
    subscribe=subscribers.subscribe,
    seed_demo=seed.seed_demo,
    seed_order=40,
)
