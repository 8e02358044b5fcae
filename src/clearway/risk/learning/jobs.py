"""Batch jobs behind ``clearway risk train | score | evaluate``: read through a mapping, fit, rank, report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearway.core.issues import DomainError
from clearway.risk.learning import data, evaluate, objectives, registry
from clearway.risk.learning.mapping import Mapping
from clearway.risk.learning.objectives import OBJECTIVES, at_stake, rank_key

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


def features_of(frame: pd.DataFrame) -> pd.DataFrame:
    """Returns the canonical frame without its label and propensity columns."""
    return frame.drop(columns=[c for c in (data.FRAUD, data.CRITICAL, data.PROPENSITY) if c in frame.columns])


def _fit(frame: pd.DataFrame, params: dict[str, Any]) -> Any:
    from clearway.risk.learning.estimators import RiskModel

    propensity = frame[data.PROPENSITY].to_numpy() if data.PROPENSITY in frame.columns else None
    y = frame[data.FRAUD].to_numpy(dtype=float)
    return RiskModel(**params).fit(features_of(frame), y, propensity=propensity)


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame[data.FRAUD].notna()]


def train(
    mapping: Mapping,
    inputs: Sequence[Path],
    model_out: Path,
    *,
    step: Step = _quiet,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Trains a risk model on history and writes it with its metadata; returns the metadata.

    Rows with an empty label (never inspected) are kept as unlabelled: they feed the label-free features and
    are never counted as clean. A mapping's ``propensity`` column corrects for how the labelled rows were
    selected (inverse propensity weights).
    """
    step(f"reading {len(inputs)} file(s)")
    frame = data.read(inputs, mapping, labels=True, unlabelled=True)
    frame = frame.sort_values(data.DATE, kind="stable").reset_index(drop=True)
    labelled = _labelled(frame)
    if len(labelled) < 50 or labelled[data.FRAUD].nunique() < 2:
        raise DomainError(
            "training needs at least 50 declarations with both fraudulent and clean ones", code="TRAIN_TOO_FEW"
        )
    params = params or {}
    metrics: dict[str, Any] = {}
    cut = int(len(frame) * (1 - HOLDOUT_SHARE))
    holdout = _labelled(frame.iloc[cut:])
    if len(labelled) >= 1000 and holdout[data.FRAUD].nunique() == 2 and len(holdout) >= 50:
        step(f"checking on the latest {HOLDOUT_SHARE:.0%} ({len(holdout)} labelled declarations) as holdout")
        early = _fit(frame.iloc[:cut], params)
        scores = early.risk_score(features_of(holdout))
        fraud, critical = holdout[data.FRAUD].to_numpy(dtype=int), holdout[data.CRITICAL].to_numpy()
        metrics = {
            "holdout": {"window": _window(holdout), "rows": len(holdout)},
            **{f"{q:.0%}": evaluate.at_share(scores, fraud, q, critical=critical) for q in (0.05, 0.10)},
        }
    step(f"training on {len(labelled)} labelled declarations ({len(frame) - len(labelled)} unlabelled)")
    model = _fit(frame, params)
    digest = hashlib.sha256(model.booster_.model_to_string().encode()).hexdigest()[:12]
    meta = {
        "version": f"{mapping.name}-{frame[data.DATE].max():%Y%m%d}-{digest}",
        "data_window": _window(frame),
        "rows": len(labelled),
        "unlabelled_rows": len(frame) - len(labelled),
        "fraud_rate": float(labelled[data.FRAUD].mean()),
        "correction": model.correction,
        "propensity_column": mapping.propensity or None,
        "inputs": [Path(p).name for p in inputs],
        "metrics": metrics,
    }
    step(f"writing the model to {model_out}")
    return registry.save(model, model_out, mapping=mapping, metadata=meta)


