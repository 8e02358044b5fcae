"""Supporting documents as a platform capability."""

from __future__ import annotations

from clearway.documents import api, cli, seed
from clearway.platform.capability import Capability

capability = Capability(
    name="clearway.documents",
    routers=(api.router,),
    cli=cli.app,
    cli_name="documents",
    seed_demo=seed.seed_demo,
    seed_order=60,
)
