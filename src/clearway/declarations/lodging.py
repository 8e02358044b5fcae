"""Lodging a declaration: everything a lodgement goes through, in order, in this one file.

    1. who may lodge        the caller acts for itself or under a mandate (``mandates``)
    2. validate once        the category's data requirements; every issue at once, or nothing is saved —
                            unless a provisional acceptance waives every issue   port ``ValidationRelief`` (crisis);
                            party ids' check digits: off, warned (history), or refused with the rest (a setting)
    3. idempotency          the same caller and LRN return the same MRN; another's LRN reveals nothing
    4. MRN                  received (02) → accepted (01)
    5. assessment           duties and taxes                       port ``Assessment``       (tariff)
    6. routing              agency applications                    port ``Routing``          (single window)
    7. supply-chain check   counterfeit flags, AEO standing        port ``SupplyChainCheck`` (ledger)
       documentary check    invoice vs declared, HS vs description port ``DocumentaryCheck`` (documents, HS)
    8. lane                 proposals by precedence, else random   port ``LaneProvider``     (risk engine, …)
    9. control or release   red → 05, yellow → 06, green → 08 when no gate blocks   port ``ReleaseGate``
   10. save once            header, items and the whole history in one insert each; the message kept verbatim
   11. tell                 events queued on the bus (values, not the aggregate), handled in order

Steps 4–10 run inside one savepoint: if a concurrent retry with the same LRN won the race, everything the ports
wrote is undone and the earlier declaration is returned. The request's unit of work commits; nothing here does.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from clearway.core.codes import Nomenclature
from clearway.core.ids import CheckDigits, new_mrn
from clearway.core.issues import Conflict, ValidationFailed
from clearway.declarations import codec, phrases, store, validation
from clearway.declarations.events import (
    DeclarationAccepted,
    DeclarationDecided,
    DeclarationReleased,
    LaneAssigned,
)
from clearway.declarations.model import Decision, Declaration, DeclarationData, Lane, Role, Status
from clearway.declarations.ports import (
    LANE_SEVERITY,
    Assessment,
    DocumentaryCheck,
    DocumentaryFacts,
    LaneProposal,
    LaneProvider,
    LodgingFacts,
    Relief,
    Routing,
    SupplyChainCheck,
    SupplyChainFacts,
    ValidationRelief,
)
from clearway.declarations.service import (
    SYSTEM,
    LodgeResult,
    party_id_warnings,
    record_party_id_warnings,
    release_blockers,
)
from clearway.mandates import service as mandates_service
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selectivity:
    """Random selectivity, the fallback when no lane provider proposes: a share per control lane."""

    red_rate: Decimal
    yellow_rate: Decimal
    salt: str

    def lane_for(self, mrn: str) -> Lane:
        """Draws the lane for an MRN; keyed by a secret so traders cannot predict it."""
        digest = hashlib.sha256(f"{self.salt}:{mrn}".encode()).digest()
        u = Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)
        if u < self.red_rate:
            return Lane.RED
        if u < self.red_rate + self.yellow_rate:
            return Lane.YELLOW
        return Lane.GREEN

    def proposal(self, mrn: str) -> LaneProposal:
        """The fallback proposal, with the chance of control it gave every declaration."""
        lane = self.lane_for(mrn)
        reason = phrases.RANDOM_LANE[lane.value]() if lane is not Lane.GREEN else phrases.NO_CRITERIA()
        chance = float(self.red_rate + self.yellow_rate)
        return LaneProposal(
            lane=lane,
            reasons=(reason,),
            source="selectivity",
            scores={"random": lane is not Lane.GREEN},
            inspection_probability=chance,
        )


@dataclass(frozen=True)
class LodgeContext:
    """What lodging needs besides the data: the nomenclature, the country issuing MRNs, selectivity."""

    nomenclature: Nomenclature
    country: str
    selectivity: Selectivity
    # Party ids with a wrong check digit: accepted silently, with a warning, or refused with the other issues.
    party_ids: CheckDigits = "warn"


@dataclass(frozen=True)
class Message:
    """The message as the trader sent it (kept verbatim as version 1 of the declaration)."""

    media_type: str
    body: str | None


def lodge(
    uow: UnitOfWork,
    data: DeclarationData | bytes | str | Mapping[str, Any],
    *,
    principal: Principal,
    ctx: LodgeContext,
    message: Message | None = None,
) -> LodgeResult:
    """Lodges a declaration through every step above; a retry with the same LRN returns the same MRN.

    ``data`` is the declaration as read (``DeclarationData``) or, for a JSON declaration that reading found
    incomplete, the document as sent: it is then read here, so that a provisional acceptance sees what is missing
    (a placeholder is not a value), and the parties are checked on what was read before anything is written.
    """
    # 1. Who may lodge.
    if isinstance(data, DeclarationData):
        authorise(uow, principal, data)

    # 2. Validate once, against the data requirements of the declaration's category: every issue at once, or
    #    nothing is saved. What can be derived (totals, defaults) is derived and said where from.
    #    A crisis protocol may accept an incomplete declaration provisionally: it waives every issue, or none.
    #    Party ids with a wrong check digit are refused among the other issues, or warned about (the setting).
    checked = validation.check(
        data, validation.CheckContext(ctx.nomenclature, today=uow.clock().date(), party_ids=ctx.party_ids)
    )
    relief = provisional_relief(uow, checked)
    accepted = checked.data if relief is None else checked.draft
    if accepted is None:
        raise ValidationFailed(checked.issues)
    if not isinstance(data, DeclarationData):
        authorise(uow, principal, accepted)
    data = accepted

    # 3. Idempotency: the same declarant and LRN give the same MRN.
    document = codec.to_json(data)
    fingerprint = codec.payload_hash(document)
    existing = store.find_by_lrn(uow.conn, data.declarant.id, data.lrn)
    if existing is not None:
        return _replay(uow, existing, fingerprint, principal)

    now = uow.clock()
    savepoint = uow.conn.begin_nested()
    try:
        # 4. The MRN: received, then accepted. The history is written once, at step 10.
        mrn = new_mrn(ctx.country, now)  # 36^13 space; the unique constraint on MRNs is the belt and braces
        decl = Declaration(
            id=str(uuid.uuid4()), mrn=mrn, data=data, status=Status.RECEIVED, lodged_at=now, hold_writes=True
        )
        decl.record("received", at=now, actor=principal.user, role=principal.role, reason=phrases.LODGED())
        decl.record(
            "accepted",
            at=now,
            actor=SYSTEM,
            role=Role.SYSTEM,
            reason=phrases.MRN_ISSUED(mrn=mrn),
            status_to=Status.ACCEPTED,
            data={"mrn": mrn, "derived": [d.as_dict() for d in checked.derived]},
        )
        record_party_id_warnings(decl, checked.warnings, at=now)
        if relief is not None:
            decl.record(
                "provisional_acceptance",
                at=now,
                actor=relief.source,
                role=Role.SYSTEM,
                reason=relief.reason,
                data={
                    "deadline": relief.deadline.isoformat(),
                    "waived": [i.as_dict() for i in relief.waived],
                    **relief.data,
                },
            )

        # 5. Assessment of duties and taxes.
        for assessment in uow.ports.all(Assessment):
            assessment.assess(uow, decl)

        # 6. Routing to the agencies that must approve the goods.
        for routing in uow.ports.all(Routing):
            routing.route(uow, decl)

        # 7. Supply-chain facts: products against their passports, the trader's AEO standing.
        facts = LodgingFacts(supply_chain=supply_chain_facts(uow, decl), documentary=documentary_facts(uow, decl))

        # 8. The lane.
        proposal = choose_lane(uow, decl, facts, ctx.selectivity)
        decl.lane = proposal.lane
        decl.record(
            "lane_assigned",
            at=now,
            actor=proposal.source,
            role=Role.SYSTEM,
            reason="; ".join(proposal.reasons) or proposal.lane.value,
            data={
                "lane": proposal.lane.value,
                "reasons": list(proposal.reasons),
                "source": proposal.source,
                "scores": proposal.scores,
                "inspection_probability": proposal.inspection_probability,
            },
        )

        # 9. Control, or release when nothing blocks it.
        decision = control_or_release(uow, decl)

        # 10. Save once: header with the final state, items, the whole history; keep the message as sent.
        decl.hold_writes = False
        store.insert(uow.conn, decl, fingerprint, now, document)
        store.add_version(
            uow.conn,
            decl,
            kind="lodged",
            media_type=message.media_type if message else "application/json",
            message=message.body if message else None,
            document=document,
            payload_hash=fingerprint,
            at=now,
            actor=principal.user,
            reason=phrases.LODGED(),
            number=1,
        )
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        raced = store.find_by_lrn(uow.conn, data.declarant.id, data.lrn)
        if raced is None:
            raise
        return _replay(uow, raced, fingerprint, principal)
    except BaseException:
        savepoint.rollback()
        raise

    # 11. Tell the subscribers (queued; each handler finishes before the events it raises are handled).
    uow.publish(DeclarationAccepted.of(decl, at=now, actor=principal.user))
    uow.publish(
        LaneAssigned.of(
            decl,
            at=now,
            actor=proposal.source,
            source=proposal.source,
            reasons=proposal.reasons,
            inspection_probability=proposal.inspection_probability,
        )
    )
    if decision is not None:
        uow.publish(DeclarationDecided.of(decl, at=now, actor=SYSTEM, decision=decision.value))
    if decision is Decision.RELEASE:
        uow.publish(DeclarationReleased.of(decl, at=now, actor=SYSTEM))
    log.debug("lodged %s as %s lane=%s status=%s", data.lrn, decl.mrn, decl.lane, decl.status)
    return LodgeResult(decl, replayed=False, warnings=tuple(checked.warnings))


def authorise(uow: UnitOfWork, principal: Principal, data: DeclarationData) -> None:
    """Refuses a lodgement a trader makes in another party's name.

    A trader lodges as the declarant (or its representative), and names as importer or declarant only itself or
    a party that mandated it for the declaration's procedures (``mandates``: ``NO_MANDATE`` with a pointer).
    """
    issues = mandates_service.check_declaration_parties(uow, principal, data)
    if issues:
        raise ValidationFailed(issues)


def provisional_relief(uow: UnitOfWork, checked: validation.Checked) -> Relief | None:
    """Asks the validation reliefs (crisis protocols) whether they accept an incomplete declaration provisionally.

    Only when validation found issues; the first relief that waives every one of them is taken.
    """
    if not checked.issues or checked.draft is None:
        return None
    for relief in uow.ports.all(ValidationRelief):
        found = relief.relieve(uow, checked.draft, checked.issues)
        if found is not None and set(checked.issues) <= set(found.waived):
            return found
    return None


def supply_chain_facts(uow: UnitOfWork, decl: Declaration) -> SupplyChainFacts:
    """Asks every supply-chain check (the ledger) what it knows of the declared products and the trader."""
    facts = SupplyChainFacts()
    on = (decl.accepted_at or decl.lodged_at).date()
    for check in uow.ports.all(SupplyChainCheck):
        facts = facts.merged(check.check(uow, decl, on))
    return facts


def documentary_facts(uow: UnitOfWork, decl: Declaration) -> DocumentaryFacts:
    """Asks every documentary check (documents, classification) what differs from the declared figures."""
    facts = DocumentaryFacts()
    for check in uow.ports.all(DocumentaryCheck):
        facts = facts.merged(DocumentaryFacts(findings=tuple(check.findings(uow, decl))))
    return facts


def choose_lane(uow: UnitOfWork, decl: Declaration, facts: LodgingFacts, selectivity: Selectivity) -> LaneProposal:
    """Asks the lane providers in ascending precedence; the first final proposal wins, else the most severe.

    When no provider proposes (no criteria published, no model promoted, no protocol active), the core's random
    selectivity decides.
    """
    proposals: list[LaneProposal] = []
    for provider in sorted(uow.ports.all(LaneProvider), key=lambda p: p.precedence):
        proposal = provider.propose(uow, decl, facts)
        if proposal is None:
            continue
        if proposal.final:
            return proposal
        proposals.append(proposal)
    if not proposals:
        return selectivity.proposal(decl.mrn)
    # Most severe first; among equals, the earliest provider (stable sort).
    return max(proposals, key=lambda p: LANE_SEVERITY[p.lane])


def control_or_release(uow: UnitOfWork, decl: Declaration) -> Decision | None:
    """Notifies the control the lane calls for, or releases a green declaration that nothing blocks.

    Returns the decision taken; None for a green declaration whose release waits (duties, agencies): it is
    released later by whoever lifts the last blocker (``service.try_release``).
    """
    now = uow.clock()
    if decl.lane is Lane.RED:
        decision, reason = Decision.PHYSICAL_CHECK, phrases.RED_LANE()
    elif decl.lane is Lane.YELLOW:
        decision, reason = Decision.REQUEST_DOCUMENTS, phrases.YELLOW_LANE()
    else:
        blockers = release_blockers(uow, decl)
        if blockers:
            decl.record(
                "release_pending",
                at=now,
                actor=SYSTEM,
                role=Role.SYSTEM,
                reason=phrases.GREEN_WAITS(blockers="; ".join(blockers)),
                data={"blockers": blockers},
            )
            return None
        decision, reason = Decision.RELEASE, phrases.GREEN_LANE()
    decl.decide(decision, role=Role.SYSTEM, at=now, actor=SYSTEM, reason=reason)
    return decision


def _replay(uow: UnitOfWork, existing: tuple[str, str, str], fingerprint: str, principal: Principal) -> LodgeResult:
    mrn, _status, stored_hash = existing
    decl = store.get_by_mrn(uow.conn, mrn)
    assert decl is not None
    mine = not principal.is_trader or decl.visible_to_party(principal.party_id)
    if stored_hash != fingerprint or not mine:
        # Another party's LRN: say nothing about its declaration.
        where = f" for declaration {mrn}" if mine else ""
        raise Conflict(
            f"LRN already used{where} with different content; use a new LRN" + (f" or amend {mrn}" if mine else ""),
            code="LRN_REUSED",
        )
    return LodgeResult(decl, replayed=True, warnings=party_id_warnings(decl))
