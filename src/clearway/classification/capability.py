"""HS classification suggestions as a platform capability (used by documents, e-commerce and risk)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clearway.classification import api, cli, phrases, service
from clearway.declarations.model import Declaration
from clearway.declarations.ports import DocumentaryFinding
from clearway.platform.capability import Capability
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime


class HsConsistency:
    """The port ``DocumentaryCheck``: declared commodity codes against what the descriptions suggest."""

    def __init__(self, runtime: Runtime) -> None:
        self.cache: dict[str, Any] = runtime.caches

    def findings(self, uow: UnitOfWork, decl: Declaration) -> tuple[DocumentaryFinding, ...]:
        """Returns an ``HS_DISAGREES`` finding per goods item whose declared heading is not suggested."""
        return service.declaration_findings(uow, self.cache, decl)


def ports(runtime: Runtime) -> Sequence[object]:
    """The classification's port: ``DocumentaryCheck``."""
    # Where the nomenclature's embeddings are cached (``clearway hs embed``); read when the index is built.
    runtime.caches.setdefault(service.DATA_DIR, runtime.settings.data_dir)
    return (HsConsistency(runtime), phrases.PHRASES)


capability = Capability(
    name="clearway.classification",
    routers=(api.router,),
    cli=cli.app,
    cli_name="hs",
    ports=ports,
)
