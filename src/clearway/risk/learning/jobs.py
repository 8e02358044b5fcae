"""Batch jobs behind ``clearway risk train | score | evaluate``: read through a mapping, fit, rank, report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearway.core.issues import DomainError
from clearway.risk.learning import data, evaluate, registry
from clearway.risk.learning.mapping import Mapping

if TYPE_CHECKING:
    import pandas as pd

Step = Callable[[str], None]
HOLDOUT_SHARE = 0.15


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class ScoreResult:
    """What a scoring run wrote."""

    rows: int
    output: Path
    model_version: str


def _window(frame: pd.DataFrame) -> dict[str, str]:
    return {"from": frame[data.DATE].min().date().isoformat(), "to": frame[data.DATE].max().date().isoformat()}


def _fit(frame: pd.DataFrame, params: dict[str, Any]) -> Any:
    from clearway.risk.learning.estimators import RiskModel

    return RiskModel(**params).fit(frame.drop(columns=[data.FRAUD, data.CRITICAL]), frame[data.FRAUD].to_numpy())


def train(
    mapping: Mapping,
    inputs: Sequence[Path],
    model_out: Path,
    *,
    step: Step = _quiet,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Trains a risk model on labelled history and writes it with its metadata; returns the metadata."""
    step(f"reading {len(inputs)} file(s)")
    frame = data.read(inputs, mapping, labels=True).sort_values(data.DATE, kind="stable").reset_index(drop=True)
    if len(frame) < 50 or frame[data.FRAUD].nunique() < 2:
        raise DomainError(
            "training needs at least 50 declarations with both fraudulent and clean ones", code="TRAIN_TOO_FEW"
        )
    params = params or {}
    metrics: dict[str, Any] = {}
    cut = int(len(frame) * (1 - HOLDOUT_SHARE))
    holdout = frame.iloc[cut:]
    if len(frame) >= 1000 and holdout[data.FRAUD].nunique() == 2:
        step(f"checking on the latest {HOLDOUT_SHARE:.0%} ({len(holdout)} declarations) as holdout")
        early = _fit(frame.iloc[:cut], params)
        scores = early.risk_score(holdout)
        fraud, critical = holdout[data.FRAUD].to_numpy(), holdout[data.CRITICAL].to_numpy()
        metrics = {
            "holdout": {"window": _window(holdout), "rows": len(holdout)},
            **{f"{q:.0%}": evaluate.at_share(scores, fraud, q, critical=critical) for q in (0.05, 0.10)},
        }
    step(f"training on {len(frame)} declarations")
    model = _fit(frame, params)
    digest = hashlib.sha256(model.booster_.model_to_string().encode()).hexdigest()[:12]
    meta = {
        "version": f"{mapping.name}-{frame[data.DATE].max():%Y%m%d}-{digest}",
        "data_window": _window(frame),
        "rows": len(frame),
        "fraud_rate": float(frame[data.FRAUD].mean()),
        "inputs": [Path(p).name for p in inputs],
        "metrics": metrics,
    }
    step(f"writing the model to {model_out}")
    return registry.save(model, model_out, mapping=mapping, metadata=meta)


OBJECTIVES = ("fraud", "revenue")


def at_stake(frame: Any) -> Any:
    """Returns each declaration's value at stake from its declared figures only: tax (value × rate), else value."""
    import numpy as np

    value = np.clip(frame["value"].fillna(0).to_numpy(dtype=float), 0, None)
    rate = frame["tax_rate"].fillna(0).to_numpy(dtype=float)
    return np.where(rate > 0, value * rate / 100.0, value)


def rank_key(scores: Any, frame: Any, objective: str) -> Any:
    """Returns what to rank by: the fraud probability, or the expected recoverable revenue (probability × stake)."""
    if objective not in OBJECTIVES:
        raise DomainError(f"objective must be one of {', '.join(OBJECTIVES)}", code="OBJECTIVE")
    return scores if objective == "fraud" else scores * at_stake(frame)