def score(
    mapping: Mapping,
    model_dir: Path,
    input_path: Path,
    output: Path,
    *,
    step: Step = _quiet,
    objective: str = "fraud",
    tradeoff: float = objectives.DEFAULT_TRADEOFF,
) -> ScoreResult:
    """Scores declarations (labels never read) and writes one row per declaration: its id and its score.

    With the revenue objective a column ``expected_revenue`` (score × value at stake) is added to rank by; with
    the balanced objective a column ``priority`` (score × (1 + stake)^tradeoff; higher first).
    """
    import pandas as pd

    objectives.check(objective, tradeoff)
    step(f"loading model {model_dir}")
    loaded = registry.load(model_dir)
    step(f"reading {input_path}")
    frame = data.read([input_path], mapping, labels=False)
    step(f"scoring {len(frame)} declarations")
    scores = loaded.model.risk_score(frame)
    columns = {mapping.id: frame[data.ID], "score": scores}
    if objective == "revenue":
        columns["expected_revenue"] = rank_key(scores, frame, objective)
    elif objective == "balanced":
        columns["priority"] = rank_key(scores, frame, objective, tradeoff)
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
    tradeoff: float = objectives.DEFAULT_TRADEOFF,
) -> dict[str, Any]:
    """Trains ours and a plain baseline before ``test_from``, ranks the test window, and writes the report.

    ``objective`` ranks our model's test declarations by fraud probability, by expected recoverable revenue
    (probability × value at stake, from declared figures only), or by the balanced priority; the baseline
    always ranks by probability. Training rows without a label are used as unlabelled (the baseline, which
    cannot, skips them); test rows without a label are left out. With ``balanced`` the report adds the
    precision–revenue frontier over trade-offs (``frontier.json``, ``frontier.png``).
    """
    import pandas as pd

    from clearway.risk.learning.estimators import BaselineModel

    objectives.check(objective, tradeoff)
    step(f"reading {len(inputs)} file(s)")
    frame = data.read(inputs, mapping, labels=True, unlabelled=True)
    start = pd.Timestamp(test_from, tz="UTC")
    end = pd.Timestamp(test_to, tz="UTC") if test_to else None
    train_part = frame[frame[data.DATE] < start]
    test_part = _labelled(frame[(frame[data.DATE] >= start) & ((frame[data.DATE] < end) if end is not None else True)])
    if len(_labelled(train_part)) < 50 or len(test_part) < 20:
        raise DomainError(
            f"the split leaves {len(train_part)} training and {len(test_part)} test declarations; "
            "choose dates inside the data",
            code="EVAL_SPLIT_EMPTY",
        )
    x_test = features_of(test_part)
    labelled_train = _labelled(train_part)
    y_train = labelled_train[data.FRAUD].to_numpy(dtype=int)
    step(f"training ours on {len(train_part)} declarations ({len(labelled_train)} labelled)")
    ours = _fit(train_part, params or {})
    step("training the plain LightGBM baseline on the raw columns")
    base = BaselineModel().fit(features_of(labelled_train), y_train)
    step(f"ranking {len(test_part)} test declarations")
    probability = ours.risk_score(x_test)
    runs = {"clearway": rank_key(probability, x_test, objective, tradeoff), "baseline": base.risk_score(x_test)}
    fraud, critical = test_part[data.FRAUD].to_numpy(dtype=int), test_part[data.CRITICAL].to_numpy()
    revenue = None
    if mapping.fields.get("tax_rate"):
        revenue = (test_part["value"].fillna(0) * test_part["tax_rate"].fillna(0) / 100).to_numpy()
    figures = evaluate.report(runs, fraud, critical=critical if mapping.critical else None, revenue=revenue)
    result: dict[str, Any] = {
        "mapping": mapping.name,
        "objective": objective,
        "tradeoff": tradeoff if objective == "balanced" else None,
        "train": {
            "rows": len(labelled_train),
            "unlabelled_rows": len(train_part) - len(labelled_train),
            "window": _window(train_part),
            "fraud_rate": float(y_train.mean()),
        },
        "test": {"rows": len(test_part), "window": _window(test_part), "fraud_rate": float(fraud.mean())},
        "figures": figures,
        "margin_precision_at_5pct": figures["clearway"]["5%"]["precision"] - figures["baseline"]["5%"]["precision"],
        "margin_precision_at_10pct": figures["clearway"]["10%"]["precision"] - figures["baseline"]["10%"]["precision"],
    }
    extra: list[Path] = []
    if objective == "balanced":
        stake = at_stake(x_test)
        gain = revenue if revenue is not None else stake
        points = objectives.frontier(probability, stake, fraud, gain)
        result["frontier"] = points
        out_dir.mkdir(parents=True, exist_ok=True)
        front_json, front_png = out_dir / "frontier.json", out_dir / "frontier.png"
        front_json.write_text(json.dumps({"objective": "balanced", "points": points}, indent=2), "utf-8")
        objectives.plot_frontier(points, front_png)
        extra = [front_json, front_png]
    step(f"writing the report to {out_dir}")
    result["files"] = [str(p) for p in evaluate.write(out_dir, result, runs, fraud)] + [str(p) for p in extra]
    return result


__all__ = ["OBJECTIVES", "ScoreResult", "at_stake", "evaluate_split", "features_of", "rank_key", "score", "train"]
