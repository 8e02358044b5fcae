"""The tariff as data: duty lines, trade agreements, taxes and fees, exchange rates, and the assessment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

ROUNDING_MODES: dict[str, str] = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
    "floor": ROUND_FLOOR,
    "ceiling": ROUND_CEILING,
}

# Incoterms 2020 grouped by what the invoice price already covers up to the border of import.
ADD_FREIGHT_AND_INSURANCE = frozenset({"EXW", "FCA", "FAS", "FOB"})
ADD_INSURANCE = frozenset({"CFR", "CPT"})
AS_INVOICED = frozenset({"CIF", "CIP"})
DELIVERED = frozenset({"DAP", "DPU", "DDP"})

# A published exchange rate stays in force until the next one, for at most this long (weekends, holidays).
RATE_VALID_DAYS = 7

TAX_BASES = ("customs_value", "customs_value+duty", "customs_value+duty+excise")
TAX_KINDS = ("excise", "vat", "fee")


@dataclass(frozen=True, slots=True)
class Rounding:
    """How one duty or tax is rounded: to a quantum (0.01, 1…) with a rounding mode."""

    quantum: Decimal = CENT
    mode: str = "half_up"

    def apply(self, amount: Decimal) -> Decimal:
        """Rounds an amount by this rule."""
        return amount.quantize(self.quantum, rounding=ROUNDING_MODES[self.mode])


@dataclass(frozen=True, slots=True)
class DutyLine:
    """The duty on a commodity code prefix (4 to 10 digits): MFN, or preferential under an agreement.

    Ad valorem is a percentage of the customs value; specific is an amount in national currency per
    unit (KGM: per kg net mass; any other unit: per declared quantity in that unit). Both together
    make a compound duty. Minimum and maximum bound the duty amount, in national currency.
    """

    code: str
    agreement: str | None = None
    ad_valorem: Decimal | None = None
    specific: Decimal | None = None
    unit: str | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    description: str = ""

    def text(self, currency: str) -> str:
        """Describes the rate as a tariff book prints it, e.g. '6% + 1.50 PEN/LTR (min 10.00)'."""
        parts = []
        if self.ad_valorem is not None:
            parts.append(f"{_plain(self.ad_valorem)}%")
        if self.specific is not None:
            parts.append(f"{self.specific} {currency}/{self.unit}")
        out = " + ".join(parts) or "free"
        bounds = []
        if self.minimum is not None:
            bounds.append(f"min {self.minimum}")
        if self.maximum is not None:
            bounds.append(f"max {self.maximum}")
        return out + (f" ({', '.join(bounds)})" if bounds else "")


@dataclass(frozen=True, slots=True)
class Agreement:
    """A trade agreement: its preference code, the origins that qualify, and the accepted proofs of origin."""

    code: str
    name: str
    origins: frozenset[str]
    proof_documents: frozenset[str]


@dataclass(frozen=True, slots=True)
class TaxRule:
    """A tax or fee on top of the duty: excise on listed codes, VAT-style tax, or a fixed fee."""

    code: str
    name: str
    kind: str  # excise | vat | fee
    rate: Decimal | None = None  # percent of the base (excise, vat)
    amount: Decimal | None = None  # fixed amount in national currency (fee)
    base: str = "customs_value"
    applies_to: tuple[str, ...] = ()  # commodity code prefixes; empty = every item
    per: str = "item"  # fees: "item" or "declaration"
    rounding: Rounding = field(default_factory=Rounding)

    def applies(self, commodity_code: str) -> bool:
        """Tells whether the tax applies to goods of this code."""
        return not self.applies_to or any(commodity_code.startswith(p) for p in self.applies_to)


@dataclass(frozen=True)
class Schedule:
    """A loaded tariff: duty lines by code and agreement, agreements, taxes and fees, duty rounding."""

    name: str
    currency: str
    duties: Mapping[tuple[str, str | None], DutyLine]
    agreements: Mapping[str, Agreement]
    taxes: tuple[TaxRule, ...]
    duty_rounding: Rounding = field(default_factory=Rounding)
    # Requested procedures (first two digits of the procedure code) under which duties and taxes are
    # suspended, e.g. 71 customs warehousing, 53 temporary admission, 51 inward processing.
    relief_procedures: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        *,
        name: str,
        currency: str,
        duties: Iterable[DutyLine],
        agreements: Iterable[Agreement] = (),
        taxes: Iterable[TaxRule] = (),
        duty_rounding: Rounding | None = None,
        relief_procedures: Mapping[str, str] | None = None,
    ) -> Schedule:
        """Builds a schedule from its parts."""
        return cls(
            name=name,
            currency=currency,
            duties={(d.code, d.agreement): d for d in duties},
            agreements={a.code: a for a in agreements},
            taxes=tuple(taxes),
            duty_rounding=duty_rounding or Rounding(),
            relief_procedures=dict(relief_procedures or {}),
        )

    def duty_line(self, commodity_code: str, agreement: str | None = None) -> DutyLine | None:
        """Returns the most specific line for a code (10, 8, 6, then 4 digits) under an agreement or MFN."""
        for length in (10, 8, 6, 4):
            if len(commodity_code) >= length:
                line = self.duties.get((commodity_code[:length], agreement))
                if line is not None:
                    return line
        return None


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    """The official rate of a currency in national currency, published for a day."""

    currency: str
    valid_from: date
    rate: Decimal


def rate_in_force(rates: Iterable[ExchangeRate], currency: str, on: date) -> ExchangeRate | None:
    """Returns the rate of a currency in force on a day: the latest published on or before it, if recent."""
    best: ExchangeRate | None = None
    for r in rates:
        if r.currency == currency and r.valid_from <= on and (best is None or r.valid_from > best.valid_from):
            best = r
    if best is None or on - best.valid_from > timedelta(days=RATE_VALID_DAYS):
        return None
    return best


@dataclass(frozen=True, slots=True)
class Levy:
    """One duty, tax or fee on an item (or the declaration): its base, rate and amount."""

    code: str
    kind: str  # duty | excise | vat | fee
    name: str
    base: Decimal
    amount: Decimal
    rate_text: str
    rate: Decimal | None = None  # percent
    specific_rate: Decimal | None = None
    quantity: Decimal | None = None
    quantity_unit: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ItemAssessment:
    """The customs value and levies of one goods item."""

    sequence: int
    commodity_code: str
    tariff_line: str
    origin_country: str
    preference_claimed: str | None
    preference_applied: str | None
    invoice_amount: Decimal
    invoice_currency: str
    exchange_rate: Decimal
    price: Decimal  # invoice amount in national currency
    freight: Decimal
    insurance: Decimal
    customs_value: Decimal
    levies: tuple[Levy, ...]
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        """Returns the sum of the item's levies."""
        return sum((lv.amount for lv in self.levies), ZERO)


