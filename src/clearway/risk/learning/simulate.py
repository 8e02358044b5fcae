"""Replaying a labelled history week by week, as an administration lives it: only what it inspects is revealed.

``simulate`` starts from a short fully-inspected period (``warmup_weeks``), then lowers the inspection budget
(linearly over ``ramp_weeks``) to ``budget``. Each week every policy selects within the budget from that
week's declarations, only the selected declarations' outcomes are revealed to it, and its model (if it has
one) is retrained on what it has seen — all declared data, the labels it revealed, each labelled row weighted
by the recorded chance it had of being selected. Policies:

- ``random``: a uniform draw;
- ``rules``: ``policies.rule_priority`` against the declarations seen so far (no labels);
- ``model``: the top of the model's ranking (by ``objective``);
- ``model+explore``: the same, with ``explore_share`` of the budget to exploration (``exploration.select``:
  ``random``, ``uncertainty``, ``novelty`` or ``bate``, stake-weighted by ``explore_stake_power``).

Per week and policy: precision (share of the inspected that were fraudulent), revenue caught (share of the
week's revenue at risk found), and both normalised by the oracle that knows the labels (the best possible
with the same budget). The library function takes and returns plain data, so other tools (the officers'
training simulator) reuse it; ``plot`` draws the weekly curves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from clearway.risk.learning import exploration, objectives, policies

if TYPE_CHECKING:
    import pandas as pd

POLICIES = ("random", "rules", "model", "model+explore")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SimConfig:
    """How the replay runs: the warm-up, the budget curve, the policies, the model's objective and exploration."""

    warmup_weeks: int = 4
    ramp_weeks: int = 4
    budget: float = 0.10
    policies: tuple[str, ...] = POLICIES
    objective: str = "balanced"
    tradeoff: float = objectives.DEFAULT_TRADEOFF
    explore_share: float = 0.10
    # Chosen by measurement (benchmarks/risk_simulate.py, KCS, 3 seeds, with the repeat-consignment rates):
    # ``bate`` 0.882 normalised revenue against 0.879 for the model alone; ``uncertainty`` 0.866, ``novelty`` 0.866.
    explore_method: str = "bate"
    # How strongly exploration leans toward high stakes: (1 + stake)^power. None: the trade-off λ of a balanced
    # objective (0 otherwise); ``bate`` 0 unless set (the priority it weighs by holds the stake).
    explore_stake_power: float | None = None
    # Exploration among the next ``explore_pool`` × budget declarations of the ranking (0: all; None: the
    # method's default — ``bate`` 3, the others 0).
    explore_pool: float | None = None
    correction: str = "ipw"
    n_estimators: int = 150
    retrain_every: int = 1
    seed: int = 0
    model_params: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        """Refuses impossible settings before any work."""
        unknown = [p for p in self.policies if p not in POLICIES]
        if unknown:
            raise ValueError(f"unknown policy {', '.join(unknown)}; known: {', '.join(POLICIES)}")
        if not 0.0 < self.budget <= 1.0:
            raise ValueError("the budget is a share of declarations in (0, 1]")
        if self.warmup_weeks < 1:
            raise ValueError("the replay needs at least one fully inspected week to learn from")
        if self.explore_pool is not None and self.explore_pool < 0:
            raise ValueError("the exploration pool is a multiple of the budget, 0 or more")
        if self.explore_stake_power is not None and self.explore_stake_power < 0:
            raise ValueError("the exploration stake power is 0 or more")
        if self.explore_method not in exploration.METHODS:
            raise ValueError(f"exploration method must be one of {', '.join(exploration.METHODS)}")
        objectives.check(self.objective, self.tradeoff)

    def budget_at(self, week: int) -> float:
        """Returns the share inspected in a week (0-based): 1 during warm-up, then down to ``budget``."""
        if week < self.warmup_weeks:
            return 1.0
        step = week - self.warmup_weeks + 1
        if step >= self.ramp_weeks + 1 or self.ramp_weeks == 0:
            return self.budget
        return 1.0 + (self.budget - 1.0) * step / (self.ramp_weeks + 1)


@dataclass
class _State:
    labelled: np.ndarray
    propensity: np.ndarray
    model: Any = None
    trained_week: int = -(10**9)


def _oracle(fraud: np.ndarray, revenue: np.ndarray, k: int) -> tuple[float, float]:
    """Returns the best precision and the best revenue caught possible with k inspections."""
    total = float((fraud * revenue).sum())
    best_prec = min(k, int(fraud.sum())) / k if k else 0.0
    top_rev = np.sort(fraud * revenue)[::-1][:k].sum()
    return best_prec, float(top_rev / total) if total else 0.0


