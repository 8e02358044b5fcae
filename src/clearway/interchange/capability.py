"""The WCO DM XML interchange as a platform capability."""

from __future__ import annotations

from clearway.declarations import api as declarations_api
from clearway.declarations.model import DeclarationData
from clearway.interchange import api, cli, seed, service
from clearway.platform.capability import Capability
from clearway.platform.runtime import Runtime
from clearway.reference import service as reference_service


def subscribe(runtime: Runtime) -> None:
    """Lets the lodge endpoint read WCO DM XML and answer it in kind."""

    def parser(body: bytes) -> DeclarationData:
        with runtime.uow(readonly=True) as uow:
            nomenclature = reference_service.nomenclature(uow, runtime.caches)
        return service.parse_declaration(
            body,
            today=runtime.clock().date(),
            nomenclature=nomenclature,
            party_ids=runtime.settings.party_id_check_digits,
        )

    renderer = api.XmlRenderer(runtime)
    for media in ("application/xml", "text/xml"):
        declarations_api.register_parser(runtime, media, parser)
        declarations_api.register_renderer(runtime, media, renderer)


capability = Capability(
    name="clearway.interchange",
    routers=(api.router, api.alias_router),
    cli=cli.app,
    cli_name="interchange",
    subscribe=subscribe,
    seed_demo=seed.seed_demo,
    seed_order=30,
)
