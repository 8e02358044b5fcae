"""Measuring the screen on an evaluation manifest: screening a manifest file without a database, choosing the
thresholds on the calibration half, and precision, recall and false-flag rate against the truth file."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from clearway.classification import service as classification
from clearway.classification.model import Index
from clearway.ecommerce import config, decide, hs_check, hs_history, ingest, matching, screening
from clearway.ecommerce.evaluation.marketplace import NOMENCLATURE
from clearway.ecommerce.model import Recall, RegisteredBrand, ScreeningConfig

KIND_FLAG = {
    "undervalued": "undervaluation",
    "token": "data_quality",
    "split": "split_shipment",
    "recalled": "recalled_product",
    "ip": "ip_infringement",
    "hs": "hs_implausible",
}
RISK_FLAGS = (*KIND_FLAG.values(), "risky_seller")


def screen_file(
    manifest: Path,
    work: Path,
    recalls: list[Recall],
    brands: list[RegisteredBrand],
    cfg: ScreeningConfig | None = None,
    advisor: hs_check.Advisor | None = None,
    history: hs_history.HsHistory | None = None,
) -> pl.DataFrame:
    """Ingests and screens a manifest file without a database (no seller history, no earlier capacity)."""
    cfg = cfg or config.for_country("PE")
    with manifest.open("rb") as stream:
        result = ingest.ingest(stream, "csv", work, cfg)
    parcels = pl.scan_parquet([str(p) for p in result.parts]).collect()
    received = datetime(2026, 11, 8, tzinfo=UTC)
    prepared = screening.prepare(parcels, cfg, received)
    profiles = pl.DataFrame(schema=screening.PROFILE_SCHEMA)
    screened = screening.screen(
        prepared, cfg, recalls=recalls, brands=brands, profiles=profiles, advisor=advisor, history=history
    )
    decided = decide.outcomes(screened).with_columns(day=pl.col("t").dt.date())
    return decide.apply_capacity(decided, cfg)


def hs_index(shared: Path) -> Index:
    """Builds the HS-suggestion index of the classification service from the shared nomenclature file."""
    from clearway.reference.model import parse_hs_csv

    with (shared / NOMENCLATURE).open(encoding="utf-8-sig", newline="") as f:
        entries = parse_hs_csv(f)
    return classification.index_of(entries, {}, ("file", str(shared / NOMENCLATURE)))


def calibrate(
    manifest: Path,
    work: Path,
    target: float = 0.0005,
    cfg: ScreeningConfig | None = None,
    advisor: hs_check.Advisor | None = None,
    hs_target: float = 0.001,
) -> dict[str, float]:
    """Chooses the thresholds on a manifest of ordinary parcels (the calibration half).

    Each threshold is set so that its rule flags at most ``target`` of the ordinary parcels (of those
    without a listing, which are the only ones peer prices judge): ``title_ratio`` for parcels with the
    same description, ``peer_z`` for comparable parcels (HS6 and product noun). With an advisor, the HS
    check's ``hs_lexicon_ratio`` flags at most ``hs_target`` (the lexicon and the service agree) and
    ``hs_suggest_ratio`` (the service alone, a weaker reader of marketplace titles) a tenth of it.
    """
    cfg = cfg or config.for_country("PE")
    with manifest.open("rb") as stream:
        result = ingest.ingest(stream, "csv", work, cfg)
    df = screening.prepare(
        pl.scan_parquet([str(p) for p in result.parts]).collect(), cfg, datetime(2026, 11, 8, tzinfo=UTC)
    )
    budget = target * df.height
    uv = pl.col("value_usd") / pl.col("quantity")
    no_listing = df.filter(pl.col("listed_price").is_null() & (pl.col("value_usd") > 0))
    same = screening.title_stats(df, cfg)
    peers = screening.peer_stats(df, cfg)
    d = no_listing.join(same, on="desc_norm", how="left").join(peers, on=["hs6", "noun"], how="left")
    ratios = d.filter(pl.col("t_med").is_not_null()).select(r=uv / pl.col("t_med").exp())["r"].sort()
    k = int(budget // 2)
    title_ratio = min(cfg.listing_ratio, float(ratios[k])) if ratios.len() > k else cfg.listing_ratio
    z = (
        d.filter(pl.col("t_med").is_null() & pl.col("med").is_not_null())
        .filter(uv < cfg.unit_value_ratio * pl.col("med").exp())
        .select(z=-(uv.log() - pl.col("med")) / pl.col("spread"))["z"]
        .sort(descending=True)
    )
    peer_z = float(z[k]) if z.len() > k else cfg.peer_z
    found = {"title_ratio": round(title_ratio, 3), "peer_z": round(max(peer_z, cfg.peer_z), 2)}
    if advisor is not None:
        found.update(_calibrate_hs(df, advisor, cfg, hs_target))
    return found


def _calibrate_hs(df: pl.DataFrame, advisor: hs_check.Advisor, cfg: ScreeningConfig, target: float) -> dict[str, float]:
    """The largest ratios whose HS rules flag at most their share of the ordinary parcels each: the lexicon and
    the service together ``target``, the service alone at chapter level and at heading level a tenth of it."""
    every = replace(cfg, hs_heading_ratio=1.0)
    judged = hs_check.judged_pairs(df, every, advisor)
    parcels = df.select("desc_norm", "hs6").join(judged, on=["desc_norm", "hs6"])

    def cut(ratios: pl.Series, share: float, cap: float) -> float:
        r, k = ratios.sort(), int(share * df.height)
        return round(min(cap, float(r[k])) if r.len() > k else cap, 3)

    chapter = parcels.filter(~pl.col("lex_chapter") & (pl.col("hs_best") >= cfg.hs_min_best))
    suggest = cut(chapter.filter(~pl.col("lex_against"))["hs_ratio"], target / 10, 0.5)
    with_lexicon = cut(chapter.filter(pl.col("lex_against"))["hs_ratio"], target, 0.9)
    found = {"hs_suggest_ratio": suggest, "hs_lexicon_ratio": max(with_lexicon, suggest)}
    settled = replace(cfg, hs_suggest_ratio=suggest, hs_lexicon_ratio=found["hs_lexicon_ratio"])
    confident = parcels.filter(
        ~hs_check.chapter_rule(settled)
        & (pl.col("hs_best") >= cfg.hs_heading_min_best)
        & (pl.col("hs_second") < cfg.hs_heading_margin)
    )
    found["hs_heading_ratio"] = cut(confident["hs_head_ratio"], target / 10, 0.5)
    return found


def score(decided: pl.DataFrame, truth: pl.DataFrame) -> dict[str, object]:
    """Precision and recall per planted kind, and the false-flag rate on ordinary parcels.

    A flag on a parcel of another planted kind is not counted against precision (it is a fraud parcel);
    false flags are flags on ordinary parcels. ``over_de_minimis`` is the law, not a risk claim: it is
    reported apart.
    """
    j = decided.select("parcel_id", "flags", "decision").join(truth, on="parcel_id")
    ordinary = j.filter(pl.col("kind") == "ordinary")
    out: dict[str, object] = {}
    for kind, flag in KIND_FLAG.items():
        has = j["flags"].str.contains(flag)
        planted = j["kind"] == kind
        tp = int((planted & has).sum())
        fp = int((has & (j["kind"] == "ordinary")).sum())
        out[kind] = {
            "flag": flag,
            "planted": int(planted.sum()),
            "caught": tp,
            "false_flags": fp,
            "precision": round(tp / max(1, tp + fp), 4),
            "recall": round(tp / max(1, int(planted.sum())), 4),
            "false_flag_rate": round(fp / max(1, ordinary.height), 5),
        }
    n = max(1, ordinary.height)
    risky = int(ordinary["flags"].str.contains("|".join(RISK_FLAGS)).sum())
    over = int(ordinary["flags"].str.contains("over_de_minimis").sum())
    held = int((ordinary["decision"] != "release").sum())
    out["ordinary"] = {
        "parcels": ordinary.height,
        "false_flags": risky,
        "false_flag_rate": round(risky / n, 5),
        "over_de_minimis_rate": round(over / n, 5),
        "not_released_rate": round(held / n, 5),
    }
    return out


def false_flag_examples(decided: pl.DataFrame, truth: pl.DataFrame, n: int = 20) -> pl.DataFrame:
    """Returns some ordinary parcels that were flagged, with their reasons (for calibration)."""
    j = decided.join(truth, on="parcel_id").filter(
        (pl.col("kind") == "ordinary") & pl.col("flags").str.contains("|".join(RISK_FLAGS))
    )
    return j.select("parcel_id", "flags", "reasons").unique("reasons").head(n)


HISTORY_SUPPORT = ((10, 2), (20, 3), (50, 5))
HISTORY_CONFIDENCE = (0.6, 0.7, 0.8, 0.9, 0.95)
HISTORY_RATIO = (0.0, 0.01, 0.02, 0.05)
HISTORY_WORDS = (1, 2)
HISTORY_VOUCH = (0.0, 0.2, 0.3, 0.5)


def history_rows(manifest: Path, work: Path, cfg: ScreeningConfig | None = None) -> pl.DataFrame:
    """The ordinary parcels of a manifest as history rows: desc_norm, hs6 (what a carrier declared)."""
    cfg = cfg or config.for_country("PE")
    with manifest.open("rb") as stream:
        result = ingest.ingest(stream, "csv", work, cfg)
    parcels = pl.scan_parquet([str(p) for p in result.parts]).select("desc_norm", "hs_code").collect()
    return parcels.filter(pl.col("hs_code").str.contains(r"^\d{6}")).select(
        "desc_norm", hs6=pl.col("hs_code").str.slice(0, 6)
    )


def calibrate_history(
    rows: pl.DataFrame,
    target: float = 0.001,
    cfg: ScreeningConfig | None = None,
    seed: int = 5,
    advisor: hs_check.Advisor | None = None,
) -> tuple[dict[str, float], dict[str, float]]:
    """Chooses the history rule's thresholds (support, confidence, ratio) on ordinary parcels of the calibration
    half, cross-fitted: its titles are split in two folds by a hash of the title; each fold is judged by the
    history built from the other, so no parcel is judged by a history holding its own title.

    Of the settings whose rule flags at most ``target`` of the ordinary parcels (the constraint, read on
    ordinary parcels only), the one that catches most codes planted on the same calibration titles (the three
    ways of ``planting``; a tie-break among admissible settings, never the held-out half) is kept. With the
    ``advisor`` (and ``cfg`` holding the service's calibrated thresholds), ``hs_history_vouch`` is then chosen
    the same way for the whole HS check (history rule, or the service's rules where the history does not vouch):
    the lowest out-of-fold false-flag rate among the settings within 1 point of the best planted recall.
    Returns the thresholds and what they did out of fold (false-flag rates, planted recall).
    """
    from clearway.ecommerce.evaluation import planting

    cfg = cfg or config.for_country("PE")
    if not planting.nomenclature_loaded():
        raise ValueError("planting.set_nomenclature(shared) first: the planted codes need the HS subheadings")
    rng = np.random.default_rng(seed)
    rows = rows.with_columns(fold=(pl.col("desc_norm").hash(seed=3) % 2).cast(pl.Int64))
    judged: dict[tuple[int, int, int], tuple[pl.DataFrame, pl.DataFrame]] = {}
    planted_by_fold: dict[int, pl.DataFrame] = {}
    for fold in (0, 1):
        declared = (
            rows.filter(pl.col("fold") == fold).unique("desc_norm", maintain_order=True).select("desc_norm", "hs6")
        )
        bad_codes: list[tuple[str, str, str]] = []
        for title, code in declared.iter_rows():
            v = planting.HS_VARIANTS[int(rng.integers(0, len(planting.HS_VARIANTS)))]
            bad = planting.implausible_code(v, title, code, rng)
            if bad is not None:
                bad_codes.append((title, bad, v))
        planted_by_fold[fold] = pl.DataFrame(
            bad_codes, schema={"desc_norm": pl.String, "hs6": pl.String, "variant": pl.String}, orient="row"
        )
    for fold in (0, 1):
        history = hs_history.HsHistory.build(rows.filter(pl.col("fold") != fold).select("desc_norm", "hs6"))
        part = rows.filter(pl.col("fold") == fold).group_by("desc_norm", "hs6").agg(n=pl.len())
        for (parcels, titles), words in itertools.product(HISTORY_SUPPORT, HISTORY_WORDS):
            c = replace(cfg, hs_history_min_parcels=parcels, hs_history_min_titles=titles, hs_history_min_words=words)
            judged[(fold, parcels, words)] = (
                part.join(history.judge(part, c), on=["desc_norm", "hs6"]),
                planted_by_fold[fold].join(history.judge(planted_by_fold[fold], c), on=["desc_norm", "hs6"]),
            )
    total = rows.height
    best: tuple[float, float, dict[str, float]] | None = None
    setting: dict[str, float]
    for (parcels, titles), words in itertools.product(HISTORY_SUPPORT, HISTORY_WORDS):
        ordinary = pl.concat([judged[(f, parcels, words)][0] for f in (0, 1)])
        planted = pl.concat([judged[(f, parcels, words)][1] for f in (0, 1)])
        for confidence in HISTORY_CONFIDENCE:
            for ratio in HISTORY_RATIO:
                c = replace(
                    cfg,
                    hs_history_min_parcels=parcels,
                    hs_history_min_titles=titles,
                    hs_history_min_words=words,
                    hs_history_confidence=confidence,
                    hs_history_ratio=ratio,
                )
                false = int(ordinary.filter(hs_history.rule(c))["n"].sum())
                if false > target * total:
                    continue
                caught = planted.filter(hs_history.rule(c)).height / max(1, planted.height)
                setting = {
                    "hs_history_min_parcels": parcels,
                    "hs_history_min_titles": titles,
                    "hs_history_min_words": words,
                    "hs_history_confidence": confidence,
                    "hs_history_ratio": ratio,
                }
                key = (round(caught, 4), -false / total)
                if best is None or key > (best[0], best[1]):
                    best = (key[0], key[1], setting)
    if best is None:  # no setting is admissible: one that flags nothing, and say so in the figures
        return {"hs_history_confidence": 2.0}, {"admissible": 0.0}
    found = dict(best[2])
    info = {"history_rule_recall_planted": best[0], "history_rule_false_flag_rate": round(-best[1], 5)}
    if advisor is None:
        return found, info
    key = (int(found["hs_history_min_parcels"]), int(found["hs_history_min_words"]))
    ordinary = pl.concat([judged[(f, key[0], key[1])][0] for f in (0, 1)])
    planted = pl.concat([judged[(f, key[0], key[1])][1] for f in (0, 1)])
    chosen = replace(cfg, **found)  # type: ignore[arg-type]
    pairs = pl.concat([ordinary.select("desc_norm", "hs6"), planted.select("desc_norm", "hs6")]).unique()
    pairs = pairs.join(matching.title_chapters(pairs["desc_norm"]), on="desc_norm", how="left")
    service = hs_check.service_reasons(pairs, chosen, advisor).select("desc_norm", "hs6", svc=pl.lit(True))
    ordinary = ordinary.join(service, on=["desc_norm", "hs6"], how="left").with_columns(pl.col("svc").fill_null(False))
    planted = planted.join(service, on=["desc_norm", "hs6"], how="left").with_columns(pl.col("svc").fill_null(False))
    results = []
    for vouch in HISTORY_VOUCH:
        c = replace(chosen, hs_history_vouch=vouch)
        flag = hs_history.rule(c) | (pl.col("svc") & ~hs_history.vouches(c))
        results.append(
            (
                vouch,
                int(ordinary.filter(flag)["n"].sum()) / total,
                planted.filter(flag).height / max(1, planted.height),
            )
        )
    top = max(r for _, _, r in results)
    vouch, rate, recall = min((r for r in results if r[2] >= top - 0.01), key=lambda r: (r[1], -r[2]))
    found["hs_history_vouch"] = vouch
    info.update({"hs_false_flag_rate": round(rate, 5), "hs_recall_planted": round(recall, 4)})
    return found, info
