"""Tariff use cases: load the schedule and rates, assess declarations, read assessments. Never commits."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations import service as declarations_service
from clearway.declarations.model import Declaration, Role
from clearway.platform.db import UnitOfWork
from clearway.tariff import accounts, codec, payments, phrases, schedule_io, store
from clearway.tariff.model import ZERO, Assessment, ExchangeRate, Schedule, rate_in_force
from clearway.tariff.valuation import acceptance_date, assess

log = logging.getLogger(__name__)
ACTOR = "tariff"
_SCHEDULES: dict[str, LoadedSchedule] = {}
_warned_no_schedule: list[bool] = []


@dataclass(frozen=True)
class LoadedSchedule:
    """A schedule in force: its key, when and by whom it was loaded, and its content."""

    key: str
    schedule: Schedule
    loaded_by: str
    loaded_at: datetime


def assessment_as_dict(assessment: Assessment) -> dict[str, Any]:
    """Returns an assessment as a JSON-able dict (Decimal amounts as strings)."""
    return codec.assessment_as_dict(assessment)


def get_assessment(uow: UnitOfWork, mrn: str) -> Assessment | None:
    """Returns the stored assessment of a declaration by MRN, or None when it was not assessed."""
    row = store.assessment_row(uow.conn, mrn=mrn.upper())
    return None if row is None else codec.assessment_from_dict(row.document)


def load_schedule(uow: UnitOfWork, schedule: Schedule, *, national_currency: str, by: str) -> str:
    """Puts a validated schedule in force for declarations accepted from now on; returns its key."""
    if schedule.currency != national_currency:
        raise ValidationFailed(
            [
                Issue(
                    "TARIFF_CURRENCY",
                    f"the schedule is in {schedule.currency} but the national currency is {national_currency}",
                    "/currency",
                )
            ]
        )
    key = str(uuid.uuid4())
    store.insert_schedule(
        uow.conn,
        key=key,
        name=schedule.name,
        currency=schedule.currency,
        line_count=len(schedule.duties),
        document=schedule_io.schedule_as_dict(schedule),
        by=by,
        at=uow.clock(),
    )
    log.info("tariff schedule %r in force: %d duty lines", schedule.name, len(schedule.duties))
    return key


def load_schedule_file(uow: UnitOfWork, path: Path, *, national_currency: str, by: str) -> LoadedSchedule:
    """Loads a schedule file: YAML (the whole schedule) or CSV (duty lines replacing those in force)."""
    return load_schedule_text(
        uow,
        path.read_text(encoding="utf-8-sig"),
        csv=path.suffix.lower() == ".csv",
        national_currency=national_currency,
        by=by,
    )


def load_schedule_text(uow: UnitOfWork, text: str, *, csv: bool, national_currency: str, by: str) -> LoadedSchedule:
    """Loads a schedule's text: YAML (the whole schedule) or CSV (duty lines replacing those in force)."""
    if csv:
        current = current_schedule(uow)
        if current is None:
            raise ValidationFailed(
                [
                    Issue(
                        "TARIFF_NO_BASE",
                        "a CSV file carries duty lines only; load a YAML schedule first (agreements, taxes, fees)",
                        "",
                    )
                ]
            )
        schedule = schedule_io.parse_duties_csv(text, current.schedule)
    else:
        schedule = schedule_io.parse_schedule_yaml(text)
    key = load_schedule(uow, schedule, national_currency=national_currency, by=by)
    return LoadedSchedule(key, schedule, by, uow.clock())


def current_schedule(uow: UnitOfWork) -> LoadedSchedule | None:
    """Returns the schedule in force, or None when the administration has loaded none."""
    key = store.current_schedule_key(uow.conn)
    return None if key is None else _schedule(uow, key)


def _schedule(uow: UnitOfWork, key: str) -> LoadedSchedule:
    loaded = _SCHEDULES.get(key)
    if loaded is None:
        row = store.schedule_row(uow.conn, key)
        loaded = LoadedSchedule(key, schedule_io.schedule_from_dict(row.document), row.loaded_by, row.loaded_at)
        _SCHEDULES[key] = loaded
    return loaded


def load_rates(uow: UnitOfWork, rates: list[ExchangeRate]) -> int:
    """Publishes exchange rates (national currency per unit); returns how many."""
    store.upsert_rates(uow.conn, rates, uow.clock())
    return len(rates)


def load_rates_file(uow: UnitOfWork, path: Path, *, national_currency: str) -> int:
    """Loads exchange rates from a CSV file (currency,valid_from,rate)."""
    return load_rates_text(uow, path.read_text(encoding="utf-8-sig"), national_currency=national_currency)


def load_rates_text(uow: UnitOfWork, text: str, *, national_currency: str) -> int:
    """Loads exchange rates from CSV text (currency,valid_from,rate); raises with every bad row."""
    return load_rates(uow, schedule_io.parse_rates(text, national_currency))