def _fit(frame: pd.DataFrame, y: np.ndarray, p: np.ndarray, cfg: SimConfig) -> Any:
    from clearway.risk.learning.estimators import RiskModel

    # One LightGBM thread: several policies retrain each week, and threads contend on a shared machine.
    params: dict[str, Any] = {
        "n_estimators": cfg.n_estimators,
        "correction": cfg.correction,
        "random_state": cfg.seed,
        "n_jobs": 1,
    }
    params.update(cfg.model_params)
    lab = ~np.isnan(y)
    if lab.sum() < 20 or len(np.unique(y[lab])) < 2:
        return None
    return RiskModel(**params).fit(frame, y, propensity=p)


def _stake_power(cfg: SimConfig) -> float:
    if cfg.explore_stake_power is not None:
        return cfg.explore_stake_power
    if cfg.explore_method == "bate":
        return 0.0  # the priority it multiplies holds the stake already
    return cfg.tradeoff if cfg.objective == "balanced" else 0.0


def simulate(
    frame: pd.DataFrame,
    fraud: np.ndarray,
    revenue: np.ndarray,
    config: SimConfig | None = None,
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Replays a labelled history week by week under each policy; returns per-week and summary figures.

    ``frame`` is the canonical frame (``data.read`` without label columns; ``date`` orders it); ``fraud`` the
    0/1 outcome of every row (revealed to a policy only once it inspects that row); ``revenue`` the revenue at
    risk of each row if fraudulent.
    """
    import pandas as pd

    cfg = config or SimConfig()
    cfg.check()
    frame = frame.reset_index(drop=True)
    fraud = np.asarray(fraud, dtype=float)
    revenue = np.asarray(revenue, dtype=float)
    day0 = frame["date"].min().normalize()
    week_of = ((frame["date"] - day0).dt.days // 7).to_numpy()
    weeks = sorted(set(week_of.tolist()))
    n = len(frame)
    stake = objectives.at_stake(frame)
    rng = np.random.default_rng(cfg.seed)
    states = {p: _State(labelled=np.full(n, np.nan), propensity=np.full(n, np.nan)) for p in cfg.policies}
    rows: list[dict[str, Any]] = []
    total_steps = len(weeks) * len(cfg.policies)
    done = 0
    for w_i, week in enumerate(weeks):
        idx = np.flatnonzero(week_of == week)
        seen = np.flatnonzero(week_of <= week)
        past = np.flatnonzero(week_of < week)
        share = cfg.budget_at(w_i)
        k = max(1, round(share * len(idx)))
        f_w, r_w = fraud[idx], revenue[idx]
        oracle_prec, oracle_rev = _oracle(f_w, r_w, k)
        week_frame = frame.iloc[idx]
        for policy in cfg.policies:
            st = states[policy]
            yield_: dict[str, Any] | None = None
            if share >= 1.0:
                chosen, prob = np.arange(len(idx)), np.ones(len(idx))
            elif policy == "random":
                chosen = rng.choice(len(idx), k, replace=False)
                prob = np.full(len(idx), k / len(idx))
            elif policy == "rules":
                ref = frame.iloc[past] if len(past) else week_frame
                key = policies.rule_priority(week_frame, ref)
                chosen = np.argsort(-key, kind="stable")[:k]
                prob = np.zeros(len(idx))
                prob[chosen] = 1.0
            else:
                if st.model is None or w_i - st.trained_week >= cfg.retrain_every:
                    # Retrain on every declaration seen before this week and the labels this policy revealed.
                    st.model = _fit(frame.iloc[past], st.labelled[past], st.propensity[past], cfg) or st.model
                    st.trained_week = w_i
                if st.model is None:
                    chosen = rng.choice(len(idx), k, replace=False)
                    prob = np.full(len(idx), k / len(idx))
                else:
                    scores = st.model.risk_score(week_frame)
                    key = objectives.rank_key(scores, week_frame, cfg.objective, cfg.tradeoff)
                    explore = cfg.explore_share if policy == "model+explore" else 0.0
                    unc = (
                        st.model.uncertainty(week_frame, scores)
                        if explore and cfg.explore_method != "novelty"
                        else None
                    )
                    new = None
                    if explore and cfg.explore_method == "novelty":
                        from clearway.risk.learning.estimators import novelty

                        new = novelty(st.model.matrix(week_frame))
                    sel = exploration.select(
                        key,
                        k,
                        explore_share=explore,
                        method=cfg.explore_method,
                        uncertainty=unc,
                        novelty=new,
                        stake=stake[idx],
                        stake_power=_stake_power(cfg),
                        pool=cfg.explore_pool,
                        rng=rng,
                    )
                    chosen, prob = sel.index, sel.probability
                    if explore:
                        yield_ = exploration.yield_report(sel, f_w, r_w)
            chosen = np.asarray(chosen, dtype=int)
            # Reveal the outcomes of the inspected declarations only; record every row's propensity.
            st.labelled[idx[chosen]] = fraud[idx[chosen]]
            st.propensity[idx] = prob
            hits = float(f_w[chosen].sum())
            at_risk = float((f_w * r_w).sum())
            prec = hits / len(chosen) if len(chosen) else 0.0
            rev = float((f_w * r_w)[chosen].sum()) / at_risk if at_risk else 0.0
            row = {
                "week": int(w_i),
                "start": (day0 + pd.Timedelta(days=7 * int(week))).date().isoformat(),
                "policy": policy,
                "declarations": len(idx),
                "budget": share,
                "inspected": len(chosen),
                "precision": prec,
                "revenue_caught": rev,
                "norm_precision": prec / oracle_prec if oracle_prec else 0.0,
                "norm_revenue": rev / oracle_rev if oracle_rev else 0.0,
                "labels_known": int((~np.isnan(st.labelled[seen])).sum()),
            }
            if yield_ is not None:
                row["exploration"] = yield_
            rows.append(row)
            done += 1
            if progress:
                progress(done, total_steps, f"week {w_i + 1}/{len(weeks)} {policy}")
    return {"config": asdict(cfg), "weeks": rows, "summary": summarise(rows, cfg)}


def summarise(rows: Sequence[dict[str, Any]], cfg: SimConfig) -> dict[str, Any]:
    """Returns per policy the mean figures over the weeks at the final budget, and the exploration's yield."""
    out: dict[str, Any] = {}
    for policy in cfg.policies:
        mine = [r for r in rows if r["policy"] == policy and abs(r["budget"] - cfg.budget) < 1e-9]
        if not mine:
            continue
        entry: dict[str, Any] = {
            "weeks": len(mine),
            **{
                key: float(np.mean([r[key] for r in mine]))
                for key in ("precision", "revenue_caught", "norm_precision", "norm_revenue")
            },
        }
        explored = [r["exploration"] for r in mine if "exploration" in r]
        if explored:
            for src in ("model", "explore"):
                n = sum(e[src]["inspected"] for e in explored)
                hits = sum(e[src]["hits"] for e in explored)
                entry[f"{src}_inspected"] = n
                entry[f"{src}_hit_rate"] = hits / n if n else 0.0
        out[policy] = entry
    return out


def plot(result: dict[str, Any], path: Path) -> None:
    """Draws per-week normalised precision and revenue of each policy, with the budget, to a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["weeks"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 4.8))
    for policy in result["config"]["policies"]:
        mine = [r for r in rows if r["policy"] == policy]
        weeks = [r["week"] + 1 for r in mine]
        ax1.plot(weeks, [r["norm_precision"] for r in mine], label=policy)
        ax2.plot(weeks, [r["norm_revenue"] for r in mine], label=policy)
    budget = [r["budget"] for r in rows if r["policy"] == result["config"]["policies"][0]]
    for ax, title in ((ax1, "Normalised precision (vs oracle)"), (ax2, "Normalised revenue (vs oracle)")):
        ax.plot(range(1, len(budget) + 1), budget, color="grey", linestyle=":", label="budget (share inspected)")
        ax.set(xlabel="week", ylim=(0, 1.05), title=title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def load(mapping: Any, inputs: Sequence[Path]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Reads fully labelled history files: (canonical frame without labels, fraud 0/1, revenue at risk)."""
    from clearway.core.issues import DomainError
    from clearway.risk.learning import data

    frame = data.read(inputs, mapping, labels=True).sort_values(data.DATE, kind="stable").reset_index(drop=True)
    if len(frame) < 50 or frame[data.FRAUD].nunique() < 2:
        raise DomainError("the replay needs labelled history with fraudulent and clean declarations", code="SIM_DATA")
    fraud = frame[data.FRAUD].to_numpy(dtype=float)
    # Revenue at risk as ``evaluate`` counts it: value × tax rate where the mapping has a rate, else the value.
    value = frame["value"].fillna(0).clip(lower=0).to_numpy(dtype=float)
    rate = frame["tax_rate"].fillna(0).to_numpy(dtype=float)
    revenue = value * rate / 100.0 if mapping.fields.get("tax_rate") else value
    return frame.drop(columns=[data.FRAUD, data.CRITICAL]), fraud, revenue


def write(out_dir: Path, result: dict[str, Any]) -> list[Path]:
    """Writes the replay as JSON and PNG into a directory; returns the files written."""
    import json

    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, png_path = out_dir / "simulation.json", out_dir / "simulation.png"
    json_path.write_text(json.dumps(result, indent=2, default=str), "utf-8")
    plot(result, png_path)
    return [json_path, png_path]
