"""The clearance core as a platform capability."""

from __future__ import annotations

from clearway.declarations import api, cli, phrases, seed
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.capability import Capability
from clearway.platform.i18n import offering

capability = Capability(
    name="clearway.declarations",
    routers=(api.router,),
    top_level_commands=(("lodge", cli.lodge), ("status", cli.status)),
    seed_demo=seed.seed_demo,
    seed_order=20,
    ports=offering(phrases.PHRASES),
    openapi_models=(DeclarationIn,),
)
