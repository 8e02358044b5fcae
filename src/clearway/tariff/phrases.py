"""The sentences the tariff writes into a declaration's history (assessment, payments) and its release blocker."""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect

_AMOUNT = frozenset({"amount"})
ASSESSED = Phrase("tariff.assessed", "duties and taxes assessed: {total} {currency}", numbers=frozenset({"total"}))
REASSESSED = Phrase(
    "tariff.reassessed",
    "duties and taxes assessed: {total} {currency} (was {previous} {currency2})",
    numbers=frozenset({"total", "previous"}),
)
UNPAID = Phrase("tariff.unpaid", "duties and taxes of {amount} {currency} not paid or guaranteed", numbers=_AMOUNT)
GUARANTEED = Phrase(
    "tariff.guaranteed",
    "{amount} {currency} secured on {kind} account {account}: release without prior payment",
    numbers=_AMOUNT,
    words=frozenset({"kind"}),
)
REFUND_DUE = Phrase(
    "tariff.refund_due", "{amount} {currency} received in excess of what is now due: a refund is due", numbers=_AMOUNT
)
NOT_PAID = Phrase(
    "tariff.not_paid", "{provider} did not pay order {order} (ref {reference}): {status}", words=frozenset({"status"})
)
CONFIRMED = Phrase(
    "tariff.confirmed",
    "{amount} {currency} received: {provider} confirmed payment order {order} (ref {reference}, bank ref "
    "{bank_reference}); {due} {currency2} due",
    numbers=frozenset({"amount", "due"}),
)
CASH = Phrase(
    "tariff.cash",
    "{amount} {currency} received in cash at the customs cashier (receipt {receipt}): {note}; {due} {currency2} "
    "still due",
    numbers=frozenset({"amount", "due"}),
    free=frozenset({"note"}),
)
ORDERED = Phrase(
    "tariff.ordered",
    "payment order {order} of {amount} {currency} by {method} (ref {reference}): counts once {provider} confirms it",
    numbers=_AMOUNT,
    words=frozenset({"method"}),
)
DRAWN = Phrase(
    "tariff.drawn",
    "{amount} {currency} drawn on {method} account {account} (ref {reference}); {due} {currency2} still due",
    numbers=frozenset({"amount", "due"}),
    words=frozenset({"method"}),
)
SETTLED_CLEARED = Phrase("tariff.settled_cleared", "duties and taxes settled; the control found no discrepancy")
SETTLED = Phrase("tariff.settled", "duties and taxes settled: released without control")
CANCELLED = Phrase("tariff.cancelled", "payment order {order} (ref {reference}) cancelled before its bank confirmed it")
WORDS = tuple(
    Phrase(f"tariff.word_{w.replace(' ', '_')}", w)
    for w in ("bank transfer", "card", "guarantee", "deferment", "prepaid", "cash", "failed", "rejected", "expired")
)

PHRASES = PhraseSet(collect(globals()) + WORDS)
