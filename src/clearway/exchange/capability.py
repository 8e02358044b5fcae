"""Regional cooperation as a platform capability: signed messages with partner administrations, mirror
analysis of exports against imports, shared alerts, live AEO mutual recognition, anchored tree heads."""

from __future__ import annotations

from clearway.exchange import api, cli, mirror, phrases, seed, subscribers
from clearway.platform.capability import Capability

capability = Capability(
    name="clearway.exchange",
    routers=(api.router,),
    cli=cli.app,
    cli_name="exchange",
    subscribe=subscribers.subscribe,
    seed_demo=seed.seed_demo,
    seed_order=45,  # after the ledger (40): the administration's key exists
    ports=lambda _runtime: (mirror.MirrorLanes(), phrases.PHRASES),
)
