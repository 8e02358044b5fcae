"""Reference data as a platform capability."""

from __future__ import annotations

from clearway.platform.capability import Capability
from clearway.reference import api, cli, seed

capability = Capability(
    name="clearway.reference",
    routers=(api.router,),
    cli=cli.app,
    cli_name="reference",
    seed_demo=seed.seed_demo,
    seed_order=10,
)