def score(
    mapping: Mapping,
    model_dir: Path,
    input_path: Path,
    output: Path,
    *,
    step: Step = _quiet,
    objective: str = "fraud",
) -> ScoreResult:
    """Scores declarations (labels never read) and writes one row per declaration: its id and its score.

    With the revenue objective a column ``expected_revenue`` (score × value at stake) is added to rank by.
    """
    import pandas as pd

    step(f"loading model {model_dir}")
    loaded = registry.load(model_dir)
    step(f"reading {input_path}")
    frame = data.read([input_path], mapping, labels=False)
    step(f"scoring {len(frame)} declarations")
    scores = loaded.model.risk_score(frame)
    columns = {mapping.id: frame[data.ID], "score": scores}
    if objective != "fraud":
        columns["expected_revenue"] = rank_key(scores, frame, objective)
    output.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(columns).to_csv(output, index=False, float_format="%.6f")
    return ScoreResult(rows=len(frame), output=output, model_version=str(loaded.metadata.get("version", "")))


def evaluate_split(
    mapping: Mapping,
    inputs: Sequence[Path],
    out_dir: Path,
    *,
    test_from: date,
    test_to: date | None = None,
    step: Step = _quiet,
    params: dict[str, Any] | None = None,
    objective: str = "fraud",
) -> dict[str, Any]:
    """Trains ours and a plain baseline before ``test_from``, ranks the test window, and writes the report.

    ``objective`` ranks our model's test declarations by fraud probability, or by expected recoverable revenue
    (probability × value at stake, from declared figures only); the baseline always ranks by probability.
    """
    import pandas as pd

    from clearway.risk.learning.estimators import BaselineModel

    if objective not in OBJECTIVES:
        raise DomainError(f"objective must be one of {', '.join(OBJECTIVES)}", code="OBJECTIVE")
    step(f"reading {len(inputs)} file(s)")
    frame = data.read(inputs, mapping, labels=True)
    start = pd.Timestamp(test_from, tz="UTC")
    end = pd.Timestamp(test_to, tz="UTC") if test_to else None
    train_part = frame[frame[data.DATE] < start]
    test_part = frame[(frame[data.DATE] >= start) & ((frame[data.DATE] < end) if end is not None else True)]
    if len(train_part) < 50 or len(test_part) < 20:
        raise DomainError(
            f"the split leaves {len(train_part)} training and {len(test_part)} test declarations; "
            "choose dates inside the data",
            code="EVAL_SPLIT_EMPTY",
        )
    x_train = train_part.drop(columns=[data.FRAUD, data.CRITICAL])
    x_test = test_part.drop(columns=[data.FRAUD, data.CRITICAL])
    y_train = train_part[data.FRAUD].to_numpy()
    step(f"training ours on {len(train_part)} declarations")
    ours = _fit(train_part, params or {})
    step("training the plain LightGBM baseline on the raw columns")
    base = BaselineModel().fit(x_train, y_train)
    step(f"ranking {len(test_part)} test declarations")
    runs = {"clearway": rank_key(ours.risk_score(x_test), x_test, objective), "baseline": base.risk_score(x_test)}
    fraud, critical = test_part[data.FRAUD].to_numpy(), test_part[data.CRITICAL].to_numpy()
    revenue = None
    if mapping.fields.get("tax_rate"):
        revenue = (test_part["value"].fillna(0) * test_part["tax_rate"].fillna(0) / 100).to_numpy()
    figures = evaluate.report(runs, fraud, critical=critical if mapping.critical else None, revenue=revenue)
    result = {
        "mapping": mapping.name,
        "objective": objective,
        "train": {"rows": len(train_part), "window": _window(train_part), "fraud_rate": float(y_train.mean())},
        "test": {"rows": len(test_part), "window": _window(test_part), "fraud_rate": float(fraud.mean())},
        "figures": figures,
        "margin_precision_at_5pct": figures["clearway"]["5%"]["precision"] - figures["baseline"]["5%"]["precision"],
        "margin_precision_at_10pct": figures["clearway"]["10%"]["precision"] - figures["baseline"]["10%"]["precision"],
    }
    step(f"writing the report to {out_dir}")
    result["files"] = [str(p) for p in evaluate.write(out_dir, result, runs, fraud)]
    return result
