"""The mandates register as a platform capability: who may act for whom."""

from __future__ import annotations

from clearway.mandates import api, cli, seed
from clearway.mandates.schemas import MandateIn, RevokeIn
from clearway.platform.capability import Capability

capability = Capability(
    name="clearway.mandates",
    routers=(api.router,),
    cli=cli.app,
    cli_name="mandates",
    seed_demo=seed.seed_demo,
    seed_order=11,
    openapi_models=(MandateIn, RevokeIn),
)
