"""HS classification suggestions as a platform capability (used by documents, e-commerce and risk)."""

from __future__ import annotations

from clearway.classification import api, cli
from clearway.platform.capability import Capability

capability = Capability(
    name="clearway.classification",
    routers=(api.router,),
    cli=cli.app,
    cli_name="hs",
)