@dataclass(frozen=True, slots=True)
class RateUsed:
    """An exchange rate the assessment used."""

    currency: str
    rate: Decimal
    valid_from: date


@dataclass(frozen=True)
class Assessment:
    """What a declaration owes: per item customs value and levies, declaration fees, totals."""

    mrn: str
    declaration_id: str
    declaration_version: int
    currency: str
    incoterm: str
    valuation_note: str
    acceptance_date: date
    assessed_at: datetime
    schedule_id: str
    schedule_name: str
    exchange_rates: tuple[RateUsed, ...]
    items: tuple[ItemAssessment, ...]
    declaration_levies: tuple[Levy, ...] = ()

    @property
    def customs_value(self) -> Decimal:
        """Returns the total customs value in national currency."""
        return sum((i.customs_value for i in self.items), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        """Returns the amount per levy code (DUTY, IGV, …), items and declaration fees together."""
        out: dict[str, Decimal] = {}
        for levy in [lv for i in self.items for lv in i.levies] + list(self.declaration_levies):
            out[levy.code] = out.get(levy.code, ZERO) + levy.amount
        return out

    @property
    def total(self) -> Decimal:
        """Returns everything owed, in national currency."""
        return sum(self.totals.values(), ZERO)


def apportion(total: Decimal, weights: list[Decimal], quantum: Decimal = CENT) -> list[Decimal]:
    """Splits an amount in proportion to weights, to the quantum, so that the shares add up exactly."""
    if not weights:
        return []
    whole = sum(weights, ZERO)
    if whole <= 0:
        shares = [ZERO] * len(weights)
        shares[0] = total
        return shares
    raw = [total * w / whole for w in weights]
    shares = [r.quantize(quantum, rounding=ROUND_DOWN) for r in raw]
    left = int(((total - sum(shares, ZERO)) / quantum).to_integral_value())
    # Largest remainders first; ties go to the earlier item, so the split is reproducible.
    order = sorted(range(len(raw)), key=lambda k: (-(raw[k] - shares[k]), k))
    for k in order[:left]:
        shares[k] += quantum
    return shares


def _plain(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text
