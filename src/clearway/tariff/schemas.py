"""API input and output of the tariff: payments, assessments, accounts, rates. Inputs are strict."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Amount = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class PaymentIn(_In):
    """A payment order (bank transfer, card: counts once the bank confirms it) or an account drawdown."""

    amount: Annotated[Amount, Field(description="Amount paid, in national currency; partial payments allowed")]
    currency: Annotated[str, Field(min_length=3, max_length=3, description="ISO 4217; the national currency")]
    method: Literal["bank_transfer", "card", "cash", "guarantee", "deferment"]
    reference: Annotated[
        str,
        Field(
            min_length=3,
            max_length=70,
            pattern=r"^[A-Za-z0-9\-_/.]+$",
            description="Your own reference; sending it again returns the first order (other parties' "
            "references are theirs and never clash with yours)",
        ),
    ]
    account: Annotated[
        str | None, Field(min_length=1, max_length=20, description="Account to draw on (guarantee, deferment)")
    ] = None
    provider: Annotated[
        str | None, Field(min_length=2, max_length=40, description="Bank that will confirm it (default: the first)")
    ] = None


class CashReceiptIn(_In):
    """Cash received at a customs cashier, recorded by an officer."""

    amount: Amount
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    receipt: Annotated[str, Field(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9\-_/.]+$")]
    reason: Annotated[str, Field(min_length=3, max_length=500)]


class NotificationIn(BaseModel):
    """A payment provider's settlement notification (its signature over the exact body comes in a header)."""

    model_config = ConfigDict(strict=False, extra="forbid")

    provider: Annotated[str, Field(min_length=2, max_length=40)]
    notification_id: Annotated[str, Field(min_length=4, max_length=80)]
    order_id: Annotated[str, Field(min_length=4, max_length=24)]
    status: Literal["settled", "failed"]
    amount: Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    bank_reference: Annotated[str, Field(min_length=1, max_length=70)]
    settled_at: AwareDatetime
    sent_at: AwareDatetime


class ProviderIn(_In):
    """A payment provider an administrator registers by its Ed25519 public key."""

    name: Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9\-]+$")]
    public_key: Annotated[str, Field(min_length=40, max_length=64, description="base64 of the 32-byte key")]
    reason: Annotated[str, Field(min_length=3, max_length=500)]


class ProviderOut(BaseModel):
    """A registered payment provider."""

    name: str
    public_key: str
    active: bool
    registered_by: str
    registered_at: datetime
    reason: str


class PaymentOrderOut(BaseModel):
    """A payment order: pending until its provider confirms it, then settled (or failed, cancelled)."""

    id: str
    mrn: str
    reference: str
    method: str
    amount: Decimal
    currency: str
    account: str | None
    provider: str | None
    status: str
    created_by: str
    created_at: datetime
    settled_at: datetime | None


class SettlementOut(BaseModel):
    """The answer to a provider's notification."""

    order: PaymentOrderOut
    outcome: str
    replayed: bool
    released: bool


class AccountIn(_In):
    """A guarantee or deferment account an administrator opens for a trader."""

    id: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9\-_]+$")]
    party_id: Annotated[str, Field(min_length=2, max_length=40, description="The trader that holds it")]
    kind: Literal["guarantee", "deferment"]
    limit: Amount


class AccountOut(BaseModel):
    """A guarantee or deferment account and what is left on it."""

    id: str
    party_id: str
    kind: str
    currency: str
    limit: Decimal
    balance: Decimal


class PaymentOut(BaseModel):
    """A recorded payment, guarantee drawdown or guarantee release (negative)."""

    reference: str
    method: str
    amount: Decimal
    currency: str
    account: str | None
    paid_by: str
    paid_at: datetime


class PaymentResultOut(BaseModel):
    """The answer to a payment: the order, the money received if any (none while the bank has not confirmed),
    and what remains due."""

    mrn: str
    order: PaymentOrderOut | None
    payment: PaymentOut | None
    total: Decimal
    paid: Decimal
    balance: Decimal
    currency: str
    released: bool
    replayed: bool
    status: str


class LevyOut(BaseModel):
    """A duty, tax or fee: its base, rate and amount."""

    code: str
    kind: str
    name: str
    base: Decimal
    rate: Decimal | None
    specific_rate: Decimal | None
    quantity: Decimal | None
    quantity_unit: str | None
    rate_text: str
    amount: Decimal
    note: str | None


class ItemAssessmentOut(BaseModel):
    """A goods item's customs value and levies."""

    sequence: int
    commodity_code: str
    tariff_line: str
    origin_country: str
    preference_claimed: str | None
    preference_applied: str | None
    invoice_amount: Decimal
    invoice_currency: str
    exchange_rate: Decimal
    price: Decimal
    freight: Decimal
    insurance: Decimal
    customs_value: Decimal
    levies: list[LevyOut]
    total: Decimal
    notes: list[str]


class RateUsedOut(BaseModel):
    """An exchange rate the assessment used."""

    currency: str
    rate: Decimal
    valid_from: date


class AssessmentOut(BaseModel):
    """A declaration's tax calculation, with what has been paid and what is still due."""

    mrn: str
    declaration_version: int
    currency: str
    incoterm: str
    valuation_note: str
    acceptance_date: date
    assessed_at: datetime
    schedule: dict[str, str]
    exchange_rates: list[RateUsedOut]
    items: list[ItemAssessmentOut]
    declaration_levies: list[LevyOut]
    customs_value: Decimal
    totals: dict[str, Decimal]
    total: Decimal
    paid: Decimal
    balance: Decimal
    payments: list[PaymentOut]
    orders: list[PaymentOrderOut] = []


class RateOut(BaseModel):
    """A published exchange rate, in national currency per unit."""

    currency: str
    valid_from: date
    rate: Decimal


class ScheduleOut(BaseModel):
    """The tariff schedule in force."""

    key: str
    name: str
    currency: str
    duty_lines: int
    agreements: list[str]
    taxes: list[str]
    loaded_by: str
    loaded_at: datetime
