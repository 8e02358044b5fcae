"""What the verifiable supply chain (the ledger capability) tells the risk engine: AEO status, counterfeit flags.

The ledger is imported lazily through its service: without it (not installed) the engine sees no such facts.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import date
from types import ModuleType

from clearway.declarations.model import Declaration
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)

# Values of the ``aeo`` fact rules can test.
AEO_NONE, AEO_GRANTED, AEO_UNRECOGNISED = "none", "granted", "unrecognised"


@dataclass(frozen=True)
class LedgerView:
    """The responsible trader's AEO status (a fact and its words) and the counterfeit flags, in words."""

    aeo: str = AEO_NONE
    aeo_words: str = ""
    counterfeit: tuple[str, ...] = ()

    @property
    def aeo_active(self) -> bool:
        """Tells whether the trader is a recognised AEO in good standing."""
        return self.aeo == AEO_GRANTED

    @property
    def aeo_lapsed(self) -> bool:
        """Tells whether the trader's recognised AEO status is suspended or revoked (a risk fact)."""
        return self.aeo in {"suspended", "revoked"}


def _ledger() -> ModuleType | None:
    try:
        return importlib.import_module("clearway.ledger.service")
    except ImportError as exc:  # the ledger's extra is not installed: no supply-chain facts
        log.debug("ledger not available to the risk engine: %s", exc)
        return None


def responsible_trader(decl: Declaration) -> str:
    """Returns the trader whose AEO status counts: the exporter on an export, else the importer."""
    d = decl.data
    return d.exporter.id if d.type.upper().startswith("EX") else d.importer.id


def read(uow: UnitOfWork, decl: Declaration, on: date) -> LedgerView:
    """Reads the ledger's view of a declaration: the trader's AEO status on the day and its products' flags."""
    ledger = _ledger()
    if ledger is None:
        return LedgerView()
    trader = responsible_trader(decl)
    status = ledger.aeo_status(uow, trader, on=on)
    aeo, words = AEO_NONE, ""
    if status is not None and not status.recognised:
        aeo, words = AEO_UNRECOGNISED, f"AEO of {status.country} not recognised: {status.basis}"
    elif status is not None:
        where = "national programme" if status.basis.startswith("national") else f"{status.country}, under MRA"
        aeo = status.status
        words = (
            f"AEO ({where})"
            if status.status == AEO_GRANTED
            else f"AEO status of {trader} ({where}) {status.status} since {status.since.isoformat()}"
        )
    flags: tuple[str, ...] = ()
    # The ledger's own subscriber records its check after ours (seed order 40 > 12): ask it to check now.
    if any(item.product_ids for item in decl.data.goods_items):
        flags = tuple(
            f"counterfeit check, item {f.item} {f.product_id}: {f.message} ({f.code})"
            for f in ledger.counterfeit_flags(uow, decl.mrn)
        )
    return LedgerView(aeo=aeo, aeo_words=words, counterfeit=flags)
