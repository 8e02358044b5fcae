"""Supporting documents as a platform capability; their differences with the declaration feed the lane."""

from __future__ import annotations

from collections.abc import Sequence

from clearway.declarations.model import Declaration
from clearway.declarations.ports import DocumentaryFinding
from clearway.documents import api, cli, phrases, seed, service
from clearway.platform.capability import Capability
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime


class DocumentsCheck:
    """The port ``DocumentaryCheck``: the attached invoice, packing list, certificate against the declaration."""

    def findings(self, uow: UnitOfWork, decl: Declaration) -> tuple[DocumentaryFinding, ...]:
        """Returns the differences (none before any document is attached)."""
        return service.findings(uow, decl)


def ports(runtime: Runtime) -> Sequence[object]:
    """The documents' port: ``DocumentaryCheck``."""
    del runtime
    return (DocumentsCheck(), phrases.PHRASES)


capability = Capability(
    name="clearway.documents",
    routers=(api.router,),
    cli=cli.app,
    cli_name="documents",
    ports=ports,
    seed_demo=seed.seed_demo,
    seed_order=60,
)
