"""Fusing lexical and dense candidates, then re-ranking them with a small logistic regression.

The candidate pool is the union of the lexical and the dense top ``POOL``. Each candidate is described by the
features below; the coefficients (``data/rerank.json``) were fitted by ``benchmarks/hs_rerank_train.py`` on the
tuning titles only (``benchmarks/data/hs_marketplace_tuning.csv``, never the 200 held out) and are applied with
plain NumPy: no scikit-learn at run time. Without the file (or with one for other features), the pool is ranked
by reciprocal-rank fusion.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

POOL = 30
RRF_K = 60
AGREE_TOP = 10
DATA = Path(__file__).parent / "data" / "rerank.json"
FEATURES = (
    "lex_norm",  # lexical score / best lexical score
    "lex_raw",  # lexical score
    "lex_rank",  # 1 / (1 + lexical rank)
    "dense",  # cosine with the query
    "dense_gap",  # cosine - best cosine
    "dense_rank",  # 1 / (1 + dense rank)
    "rrf",  # reciprocal-rank fusion of both ranks
    "heading_lex",  # share of the lexical top 10 under the same heading
    "heading_dense",  # share of the dense top 10 under the same heading
    "chapter_both",  # share of both top 10s under the same chapter
    "head_noun",  # the query's head noun is among the subheading's words
    "matched",  # share of the query's words found in the subheading's texts
    "prior",  # log frequency of the heading in trade history (KCS declarations), scaled to [0, 1]
    "other",  # the subheading is an "Other" residual
)


@dataclass(frozen=True)
class Pool:
    """The fused candidates (positions in the index's codes) and their features (rows)."""

    positions: np.ndarray
    features: np.ndarray
    rrf: np.ndarray


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(len(scores))
    return ranks


def _share(top: np.ndarray, keys: np.ndarray, positions: np.ndarray) -> np.ndarray:
    counts: dict[int, int] = {}
    for k in keys[top]:
        counts[int(k)] = counts.get(int(k), 0) + 1
    return np.array([counts.get(int(keys[p]), 0) / len(top) for p in positions], dtype=np.float64)


def candidate_positions(lexical: np.ndarray, dense: np.ndarray, size: int = POOL) -> np.ndarray:
    """The union of both top ``size`` (lexical first)."""
    lex_top = np.argpartition(-lexical, size)[:size] if len(lexical) > size else np.arange(len(lexical))
    den_top = np.argpartition(-dense, size)[:size] if len(dense) > size else np.arange(len(dense))
    return np.array(list(dict.fromkeys([*lex_top.tolist(), *den_top.tolist()])), dtype=np.int64)


def features(
    positions: np.ndarray,
    lexical: np.ndarray,
    dense: np.ndarray,
    headings: np.ndarray,
    chapters: np.ndarray,
    head_noun: np.ndarray,
    matched: np.ndarray,
    prior: np.ndarray,
    other: np.ndarray,
) -> Pool:
    """The features of the pool's candidates (``head_noun`` and ``matched`` are given for the pool only)."""
    r_lex, r_den = _ranks(lexical), _ranks(dense)
    top_lex = np.argsort(-lexical)[:AGREE_TOP]
    top_den = np.argsort(-dense)[:AGREE_TOP]
    both = np.concatenate([top_lex, top_den])
    best_lex = float(lexical.max()) or 1.0
    best_den = float(dense.max())
    rl, rd = r_lex[positions], r_den[positions]
    rrf = RRF_K / (RRF_K + rl) + RRF_K / (RRF_K + rd)
    x = np.column_stack(
        [
            lexical[positions] / best_lex,
            lexical[positions],
            1.0 / (1.0 + rl),
            dense[positions],
            dense[positions] - best_den,
            1.0 / (1.0 + rd),
            rrf / 2.0,
            _share(top_lex, headings, positions),
            _share(top_den, headings, positions),
            _share(both, chapters, positions),
            head_noun.astype(np.float64),
            matched.astype(np.float64),
            prior[positions],
            other[positions].astype(np.float64),
        ]
    )
    return Pool(positions, x.astype(np.float64), rrf)


@dataclass(frozen=True)
class Reranker:
    """A logistic regression over standardised features (weights fitted offline)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    abstain_margin: float
    prior: dict[str, float]
    trained_on: str

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """The probability that each candidate is the right subheading."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return out

    def prior_vector(self, codes: list[str]) -> np.ndarray:
        """The heading prior per subheading (0 for headings never seen in the trade history)."""
        return np.array([self.prior.get(c[:4], 0.0) for c in codes], dtype=np.float64)


def parse(data: dict[str, Any]) -> Reranker | None:
    """A reranker from its JSON form; None when it was fitted on other features."""
    if tuple(data.get("features", ())) != FEATURES:
        return None
    mean = np.asarray(data["mean"], dtype=np.float64)
    scale = np.asarray(data["scale"], dtype=np.float64)
    coef = np.asarray(data["coef"], dtype=np.float64)
    if not (mean.shape == scale.shape == coef.shape == (len(FEATURES),)):
        return None
    prior = {str(k): float(v) for k, v in dict(data.get("prior", {})).items()}
    return Reranker(
        mean,
        np.where(scale > 0, scale, 1.0),
        coef,
        float(data["intercept"]),
        float(data.get("abstain_margin", 0.0)),
        prior,
        str(data.get("trained_on", "")),
    )


@lru_cache(maxsize=4)
def load(path: Path = DATA) -> Reranker | None:
    """The shipped reranker, or None when the file is missing or was fitted on other features."""
    if not path.exists():
        return None
    return parse(json.loads(path.read_text(encoding="utf-8")))


def log_prior(counts: dict[str, int]) -> dict[str, float]:
    """Scales heading counts to log frequencies in [0, 1]."""
    if not counts:
        return {}
    top = math.log1p(max(counts.values()))
    return {k: round(math.log1p(v) / top, 4) for k, v in sorted(counts.items())}
