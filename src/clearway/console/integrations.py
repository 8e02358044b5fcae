"""Capabilities the console shows when they are installed: tariff assessment and payment, the single window.

Each is imported lazily through its service modules; when it is absent the console says so plainly.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from clearway.core.issues import NotFound, ValidationFailed
from clearway.declarations.model import Declaration
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
ZERO = Decimal(0)


def optional_module(name: str) -> ModuleType | None:
    """Returns ``clearway.<name>`` when that capability is installed, else None."""
    try:
        return importlib.import_module(f"clearway.{name}")
    except ImportError:
        return None


@dataclass(frozen=True)
class AssessmentView:
    """What a declaration owes, as the console shows it: value, levies, total, paid and still due."""

    currency: str
    customs_value: Decimal
    levies: list[tuple[str, Decimal]]
    total: Decimal
    paid: Decimal
    schedule: str
    valuation_note: str
    payments: list[dict[str, Any]] = field(default_factory=list)
    methods: tuple[str, ...] = ()

    @property
    def due(self) -> Decimal:
        """Returns what is still to pay."""
        return max(self.total - self.paid, ZERO)


def assessment(runtime: Runtime, decl: Declaration) -> AssessmentView | None:
    """Returns the tariff assessment of a declaration when the tariff capability is installed and assessed it."""
    tariff = optional_module("tariff.service")
    payments = optional_module("tariff.payments")
    if tariff is None or not hasattr(tariff, "get_assessment"):
        return None
    try:
        with runtime.uow(readonly=True) as uow:
            found = tariff.get_assessment(uow, decl.mrn)
            if found is None:
                return None
            due = tariff.due_on(uow, decl.id)
            paid_list = payments.payments_of(uow, decl.id) if payments else []
    except SQLAlchemyError as exc:  # installed but not migrated: show the declaration anyway
        log.warning("tariff assessment unavailable for %s: %s", decl.mrn, exc)
        return None
    total, paid, _currency = due if due else (sum(found.totals.values(), ZERO), ZERO, found.currency)
    return AssessmentView(
        currency=found.currency,
        customs_value=found.customs_value,
        levies=sorted(found.totals.items()),
        total=total,
        paid=paid,
        schedule=found.schedule_name,
        valuation_note=found.valuation_note,
        payments=paid_list,
        methods=tuple(getattr(payments, "METHODS", ())),
    )


def pay(
    runtime: Runtime,
    mrn: str,
    principal: Principal,
    *,
    amount: Decimal,
    currency: str,
    method: str,
    reference: str,
    account_id: str | None,
) -> Any:
    """Records a trader's payment through the tariff capability; raises its domain errors."""
    payments = optional_module("tariff.payments")
    if payments is None:
        raise LookupError("the tariff capability is not installed")
    with runtime.uow() as uow:
        result = payments.pay(
            uow,
            mrn,
            principal=principal,
            amount=amount,
            currency=currency,
            method=method,
            reference=reference,
            account_id=account_id,
        )
        uow.commit()
    return result


def single_window() -> ModuleType | None:
    """Returns the single window's service module when that capability is installed."""
    sw = optional_module("single_window.service")
    return sw if sw is not None and hasattr(sw, "list_visible") and hasattr(sw, "decide") else None


def agency_queue(runtime: Runtime, principal: Principal, status: str | None) -> tuple[list[dict[str, Any]], int] | None:
    """Returns the applications the caller may see (an agency: its own queue), or None when not installed."""
    sw = single_window()
    if sw is None:
        return None
    with runtime.uow(readonly=True) as uow:
        rows, total = sw.list_visible(uow, principal, status=status, agency=None, limit=100, offset=0)
    return list(rows), int(total)


def application(runtime: Runtime, app_id: str, principal: Principal) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Returns an application the caller may see and its history (404 for others)."""
    sw = single_window()
    if sw is None:
        raise LookupError("the single window is not installed")
    with runtime.uow(readonly=True) as uow:
        app = sw.get_visible(uow, app_id, principal)
        return dict(app), list(sw.history(uow, app_id))


def agency_decide(runtime: Runtime, app_id: str, principal: Principal, body: bytes) -> None:
    """Records an agency's decision on an application through the single window."""
    sw = single_window()
    schemas = optional_module("single_window.schemas")
    if sw is None or schemas is None:
        raise LookupError("the single window is not installed")
    from clearway.platform.deps import parse_json

    data = parse_json(schemas.DecisionIn, body)
    with runtime.uow() as uow:
        sw.decide(uow, runtime.caches, app_id, principal, data)
        uow.commit()


def document_panels(runtime: Runtime, decl: Declaration, principal: Principal) -> list[Any]:
    """The documents attached to the declaration, each with the fields read from it and the differences found, for
    whoever may see them (the declaration's parties and customs staff); [] for anyone else, or without the
    documents capability."""
    documents = optional_module("documents.service")
    if documents is None or not hasattr(documents, "panels"):
        return []
    try:
        with runtime.uow(readonly=True) as uow:
            return list(documents.panels(uow, decl.mrn, principal))
    except (NotFound, ValidationFailed):  # a role that may not see the documents
        return []
    except SQLAlchemyError as exc:  # the documents table missing: the page still shows
        log.warning("documents unavailable for %s: %s", decl.mrn, type(exc).__name__)
        return []


def document_file(runtime: Runtime, mrn: str, document_id: str, principal: Principal) -> tuple[Any, bytes]:
    """A document's record and bytes as uploaded, for whoever may see it (``NotFound`` otherwise)."""
    documents = optional_module("documents.service")
    if documents is None:
        raise NotFound(f"no document {document_id}")
    with runtime.uow(readonly=True) as uow:
        doc, body = documents.content(uow, mrn, document_id, principal)
    return doc, bytes(body)


def field_hints(runtime: Runtime, decl: Declaration, principal: Principal, *, customs: bool) -> dict[str, list[str]]:
    """What the documents (and, for customs, the HS suggestions) say against each declared field, by pointer.

    Read live, so a document attached after lodging shows at once next to the field it contradicts; empty when
    the documents or classification capabilities are not installed.
    """
    hints: dict[str, list[str]] = {}
    documents = optional_module("documents.service")
    classification = optional_module("classification.service")
    try:
        with runtime.uow(readonly=True) as uow:
            if documents is not None and hasattr(documents, "visible_discrepancies"):
                for d in documents.visible_discrepancies(uow, decl.mrn, principal):
                    hints.setdefault(d.pointer, []).append(d.message)
            if customs and classification is not None and hasattr(classification, "declaration_findings"):
                for f in classification.declaration_findings(uow, runtime.caches, decl):
                    hints.setdefault(f.pointer, []).append(f.message)
    except (SQLAlchemyError, LookupError) as exc:  # a missing table or nomenclature: no hints, the page still shows
        log.warning("field hints unavailable for %s: %s", decl.mrn, type(exc).__name__)
    except (NotFound, ValidationFailed):  # a role that may not see the documents; no nomenclature loaded
        return {}
    return hints
