"""The workforce as a platform capability: education records, competency checks, GEOAT figures."""

from __future__ import annotations

from clearway.platform.capability import Capability
from clearway.workforce import api, cli, seed
from clearway.workforce.schemas import AssignmentIn, CataloguePatchIn

capability = Capability(
    name="clearway.workforce",
    routers=api.routers,
    cli=cli.app,
    cli_name="workforce",
    seed_demo=seed.seed_demo,
    seed_order=20,
    openapi_models=(AssignmentIn, CataloguePatchIn),
)
