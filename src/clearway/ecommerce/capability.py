"""E-commerce oversight as a platform capability."""

from __future__ import annotations

from clearway.ecommerce import api, cli, phrases, seed
from clearway.platform.capability import Capability
from clearway.platform.i18n import offering

capability = Capability(
    name="clearway.ecommerce",
    routers=(api.router,),
    cli=cli.app,
    cli_name="ecommerce",
    seed_demo=seed.seed_demo,
    seed_order=50,
    ports=offering(phrases.PHRASES),
)
