"""The risk-training simulator as a platform capability: routes, commands and its demo seed."""

from __future__ import annotations

from clearway.platform.capability import Capability
from clearway.training import api, cli, seed
from clearway.training.schemas import AnswersIn, StartIn

capability = Capability(
    name="clearway.training",
    routers=(api.router,),
    cli=cli.app,
    cli_name="training",
    seed_demo=seed.seed_demo,
    seed_order=70,  # after the declarations and their controls (20): it learns from their outcomes
    openapi_models=(StartIn, AnswersIn),
)
