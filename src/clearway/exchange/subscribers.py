"""What the exchange does when the clearance core acts: send released exports' summaries to the partner of
destination; index accepted imports from partner countries and match them to the partner's export summary."""

from __future__ import annotations

import logging

from clearway.declarations import service as declarations
from clearway.declarations.events import DeclarationAccepted, DeclarationReleased
from clearway.exchange import mirror, service
from clearway.exchange.model import destination, is_export, summary_of
from clearway.platform.db import UnitOfWork
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)


def subscribe(runtime: Runtime) -> None:
    """Subscribes the exchange to releases (exports out) and acceptances (imports in)."""
    country = runtime.settings.country.upper()

    def released(uow: UnitOfWork, event: DeclarationReleased) -> None:
        decl = declarations.get(uow, event.mrn)  # events carry values; the saved state is re-read
        if not is_export(decl):
            return
        to = destination(decl)
        if to == country or not service.in_force(uow, to, "export_summary", uow.clock().date()):
            return
        message_id = service.enqueue(uow, country=to, kind="export_summary", body=summary_of(decl, country=country))
        log.info("exchange: export %s summary queued for %s as %s", decl.mrn, to, message_id)

    def accepted(uow: UnitOfWork, event: DeclarationAccepted) -> None:
        mirror.index_import(uow, event.mrn)

    runtime.bus.subscribe(DeclarationReleased, released)
    runtime.bus.subscribe(DeclarationAccepted, accepted)
