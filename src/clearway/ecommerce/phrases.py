"""The sentences e-commerce screening writes as a parcel's reasons (joined by `` | `` in the store).

Screening builds them in Polars, column by column: ``fmt`` turns a phrase into the ``pl.format`` expression of
its template, so the stored text is always the template filled in. Brand, model and goods words quoted from the
manifest or the recall notice are kept as written.
"""

from __future__ import annotations

import re

import polars as pl

from clearway.core.phrases import Phrase, PhraseSet, collect

_FIELD = re.compile(r"\{(\w+)\}")


def fmt(phrase: Phrase, prefix: str = "", **columns: pl.Expr) -> pl.Expr:
    """Returns the Polars expression writing the phrase from the given columns (one for each placeholder)."""
    missing = set(phrase.fields) - set(columns)
    if missing:
        raise KeyError(f"phrase {phrase.code}: no column for {sorted(missing)}")
    template = prefix + _FIELD.sub("{}", phrase.template)
    return pl.format(template, *(columns[name] for name in phrase.fields))


OVER_DE_MINIMIS = Phrase(
    "ecommerce.over_de_minimis",
    "declared {value} {currency} (about {converted} {threshold_currency}) is over the de minimis threshold of "
    "{threshold} {threshold_currency2} for {country}",
    numbers=frozenset({"value", "converted", "threshold"}),
)
SPLIT = Phrase(
    "ecommerce.split",
    "split shipment: {n} parcels from seller {seller} to the same {key} ({who}) shipped {first} to {last}, each at or "
    "under {threshold} {currency}, together {total} {currency2}",
    words=frozenset({"key"}),
    free=frozenset({"who"}),
    numbers=frozenset({"threshold", "total"}),
)
UNDER_LISTING = Phrase(
    "ecommerce.under_listing",
    "undervaluation (evidence: listing price): declared {value} {currency} is {ratio}% of the listed price {price} x "
    "{quantity}",
)
UNDER_PEERS = Phrase(
    "ecommerce.under_peers",
    "undervaluation (evidence: peer prices, no listing given): unit value {unit} USD is {ratio}% of the median "
    "{median} USD of {n} parcels of HS {hs6} '{noun}', {z} robust deviations below it",
    free=frozenset({"noun"}),
)
UNDER_TITLE = Phrase(
    "ecommerce.under_title",
    "undervaluation (evidence: the same item in other parcels, no listing given): unit value {unit} USD is {ratio}% "
    "of the median {median} USD of {n} parcels with the same description",
)
RECALLED = Phrase(
    "ecommerce.recalled",
    "recalled product: matches recall {recall} ({brand} {model} {product}; hazard: {hazard}) on {words}, similarity "
    "{score}%",
    free=frozenset({"brand", "model", "product", "hazard", "words"}),
)
IP = Phrase(
    "ecommerce.ip",
    "IP: registered brand {brand} (rights holder {holder}) named as maker ({words}), sold by seller {seller} "
    "({seller_name}) at {unit} USD a unit, {ratio}% of the lowest genuine price {price} {currency}",
    free=frozenset({"words", "seller_name"}),
)
SELLER_CONFIRMED = Phrase(
    "ecommerce.seller_confirmed",
    "risky seller: officers confirmed fraud on {n} earlier parcels of HS heading {heading} from seller {seller}",
)
SELLER_FLAGGED = Phrase(
    "ecommerce.seller_flagged",
    "risky seller: {share}% of {n} earlier parcels from seller {seller} in your manifests were flagged",
)
DATA_QUALITY = Phrase("ecommerce.data_quality", "data quality: {issues}", nested=frozenset({"issues"}))
CAPACITY = Phrase(
    "ecommerce.capacity", "inspection capacity for {day} reached ({capacity} parcels); documents requested instead"
)
HS_NO_SERVICE = Phrase(
    "ecommerce.hs_no_service",
    "HS {hs6} (chapter {chapter}) is implausible for the description{lexicon} (HS suggestion service not available)",
    nested=frozenset({"lexicon"}),
)
HS_CHAPTER = Phrase(
    "ecommerce.hs_chapter",
    "HS {hs6} (chapter {chapter}) is implausible for the description: the HS suggestion service proposes "
    "{suggested} (words matched: {words}); the declared chapter scores {ratio}% of the best{lexicon}",
    free=frozenset({"suggested", "words"}),
    nested=frozenset({"lexicon"}),
)
HS_HEADING = Phrase(
    "ecommerce.hs_heading",
    "HS {hs6} (heading {heading}) is implausible for the description: the HS suggestion service is confident in "
    "{suggested} (words matched: {words}; the next heading scores {second}% of it); the declared heading scores "
    "{ratio}% of the best",
    free=frozenset({"suggested", "words"}),
)
HS_HISTORY = Phrase(
    "ecommerce.hs_history",
    "HS {hs6} is implausible for the description: of {n} past parcels whose titles share {words}, {top_share}% "
    "were declared under HS {top} and {declared_share}% under HS {declared}",
    free=frozenset({"words"}),
    numbers=frozenset({"n"}),
)
HS_HISTORY_TITLE = Phrase(
    "ecommerce.hs_history_title",
    "HS {hs6} is implausible for the description: of {n} past parcels with this very title, {top_share}% were "
    "declared under HS {top} and {declared_share}% under HS {declared}",
    numbers=frozenset({"n"}),
)
# written after "; " at the end of an HS reason
LEXICON = Phrase(
    "ecommerce.lexicon", "the title's '{noun}' is goods of chapter {chapters}", free=frozenset({"noun", "chapters"})
)
# data quality, found at intake
NO_DESCRIPTION = Phrase("ecommerce.no_description", "no description of the goods")
VAGUE = Phrase(
    "ecommerce.vague", "description '{description}' does not say what the goods are", free=frozenset({"description"})
)
VALUE_ZERO = Phrase("ecommerce.value_zero", "declared value is zero")
TOKEN = Phrase(
    "ecommerce.token", "declared value {value} {currency} is a token amount (listed price {price} x {quantity})"
)
PLACEHOLDER = Phrase("ecommerce.placeholder", "declared value {value} {currency} is a placeholder amount, not a price")
ABOVE_LISTING = Phrase(
    "ecommerce.above_listing", "declared value {value} is more than twice the listed price {price} x {quantity}"
)
NO_CONSIGNEE = Phrase("ecommerce.no_consignee", "consignee id is missing")
HS_INVALID = Phrase("ecommerce.hs_invalid", "HS code '{code}' is not 6 digits", free=frozenset({"code"}))
ORIGIN_INVALID = Phrase(
    "ecommerce.origin_invalid", "origin '{code}' is not an ISO 3166 country code", free=frozenset({"code"})
)
QUANTITY_INVALID = Phrase(
    "ecommerce.quantity_invalid", "quantity '{raw}' is not a positive number (1 assumed)", free=frozenset({"raw"})
)
MASS_INVALID = Phrase("ecommerce.mass_invalid", "gross mass '{raw}' is not a number of kg", free=frozenset({"raw"}))
PRICE_INVALID = Phrase("ecommerce.price_invalid", "listed price '{raw}' is not an amount", free=frozenset({"raw"}))
SHIPPED_INVALID = Phrase(
    "ecommerce.shipped_invalid", "shipped_at '{raw}' is not an ISO 8601 time", free=frozenset({"raw"})
)
WORDS = tuple(Phrase(f"ecommerce.word:{w}", w) for w in ("consignee", "address"))

PHRASES = PhraseSet(collect(globals()) + WORDS)
