"""E-commerce parcel screening: outcomes, flags, thresholds and the reference lists officers load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from clearway.core.codes import is_currency
from clearway.core.issues import Issue

# The columns of a manifest, CSV header or JSON keys.
MANIFEST_COLUMNS = (
    "parcel_id",
    "house_waybill",
    "master_waybill",
    "marketplace",
    "seller_id",
    "seller_name",
    "listing_url",
    "listed_price",
    "declared_value",
    "currency",
    "description",
    "hs_code",
    "quantity",
    "gross_mass_kg",
    "consignee_id",
    "consignee_name",
    "consignee_address",
    "origin_country",
    "shipped_at",
)


class Outcome(StrEnum):
    """What happens to a parcel at the border."""

    RELEASE = "release"
    HOLD_DOCUMENTS = "hold_documents"
    HOLD_INSPECTION = "hold_inspection"
    REFUSE = "refuse"


class Flag(StrEnum):
    """The fixed vocabulary of screening flags written to decisions."""

    DATA_QUALITY = "data_quality"
    SPLIT_SHIPMENT = "split_shipment"
    UNDERVALUATION = "undervaluation"
    RECALLED_PRODUCT = "recalled_product"
    IP_INFRINGEMENT = "ip_infringement"
    OVER_DE_MINIMIS = "over_de_minimis"
    RISKY_SELLER = "risky_seller"
    HS_IMPLAUSIBLE = "hs_implausible"


# How much each flag adds to a parcel's risk score (orders parcels for the inspection capacity).
FLAG_WEIGHTS: dict[Flag, int] = {
    Flag.RECALLED_PRODUCT: 100,
    Flag.IP_INFRINGEMENT: 60,
    Flag.UNDERVALUATION: 40,
    Flag.SPLIT_SHIPMENT: 30,
    Flag.RISKY_SELLER: 25,
    Flag.OVER_DE_MINIMIS: 10,
    Flag.DATA_QUALITY: 10,
    Flag.HS_IMPLAUSIBLE: 20,
}

# Words that say nothing about what is in the parcel.
VAGUE_DESCRIPTIONS = frozenset(
    {
        "gift",
        "gifts",
        "present",
        "sample",
        "samples",
        "clothes",
        "clothing",
        "parts",
        "spare parts",
        "accessories",
        "goods",
        "merchandise",
        "items",
        "item",
        "stuff",
        "product",
        "products",
        "package",
        "parcel",
        "personal items",
        "personal effects",
        "electronics",
        "toys",
        "misc",
        "miscellaneous",
        "other",
        "various",
        "general cargo",
        "daily necessities",
        "documents",
    }
)


@dataclass(frozen=True, slots=True)
class DeMinimis:
    """The value under which a country lets parcels in without duty, in a currency."""

    country: str
    threshold: Decimal
    currency: str


@dataclass(frozen=True)
class ScreeningConfig:
    """The knobs of screening; defaults are what the administration starts with."""

    country: str = "PE"
    de_minimis: DeMinimis = field(default_factory=lambda: DeMinimis("PE", Decimal("200"), "USD"))
    # Value of one unit of each currency in USD.
    usd_rates: dict[str, Decimal] = field(default_factory=dict)
    split_window_days: int = 3
    listing_ratio: float = 0.5  # declared below this share of the listed price is undervaluation
    # Peer prices, used only for parcels without a listed price: comparable parcels share HS6 and the
    # title's product noun. A unit value is low when it is under `unit_value_ratio` of the group's median
    # AND more than `peer_z` robust deviations (1.4826 MAD of log unit values, at least `peer_min_spread`)
    # below it. `peer_z` was calibrated on the calibration half of the real listings (docs/ecommerce.md).
    unit_value_ratio: float = 0.35
    unit_value_min_group: int = 30  # comparable parcels a group needs before its median counts
    peer_z: float = 13.4
    title_min_group: int = 5  # parcels with the same description before their median counts
    title_ratio: float = 0.35  # unit value below this share of the same description's median
    peer_min_spread: float = 0.25
    recall_min_score: float = 90.0
    ip_price_ratio: float = 0.5  # below this share of the minimum genuine price
    seller_min_history: int = 20
    seller_flag_share: float = 0.25
    seller_min_confirmed: int = 2  # officers' confirmed findings on one HS heading: the seller is risky there
    inspection_share: float = 0.05  # share of parcels per day and country the inspection lane can take
    # Screening compares parcels across the whole manifest in memory (about 2 KB each at peak): above this,
    # intake stops and asks for smaller manifests instead of exhausting the machine.
    max_parcels: int = 5_000_000
    # Placeholder amounts carriers type when they do not know the value; a placeholder that matches the
    # listing (an item really sold at 1.00) is not one.
    token_amounts: tuple[str, ...] = ("0.01", "0.10", "1.00")
    token_listing_ratio: float = 0.05  # declared under this share of the listed price is a token value
    # Declared HS vs title (``hs_check``): the HS-suggestion service scores the declared chapter against its
    # best chapter; flagged under `hs_lexicon_ratio` when the marketplace lexicon also names goods of another
    # section, under `hs_suggest_ratio` when the service alone speaks. Calibrated on the calibration half of
    # the real listings (``evaluation.scoring.calibrate``: at most 0.1 % and 0.01 % of ordinary parcels); the service
    # alone reads marketplace titles too poorly ("Rice Lights" → rice) to flag on its own but in extreme cases.
    hs_lexicon_ratio: float = 0.137
    hs_suggest_ratio: float = 0.001
    hs_min_best: float = 0.12  # the service's best score under this says it does not know the goods
    # Heading level (a neighbouring heading of the right chapter), only where the suggestion is confident: its
    # best score at least `hs_heading_min_best`, the runner-up heading under `hs_heading_margin` of it; flagged
    # when the declared heading scores under `hs_heading_ratio` of the best. 0 turns it off (then only the
    # lexicon's candidates are scored); calibrated on the calibration half like the ratios above.
    hs_heading_ratio: float = 0.0
    hs_heading_min_best: float = 0.5
    hs_heading_margin: float = 0.8
    # Classification history (``hs_history``), used only when one is loaded: a key of the title (the title, a
    # word, a pair of words) counts as evidence with at least `hs_history_min_parcels` past parcels (and, but for
    # the title itself, `hs_history_min_titles` distinct titles). A declared heading is implausible when the
    # most confident key's top heading has a smoothed share (n_top / (n + `hs_history_smoothing`)) of at least
    # `hs_history_confidence` and no supported key gives the declared heading more than `hs_history_ratio`;
    # the history vouches for a declared heading that some supported key carries for at least `hs_history_vouch`
    # of its parcels (the service's flag is then dropped; 0 turns that off). Calibrated on the calibration
    # half of the real listings with cross-fitting (``evaluation.scoring.calibrate_history``).
    hs_history_min_parcels: int = 20
    hs_history_min_titles: int = 3
    hs_history_smoothing: float = 5.0
    hs_history_confidence: float = 0.8
    hs_history_ratio: float = 0.02
    hs_history_vouch: float = 0.2
    hs_history_min_words: int = 2  # the most confident key is a pair of words or the title (1: a word may be)
    hs_history_level: int = 4  # judged per heading (4) or per chapter (2)
    # A heading-level history flag inside the chapter the history holds is dropped when the HS-suggestion
    # service scores the declared heading at least this share of its best (the nomenclature backs it); 0: off.
    # Set a priori, not calibrated (docs/ecommerce.md).
    hs_history_service_heading: float = 0.8


@dataclass(frozen=True, slots=True)
class Recall:
    """One product recall: the administration refuses entry to matching parcels."""

    recall_id: str
    product: str
    brand: str
    model: str
    hazard: str
    hs_code: str | None = None


@dataclass(frozen=True, slots=True)
class RegisteredBrand:
    """A brand a rights holder recorded, with the lowest price a genuine item sells for."""

    brand: str
    rights_holder: str
    min_genuine_price: Decimal
    currency: str
    hs_codes: tuple[str, ...] = ()
    models: tuple[str, ...] = ()  # product lines written with the brand ("iPhone", "iPad")


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(text: str | None) -> str:
    """Lower-cases text and keeps only letters and digits separated by single spaces."""
    return _NON_ALNUM.sub(" ", (text or "").lower()).strip()


def _text(row: dict[str, str | None], key: str, line: int, issues: list[Issue], *, required: bool) -> str:
    value = (row.get(key) or "").strip()
    if required and not value:
        issues.append(Issue("REQUIRED", f"line {line}: '{key}' is required", f"/{line}/{key}"))
    return value


def _hs(value: str, line: int, key: str, issues: list[Issue], *, shortest: int = 4) -> str | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{%d}(\d{2}){0,%d}" % (shortest, (10 - shortest) // 2), value):  # noqa: UP031
        issues.append(
            Issue("HS_INVALID", f"line {line}: '{value}' is not a {shortest}-10 digit HS code", f"/{line}/{key}")
        )
        return None
    return value


def recall_from_row(row: dict[str, str | None], line: int) -> tuple[Recall | None, list[Issue]]:
    """Reads one recall-list row, or says what is wrong with it."""
    issues: list[Issue] = []
    recall_id = _text(row, "recall_id", line, issues, required=True)
    product = _text(row, "product", line, issues, required=True)
    brand = _text(row, "brand", line, issues, required=True)
    model = _text(row, "model", line, issues, required=False)
    hazard = _text(row, "hazard", line, issues, required=True)
    hs_code = _hs(_text(row, "hs_code", line, issues, required=False), line, "hs_code", issues)
    if brand and not normalise(brand):
        issues.append(Issue("BRAND_INVALID", f"line {line}: the brand has no letters or digits", f"/{line}/brand"))
    if issues:
        return None, issues
    return Recall(recall_id[:64], product[:200], brand[:100], model[:100], hazard[:200], hs_code), []


def brand_from_row(row: dict[str, str | None], line: int) -> tuple[RegisteredBrand | None, list[Issue]]:
    """Reads one brand-register row, or says what is wrong with it."""
    issues: list[Issue] = []
    brand = _text(row, "brand", line, issues, required=True)
    holder = _text(row, "rights_holder", line, issues, required=True)
    price_text = _text(row, "min_genuine_price", line, issues, required=True)
    currency = _text(row, "currency", line, issues, required=True).upper()
    price = Decimal(0)
    if price_text:
        try:
            price = Decimal(price_text)
            if not price.is_finite() or price <= 0:
                raise InvalidOperation
        except InvalidOperation:
            issues.append(
                Issue("PRICE_INVALID", f"line {line}: '{price_text}' is not a positive amount", f"/{line}/price")
            )
    if currency and not is_currency(currency):
        issues.append(Issue("CURRENCY_INVALID", f"line {line}: '{currency}' is not ISO 4217", f"/{line}/currency"))
    codes: list[str] = []
    for code in re.split(r"[;,\s]+", (row.get("hs_codes") or "").strip()):
        if code and _hs(code, line, "hs_codes", issues, shortest=2):  # a chapter, heading or subheading
            codes.append(code)
    models = tuple(m.strip()[:60] for m in (row.get("models") or "").split(";") if normalise(m))[:50]
    if brand and not normalise(brand):
        issues.append(Issue("BRAND_INVALID", f"line {line}: the brand has no letters or digits", f"/{line}/brand"))
    if issues:
        return None, issues
    price = price.quantize(Decimal("0.01"))
    return RegisteredBrand(brand[:100], holder[:200], price, currency, tuple(codes), models), []


def decide(flags: set[Flag]) -> Outcome:
    """Returns the outcome a parcel's flags call for, before the inspection capacity is applied."""
    if Flag.RECALLED_PRODUCT in flags:
        return Outcome.REFUSE
    if needs_inspection(flags):
        return Outcome.HOLD_INSPECTION
    if flags:
        return Outcome.HOLD_DOCUMENTS
    return Outcome.RELEASE


def needs_inspection(flags: set[Flag]) -> bool:
    """Tells whether the flags call for a physical check (counterfeit, undervalued, risky seller with more)."""
    if Flag.IP_INFRINGEMENT in flags or Flag.UNDERVALUATION in flags:
        return True
    return Flag.RISKY_SELLER in flags and len(flags) > 1


def risk_score(flags: set[Flag]) -> int:
    """Sums the weights of a parcel's flags."""
    return sum(FLAG_WEIGHTS[f] for f in flags)
