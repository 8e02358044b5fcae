"""Feature names in words an officer understands (the reasons shown with a model's score).

Pure text: no training stack is imported, so the online path can explain a score cheaply.
"""

from __future__ import annotations

LABELS = {
    "rate": "past fraud rate of the {}",
    "n": "number of past declarations of the {}",
    "uv_ratio": "unit value against the {} median",
    "price_ratio": "declared value against the {} median",
}

REPEAT_WORDS = {
    "same_value": "the same declared value",
    "same_mass": "the same net mass",
    "hs6_same_mass": "the same HS code and net mass",
    "hs6_same_value": "the same HS code and declared value",
    "hs6_tax_rate_origin": "the same HS code, tax rate and origin",
    "same_value_mass": "the same declared value and net mass",
    "hs6_tax_rate": "the same HS code and tax rate",
    "hs6_origin_same_mass": "the same HS code, origin and net mass",
    "importer_hs6": "the same importer and HS code",
    "importer_same_value": "the same importer and declared value",
    "seller_hs6": "the same seller and HS code",
}

COUNT_WORDS = {
    **REPEAT_WORDS,
    "importer": "the same importer",
    "hs6_origin_departure": "the same HS code, origin and departure",
}


def describe(feature: str) -> str:
    """Returns a feature's name in words an officer understands."""
    kind, _, group = feature.partition("__")
    if kind == "count" and group in COUNT_WORDS:
        return f"number of past declarations, inspected or not, with {COUNT_WORDS[group]}"
    if kind == "days_since_same" and group in COUNT_WORDS:
        return f"days since a declaration with {COUNT_WORDS[group]}"
    if feature == "repeat_share__importer":
        return "share of the importer's past declarations repeating an earlier consignment"
    if kind in ("rate", "n") and group in REPEAT_WORDS:
        what = "past fraud rate of declarations" if kind == "rate" else "number of inspected past declarations"
        return f"{what} with {REPEAT_WORDS[group]}"
    if kind in LABELS and group:
        return LABELS[kind].format(group.replace("_", " × ").replace("hs6", "HS code").replace("hs", "HS"))
    if kind == "cat":
        return f"declared {group}"
    return feature.replace("_", " ")
