"""Measures a ranking the way an inspection service lives it: precision, recall, revenue and lift at n% inspected."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

SHARES = (0.01, 0.02, 0.05, 0.10, 0.20)


def at_share(
    scores: np.ndarray,
    fraud: np.ndarray,
    share: float,
    *,
    critical: np.ndarray | None = None,
    revenue: np.ndarray | None = None,
) -> dict[str, float]:
    """Returns precision, recall, lift (and critical-fraud and revenue caught) when the top share is inspected."""
    import numpy as np

    n = max(1, round(len(scores) * share))
    # Stable order so that ties are broken the same way every run.
    top = np.argsort(-scores, kind="stable")[:n]
    base_rate = float(fraud.mean()) if len(fraud) else 0.0
    hits = float(fraud[top].sum())
    out = {
        "inspected": float(n),
        "precision": hits / n,
        "recall": hits / float(fraud.sum()) if fraud.sum() else 0.0,
        "lift": (hits / n) / base_rate if base_rate else 0.0,
    }
    if critical is not None and critical.sum():
        out["critical_caught"] = float(critical[top].sum()) / float(critical.sum())
    if revenue is not None:
        at_risk = revenue * fraud
        out["revenue_caught"] = float(at_risk[top].sum()) / float(at_risk.sum()) if at_risk.sum() else 0.0
    return out


def report(
    runs: dict[str, np.ndarray],
    fraud: np.ndarray,
    *,
    critical: np.ndarray | None,
    revenue: np.ndarray | None,
    shares: Sequence[float] = SHARES,
) -> dict[str, Any]:
    """Returns the figures of every model's ranking at every share inspected."""
    return {
        name: {f"{share:.0%}": at_share(s, fraud, share, critical=critical, revenue=revenue) for share in shares}
        for name, s in runs.items()
    }


def plot(runs: dict[str, np.ndarray], fraud: np.ndarray, path: Path) -> None:
    """Draws precision and lift against the share inspected, and the score distribution, to a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    shares = np.linspace(0.005, 0.5, 100)
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(15, 4.5))
    base = float(fraud.mean()) if len(fraud) else 0.0
    for name, s in runs.items():
        prec = [at_share(s, fraud, float(q))["precision"] for q in shares]
        ax1.plot(shares * 100, prec, label=name)
        ax2.plot(shares * 100, [p / base if base else 0 for p in prec], label=name)
    ax1.axhline(base, color="grey", linestyle=":", label="random")
    ax1.set(xlabel="% of declarations inspected", ylabel="precision (share fraudulent)", title="Precision at n%")
    ax2.axhline(1.0, color="grey", linestyle=":", label="random")
    ax2.set(xlabel="% of declarations inspected", ylabel="lift over random", title="Lift at n%")
    first = next(iter(runs.values()))
    ax3.hist(first[fraud == 0], bins=50, alpha=0.6, label="clean", density=True)
    ax3.hist(first[fraud == 1], bins=50, alpha=0.6, label="fraud", density=True)
    ax3.set(xlabel="risk score", ylabel="density", title=f"Score distribution ({next(iter(runs))})")
    for ax in (ax1, ax2, ax3):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write(out_dir: Path, result: dict[str, Any], runs: dict[str, np.ndarray], fraud: np.ndarray) -> list[Path]:
    """Writes the report as JSON and PNG into a directory; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, png_path = out_dir / "evaluation.json", out_dir / "evaluation.png"
    json_path.write_text(json.dumps(result, indent=2), "utf-8")
    plot(runs, fraud, png_path)
    return [json_path, png_path]
