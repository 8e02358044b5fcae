"""The single window as a platform capability."""

from __future__ import annotations

from clearway.platform.capability import Capability
from clearway.single_window import api, cli, schemas, seed, subscribers

capability = Capability(
    name="clearway.single_window",
    routers=api.routers,
    cli=cli.app,
    cli_name="sw",
    ports=subscribers.ports,
    subscribe=subscribers.subscribe,
    seed_demo=seed.seed_demo,
    seed_order=15,
    openapi_models=(
        schemas.AgencyIn,
        schemas.RequirementTermsIn,
        schemas.RetireIn,
        schemas.RuleFileIn,
        schemas.ApplicationIn,
        schemas.DecisionIn,
        schemas.ResponseIn,
        schemas.PermitIn,
    ),
)