def rate_on(uow: UnitOfWork, currency: str, on: date) -> ExchangeRate | None:
    """Returns the exchange rate of a currency in force on a day."""
    latest = store.latest_rate(uow.conn, currency, on)
    return None if latest is None else rate_in_force([latest], currency, on)


def rates_between(uow: UnitOfWork, start: date, end: date) -> list[ExchangeRate]:
    """Returns the rates published between two days."""
    return store.rates_between(uow.conn, start, end)


def assess_declaration(uow: UnitOfWork, decl: Declaration) -> Assessment | None:
    """Assesses an accepted import declaration under the schedule in force, stores it and notes it.

    An amendment is re-assessed under the schedule of its first assessment (the tariff of the acceptance
    date, as for the exchange rate). Returns None (and assesses nothing) for non-import declarations and
    when no schedule is loaded.
    """
    if decl.data.type != "IM":
        return None
    current = current_schedule(uow)
    if current is None:
        if not _warned_no_schedule:
            _warned_no_schedule.append(True)
            log.warning("no tariff schedule loaded: declarations are accepted without an assessment")
        return None
    previous = store.assessment_head(uow.conn, decl.id, lock=True)
    if previous is not None:  # an amendment is assessed under the tariff of the acceptance, like its rate
        current = _schedule(uow, str(previous.schedule_key))
    day = acceptance_date(decl)
    assessment = assess(
        decl,
        current.schedule,
        schedule_id=current.key,
        rates=lambda currency: rate_on(uow, currency, day),
        assessed_at=uow.clock(),
    )
    document = codec.assessment_as_dict(assessment)
    store.save_assessment(
        uow.conn,
        declaration_id=decl.id,
        mrn=decl.mrn,
        version=decl.version,
        schedule_key=current.key,
        currency=assessment.currency,
        total=assessment.total,
        document=document,
        at=assessment.assessed_at,
        replace=previous is not None,
    )
    kind = "assessed" if previous is None else "reassessed"
    declarations_service.record_event(
        uow,
        decl,
        kind,
        actor=ACTOR,
        role=Role.SYSTEM,
        reason=phrases.ASSESSED(total=assessment.total, currency=assessment.currency)
        if previous is None
        else phrases.REASSESSED(
            total=assessment.total,
            currency=assessment.currency,
            previous=Decimal(previous.total),
            currency2=assessment.currency,
        ),
        data={
            "currency": assessment.currency,
            "customs_value": document["customs_value"],
            "totals": document["totals"],
            "total": document["total"],
        },
    )
    if previous is None:  # nothing paid yet: only an account can cover it
        accounts.secure_on_account(uow, decl, assessment.total, assessment.currency, count=0)
    else:
        accounts.settle_after_assessment(uow, decl, assessment.total, assessment.currency)
    return assessment


def cancel_assessment(uow: UnitOfWork, decl: Declaration) -> None:
    """Settles an invalidated declaration to zero: guarantees drawn go back, money received becomes a refund due;
    bank orders still waiting are cancelled (nothing was received on them, so nothing is refunded)."""
    row = store.assessment_head(uow.conn, decl.id, lock=True)
    if row is None:
        return
    store.set_total(uow.conn, decl.id, ZERO)
    payments.cancel_pending_orders(uow, decl)  # money never received is never refunded
    accounts.settle_after_assessment(uow, decl, ZERO, str(row.currency))


def due_on(uow: UnitOfWork, declaration_id: str) -> tuple[Decimal, Decimal, str] | None:
    """Returns (assessed total, paid or guaranteed, currency) of a declaration, or None if not assessed."""
    row = store.amounts_due(uow.conn, declaration_id)
    if row is None:
        return None
    return Decimal(row.total), Decimal(row.paid), str(row.currency)


def release_blocker(uow: UnitOfWork, decl: Declaration) -> str | None:
    """Returns why unpaid duties block release, or None when nothing is due."""
    due = due_on(uow, decl.id)
    return None if due is None else _unpaid(*due)


def release_blockers_many(uow: UnitOfWork, decls: list[Declaration]) -> dict[str, str | None]:
    """Says for several declarations at once (one query for all) why unpaid duties block release: MRN -> why."""
    amounts = store.amounts_due_many(uow.conn, [d.id for d in decls]) if decls else {}
    out: dict[str, str | None] = {}
    for decl in decls:
        found = amounts.get(decl.id)
        out[decl.mrn] = None if found is None else _unpaid(Decimal(found[0]), Decimal(found[1]), found[2])
    return out


def _unpaid(total: Decimal, paid: Decimal, currency: str) -> str | None:
    if total - paid > ZERO:
        return phrases.UNPAID(amount=total - paid, currency=currency)
    return None
