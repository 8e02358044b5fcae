"""The keys declarations are grouped by, and how a frame's key columns are built (no label is read here).

Entity keys (importer, declarant, HS code × origin…) and repeat-consignment keys (the same declared value, net
mass, HS code × tax rate × origin…) carry a past fraud rate in ``features.HistoryFeatures``; the label-free
repetition counts (``repetition``) count declarations on some of the same keys. Each key joins canonical
columns with ``|``; declared figures enter as text (``number_key``), so the batch features and the online row
(``clearway.risk.online``) build exactly the same key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Keys whose past fraud rate and volume become features. Each is built from canonical columns.
ENTITY_KEYS: dict[str, tuple[str, ...]] = {
    "importer": ("importer",),
    "declarant": ("declarant",),
    "seller": ("seller",),
    "courier": ("courier",),
    "office": ("office",),
    "origin": ("origin",),
    "departure": ("departure",),
    "hs2": ("hs2",),
    "hs4": ("hs4",),
    "hs6": ("hs",),
    "hs6_origin": ("hs", "origin"),
    "hs4_origin": ("hs4", "origin"),
    "hs6_departure": ("hs", "departure"),
    "hs6_origin_departure": ("hs", "origin", "departure"),
    "importer_declarant": ("importer", "declarant"),
    "importer_seller": ("importer", "seller"),
    "declarant_hs6": ("declarant", "hs"),
}
# Repeat consignments: in the KCS files many frauds repeat an exact consignment (same declared value, same net
# mass, same HS code with either, same HS code × tax rate × origin). The past fraud rate among *inspected*
# earlier declarations with the same key is a feature like the entity rates above (out of fold for training rows,
# shrunk toward the prior with its count, the count as its uncertainty; an unseen key gets the prior). Keys are
# built from the declared figures as text (``number_key``), so the batch and the online path agree exactly.
REPEAT_KEYS: dict[str, tuple[str, ...]] = {
    "same_value": ("value_key",),
    "same_mass": ("mass_key",),
    "hs6_same_mass": ("hs", "mass_key"),
    "hs6_same_value": ("hs", "value_key"),
    "hs6_tax_rate_origin": ("hs", "tax_key", "origin"),
}
# ``repeat="wide"`` adds these (measured in benchmarks/risk_partial.py --variants, chosen there on validation).
WIDE_REPEAT_KEYS: dict[str, tuple[str, ...]] = {
    "same_value_mass": ("value_key", "mass_key"),
    "hs6_tax_rate": ("hs", "tax_key"),
    "hs6_origin_same_mass": ("hs", "origin", "mass_key"),
    "importer_hs6": ("importer", "hs"),
    "importer_same_value": ("importer", "value_key"),
    "seller_hs6": ("seller", "hs"),
}
ALL_KEYS: dict[str, tuple[str, ...]] = {**ENTITY_KEYS, **REPEAT_KEYS, **WIDE_REPEAT_KEYS}
REPEAT_MODES = ("off", "default", "wide")
# With ``hierarchical`` shrinkage a rate on few inspected outcomes shrinks toward its parent's rate (the HS ×
# origin pair toward its HS code, the HS code toward its heading…) rather than toward the overall rate. Parents
# come before their children in ENTITY_KEYS. Measured on KCS with rule-biased labels (benchmarks/risk_partial.py):
# most HS × origin pairs have no or one inspected outcome, and the parent's rate is the best guess for them.
PARENTS: dict[str, str] = {
    "hs4": "hs2",
    "hs6": "hs4",
    "hs4_origin": "hs4",
    "hs6_origin": "hs6",
    "hs6_departure": "hs6",
    "hs6_origin_departure": "hs6_origin",
}
# Groups against whose median unit value and price a line is compared.
VALUE_GROUPS = ("hs6", "hs4", "hs6_origin")

_KEY_COLUMNS = ("importer", "declarant", "seller", "courier", "office", "origin", "departure")


def number_key(value: float) -> str:
    """Returns a declared figure as the text of a repeat-consignment key ("" when unreadable)."""
    return "" if value != value else format(float(value), ".10g")  # NaN is unequal to itself


def key_names(repeat: bool | str) -> list[str]:
    """Returns the names of the keys whose past fraud rates are features.

    ``repeat``: ``off`` (or False) the entities only, ``default`` (or True) with the repeat-consignment keys,
    ``wide`` with the wider set as well.
    """
    mode = {True: "default", False: "off"}.get(repeat, repeat) if isinstance(repeat, bool) else repeat
    if mode not in REPEAT_MODES:
        raise ValueError(f"repeat must be one of {', '.join(REPEAT_MODES)}")
    keys = {**ENTITY_KEYS, **(REPEAT_KEYS if mode != "off" else {}), **(WIDE_REPEAT_KEYS if mode == "wide" else {})}
    return list(keys)


def frame_keys(x: pd.DataFrame, names: list[str] | None = None) -> dict[str, pd.Series]:
    """Returns each named key (default: all of ``ALL_KEYS``) of a canonical frame, as text, one value a row."""
    import pandas as pd

    wanted = {k: ALL_KEYS[k] for k in (names if names is not None else list(ALL_KEYS))}
    base = {c: pd.Series(x[c].astype(str).to_numpy(dtype=object)) for c in (*_KEY_COLUMNS, "hs")}
    base["hs2"], base["hs4"] = base["hs"].str[:2], base["hs"].str[:4]
    needed = {c for cols in wanted.values() for c in cols}
    for key, column in (("value_key", "value"), ("mass_key", "net_mass"), ("tax_key", "tax_rate")):
        if key in needed:
            base[key] = pd.Series([number_key(v) for v in x[column].to_numpy(dtype=float)], dtype=object)
    out = {}
    for name, cols in wanted.items():
        col = base[cols[0]]
        for other in cols[1:]:
            col = col + "|" + base[other]
        out[name] = col
    return out
