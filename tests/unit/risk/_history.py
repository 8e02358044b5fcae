"""A small generated declaration history with a planted, learnable fraud signal (for fast risk tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def history(weeks: int = 12, per_week: int = 120, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Returns (canonical frame, fraud 0/1, revenue at risk): risky importers and one risky HS × origin flow."""
    rng = np.random.default_rng(seed)
    n = weeks * per_week
    importers = rng.integers(0, 60, n)
    hs = rng.choice(np.array(["610910", "851713", "940350", "690722"]), n)
    origin = rng.choice(np.array(["CN", "VN", "KR"]), n)
    value = rng.lognormal(8, 1.2, n)
    frame = pd.DataFrame(
        {
            "id": np.arange(n).astype(str),
            "date": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(np.sort(rng.integers(0, weeks * 7, n)), "D"),
            "office": "10",
            "declarant": "D" + pd.Series(rng.integers(0, 8, n)).astype(str),
            "importer": "I" + pd.Series(importers).astype(str),
            "seller": "",
            "courier": "",
            "hs": hs,
            "origin": origin,
            "departure": origin,
            "net_mass": rng.uniform(10, 500, n),
            "value": value,
            "tax_rate": 8.0,
        }
    )
    risky = (importers < 10) | ((hs == "851713") & (origin == "VN"))
    fraud = (rng.random(n) < np.where(risky, 0.8, 0.05)).astype(float)
    return frame, fraud, value * 0.08
