"""Documents attached after the lane was chosen: their differences with the declaration reach the risk view.

The lane is chosen at lodging, usually before any invoice is attached. When a document attached later
contradicts the declared value, origin, quantities, masses or parties, the risk engine records a
``lane_reviewed`` entry whose reasons are the officer's sentences ("invoice total 12,400.00 USD, declared
4,100.00 USD"); a green declaration still waiting for release is sent to a documentary check instead.
"""

from __future__ import annotations

from clearway.declarations import lodging
from clearway.declarations import service as declarations
from clearway.declarations.model import Decision, Lane, Role, Status
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.risk import lanes, phrases

SOURCE = "risk-engine"
_ENGINE = Principal(user=declarations.SYSTEM, role="officer")  # the platform acting on the risk engine's finding
_NOT_YET_CONTROLLED = frozenset({Status.ACCEPTED, Status.AMENDED})


def review(uow: UnitOfWork, mrn: str) -> list[str]:
    """Reviews a declaration's lane after its documents changed; returns the reasons recorded ([] if none)."""
    decl = declarations.get(uow, mrn)
    facts = lodging.documentary_facts(uow, decl)
    value = facts.value_findings
    if not value:
        return []
    reasons, weight = lanes.documentary_reasons(facts)
    controlled = decl.lane is Lane.GREEN and decl.status in _NOT_YET_CONTROLLED
    if controlled:
        reasons.append(phrases.AFTER_LODGING_CHECK())
    elif decl.status in _NOT_YET_CONTROLLED or decl.status in {Status.DOCUMENTS_REQUIRED, Status.PHYSICAL_CHECK}:
        reasons.append(phrases.AFTER_LODGING_CONTROL())
    else:
        reasons.append(phrases.AFTER_RELEASE())
    last = next((e for e in reversed(decl.history) if e.kind == "lane_reviewed"), None)
    if last is not None and last.data.get("reasons") == reasons:
        return []  # the same differences were already recorded (the same invoice attached again, another page)
    declarations.record_event(
        uow,
        decl,
        "lane_reviewed",
        actor=SOURCE,
        role=Role.SYSTEM,
        reason="; ".join(reasons),
        data={
            "lane": Lane.YELLOW.value if controlled else (decl.lane.value if decl.lane else None),
            "reasons": reasons,
            "source": SOURCE,
            "scores": {"weight": weight, "documentary": sorted(facts.codes())},
        },
    )
    if controlled:  # the trader reads the decision's reason: the documents' differences only, no risk scores
        told = phrases.DOCUMENTARY_CHECK(what="; ".join(f.message for f in value))
        declarations.decide(uow, mrn, Decision.REQUEST_DOCUMENTS, principal=_ENGINE, reason=told)
    return reasons
