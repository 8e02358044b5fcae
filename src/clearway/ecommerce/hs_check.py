"""Declared HS code vs the parcel's title: is the code plausible for the goods the title names?

Two stages, both per unique (normalised title, declared HS6) pair, so the cost follows the number of
distinct items, not of parcels:

1. **cheap**: the marketplace lexicon (``lexicon``) gives the chapters the title's words point at. A
   declared chapter among them is plausible and goes no further (most parcels stop here).
2. **expensive, candidates only**: the HS-suggestion service of ``clearway.classification`` scores every
   subheading for the title (one sparse product per batch, ``Index.scores``); the declared chapter's best
   score is compared with the best score of any chapter. The pair is flagged when that ratio is under
   ``hs_lexicon_ratio`` and the lexicon names goods of another HS section (two readers agree), or under the
   stricter ``hs_suggest_ratio`` when only the service speaks, and never when the service's best score is
   too low to mean anything (``hs_min_best``).
3. **heading level, where the service is confident**: when ``hs_heading_ratio`` is above 0, every pair is
   scored (the lexicon's chapter pass does not end it) and a pair is flagged when the service's best score is
   at least ``hs_heading_min_best``, its runner-up heading scores under ``hs_heading_margin`` of its best
   (the suggestion is confident) and the declared heading scores under ``hs_heading_ratio`` of the best (a
   neighbouring heading of the right chapter). Elsewhere plausibility stays at chapter/section level.

4. **classification history, when one is loaded** (``hs_history``): a declared heading that past parcels with
   such titles were (almost) never declared under, where the history is confident and has support, is
   implausible, and the reason says what the history shows; a heading the history often saw for such titles
   is not flagged by stages 1–3. Without a history, stages 1–3 exactly as before.

The scores are those of ``classification``'s suggestion (``Index.scores`` = ``Index.suggest``'s ranking:
head-noun weighting, 'for …' tails, shop phrases), batched per distinct normalised title.

The reason gives the declared code, the codes the service suggests and the words that matched. Results are
cached per pair in the :class:`Advisor` (bounded), which a streaming run keeps across its buckets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from clearway.classification.model import Index
from clearway.ecommerce import hs_history, lexicon, phrases
from clearway.ecommerce.model import ScreeningConfig
from clearway.ecommerce.phrases import fmt

BATCH = 2_000
MAX_CACHE = 500_000
_CHAPTER_SECTION = {f"{c:02d}": lexicon.section(f"{c:02d}") for c in range(1, 100)}
PAIR_SCHEMA = {
    "desc_norm": pl.String,
    "hs6": pl.String,
    "hs_ratio": pl.Float64,
    "hs_head_ratio": pl.Float64,
    "hs_second": pl.Float64,
    "hs_best": pl.Float64,
    "hs_suggested": pl.String,
    "hs_words": pl.String,
}


@dataclass
class Advisor:
    """The HS-suggestion index with per-pair results cached: (title, HS6) → chapter ratio, heading ratio,
    runner-up heading ratio, best score, suggested codes, matched words."""

    index: Index
    cache: dict[tuple[str, str], tuple[float, float, float, float, str, str]] = field(default_factory=dict)
    scored_titles: int = 0

    def __post_init__(self) -> None:
        codes = self.index.codes
        self._chapter_starts = np.array([i for i, c in enumerate(codes) if i == 0 or c[:2] != codes[i - 1][:2]])
        self._chapter_of = {codes[i][:2]: k for k, i in enumerate(self._chapter_starts)}
        self._heading_starts = np.array([i for i, c in enumerate(codes) if i == 0 or c[:4] != codes[i - 1][:4]])
        self._heading_of = {codes[i][:4]: k for k, i in enumerate(self._heading_starts)}

    def judge(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """Returns, per (desc_norm, hs6) pair, the declared chapter's and heading's score ratios to the best,
        the runner-up heading's ratio (low: a confident suggestion), the best score, the suggested codes and
        the words of the title that matched the first suggestion."""
        todo = [(d, h) for d, h in pairs.select("desc_norm", "hs6").iter_rows() if (d, h) not in self.cache]
        if todo:
            self._score(todo)
        rows = [(d, h, *self.cache[(d, h)]) for d, h in pairs.select("desc_norm", "hs6").iter_rows()]
        return pl.DataFrame(rows, schema=PAIR_SCHEMA, orient="row")

    def _score(self, todo: list[tuple[str, str]]) -> None:
        if len(self.cache) + len(todo) > MAX_CACHE:
            self.cache.clear()
        titles = list(dict.fromkeys(d for d, _ in todo))
        self.scored_titles += len(titles)
        by_title: dict[str, list[str]] = {}
        for d, h in todo:
            by_title.setdefault(d, []).append(h)
        for start in range(0, len(titles), BATCH):
            batch = titles[start : start + BATCH]
            dense = self.index.scores(batch)
            chapters = np.maximum.reduceat(dense, self._chapter_starts, axis=1)
            headings = np.maximum.reduceat(dense, self._heading_starts, axis=1)
            runner_up = np.partition(headings, -2, axis=1)[:, -2] if headings.shape[1] > 1 else headings[:, 0] * 0
            best = dense.max(axis=1)
            part = np.argpartition(-dense, 3, axis=1)[:, :3]
            order = np.argsort(-np.take_along_axis(dense, part, axis=1), axis=1)
            top = np.take_along_axis(part, order, axis=1)
            for i, title in enumerate(batch):
                suggested = [self.index.codes[j] for j in top[i]]
                text = "; ".join(f"{c} {_short(self.index, c)}" for c in suggested)
                words = ", ".join(self.index.matched(title, suggested[0])) if best[i] > 0 else ""
                top_score = float(best[i])
                second = float(runner_up[i]) / top_score if top_score > 0 else 1.0
                for hs6 in by_title[title]:
                    k = self._chapter_of.get(hs6[:2])
                    hk = self._heading_of.get(hs6[:4])
                    got = float(chapters[i, k]) if k is not None else 0.0
                    got_heading = float(headings[i, hk]) if hk is not None else 0.0
                    ratio = got / top_score if top_score > 0 else 1.0
                    head_ratio = got_heading / top_score if top_score > 0 else 1.0
                    self.cache[(title, hs6)] = (
                        round(ratio, 4),
                        round(head_ratio, 4),
                        round(second, 4),
                        round(top_score, 4),
                        text,
                        words,
                    )


def _short(index: Index, code: str) -> str:
    entry = index.entries.get(code)
    heading = index.entries.get(code[:4])
    text = entry.description if entry else ""
    if heading is not None and text.lower().startswith("other"):
        text = f"{heading.description[:40]}: {text}"
    return f"({text[:60]})"


def advisor_of(index: Index | None, cache: dict[str, Any] | None) -> Advisor | None:
    """Returns the process's advisor for an index (kept in the runtime's cache), or None without an index."""
    if index is None:
        return None
    if cache is None:
        return Advisor(index)
    held: Advisor | None = cache.get("ecommerce.hs_advisor")
    if held is None or held.index is not index:
        held = Advisor(index)
        cache["ecommerce.hs_advisor"] = held
    return held


def _sections(col: pl.Expr) -> pl.Expr:
    return col.str.split(";").list.eval(pl.element().replace_strict(_CHAPTER_SECTION, default=0, return_dtype=pl.Int64))


def lexicon_view(df: pl.DataFrame) -> pl.DataFrame:
    """The cheap stage over unique pairs: ``lex_chapter`` (the lexicon names the declared chapter),
    ``lex_against`` (the title's head names goods of one other section only)."""
    pairs = df.filter(pl.col("hs6").is_not_null()).select(
        "desc_norm", "hs6", "noun", "strong", "noun_chapters", "any_chapters"
    )
    pairs = pairs.unique(["desc_norm", "hs6"])
    chapter = pl.col("hs6").str.slice(0, 2)
    allowed = pl.concat_str([pl.col("noun_chapters"), pl.col("any_chapters")], separator=";", ignore_nulls=True)
    declared_section = chapter.replace_strict(_CHAPTER_SECTION, default=0, return_dtype=pl.Int64)
    own = _sections(pl.col("noun_chapters"))
    sure = pl.col("strong").fill_null(False) & (own.list.n_unique() == 1)
    # A title with a hand-written marketplace noun passes the cheap stage by its head's nouns only: a word
    # elsewhere in the title ("Fabric" in "Voylla Fabric Necklace") is what a fraudster picks a decoy by.
    head_allows = pl.col("noun_chapters").fill_null("").str.split(";").list.contains(chapter)
    any_allows = allowed.fill_null("").str.split(";").list.contains(chapter)
    return pairs.with_columns(
        lex_chapter=pl.when(sure).then(head_allows).otherwise(any_allows),
        lex_against=(sure & ~_sections(allowed.fill_null("")).list.contains(declared_section)).fill_null(False),
    )


def heading_level(cfg: ScreeningConfig) -> bool:
    """Whether the heading-level rule is on (then every pair is scored, not only the lexicon's candidates)."""
    return cfg.hs_heading_ratio > 0


def chapter_rule(cfg: ScreeningConfig) -> pl.Expr:
    """The chapter/section rule over judged pairs (``lex_chapter``, ``lex_against``, ``hs_ratio``, ``hs_best``)."""
    knows = pl.col("hs_best") >= cfg.hs_min_best
    return (
        ~pl.col("lex_chapter")
        & knows
        & (
            (pl.col("lex_against") & (pl.col("hs_ratio") < cfg.hs_lexicon_ratio))
            | (pl.col("hs_ratio") < cfg.hs_suggest_ratio)
        )
    )


def heading_rule(cfg: ScreeningConfig) -> pl.Expr:
    """The heading rule: a confident suggestion whose heading is far from the declared one."""
    if not heading_level(cfg):
        return pl.lit(False)
    return (
        (pl.col("hs_best") >= cfg.hs_heading_min_best)
        & (pl.col("hs_second") < cfg.hs_heading_margin)
        & (pl.col("hs_head_ratio") < cfg.hs_heading_ratio)
    )


def judged_pairs(df: pl.DataFrame, cfg: ScreeningConfig, advisor: Advisor) -> pl.DataFrame:
    """The unique (title, HS6) pairs with the lexicon's view and, where needed, the service's scores."""
    pairs = lexicon_view(df)
    candidates = pairs if heading_level(cfg) else pairs.filter(~pl.col("lex_chapter"))
    if candidates.is_empty():
        return candidates.join(pl.DataFrame(schema=PAIR_SCHEMA), on=["desc_norm", "hs6"])
    return candidates.join(advisor.judge(candidates), on=["desc_norm", "hs6"])


def implausible(
    df: pl.DataFrame,
    cfg: ScreeningConfig,
    advisor: Advisor | None,
    name: str,
    history: hs_history.HsHistory | None = None,
) -> pl.DataFrame:
    """Returns (parcel_id, reason) for parcels whose declared HS code is implausible for their title.

    With a classification ``history``, a declared heading the history says is rare for such titles is
    implausible too, and a heading the history vouches for is not flagged by the service's rules."""
    empty = pl.DataFrame(schema={"parcel_id": pl.String, name: pl.String})
    if df.is_empty():
        return empty
    reasons = service_reasons(df, cfg, advisor)
    if history is not None:
        reasons = _with_history(df, reasons, cfg, history, advisor)
    return (
        df.select("parcel_id", "desc_norm", "hs6")
        .join(reasons, on=["desc_norm", "hs6"])
        .select("parcel_id", pl.col("reason").alias(name))
    )


def _with_history(
    df: pl.DataFrame,
    reasons: pl.DataFrame,
    cfg: ScreeningConfig,
    history: hs_history.HsHistory,
    advisor: Advisor | None,
) -> pl.DataFrame:
    """The service's reasons less those the history vouches against, plus the history's own flags (its reason
    first: it says what past parcels show). A history flag on another heading of the chapter the history holds
    is dropped where the nomenclature reads the title as the declared heading (its score at least
    ``hs_history_service_heading`` of the best): there the history's habit and the nomenclature disagree, and
    the habit alone is no reason to hold the parcel."""
    pairs = df.filter(pl.col("hs6").is_not_null()).select("desc_norm", "hs6").unique()
    if pairs.is_empty():
        return reasons
    judged = history.judge(pairs, cfg).with_columns(hist_flag=hs_history.rule(cfg))
    if advisor is not None and cfg.hs_history_service_heading > 0 and cfg.hs_history_level >= 4:
        same_chapter = pl.col("hist_flag") & (pl.col("hist_top").str.slice(0, 2) == pl.col("hs6").str.slice(0, 2))
        within = judged.filter(same_chapter).select("desc_norm", "hs6")
        if within.height:
            read = advisor.judge(within).select(
                "desc_norm", "hs6", backs=pl.col("hs_head_ratio") >= cfg.hs_history_service_heading
            )
            judged = judged.join(read, on=["desc_norm", "hs6"], how="left").with_columns(
                hist_flag=pl.col("hist_flag") & ~pl.col("backs").fill_null(False)
            )
    exact = pl.col("hist_key").str.starts_with("t:")
    common: dict[str, pl.Expr] = {
        "hs6": pl.col("hs6"),
        "n": pl.col("hist_n"),
        "top_share": (100 * pl.col("hist_top_share")).round(0).cast(pl.Int64),
        "top": pl.col("hist_top"),
        "declared_share": (100 * pl.col("hist_declared_share")).round(0).cast(pl.Int64),
        "declared": pl.col("hs6").str.slice(0, cfg.hs_history_level),
    }
    by_title = fmt(phrases.HS_HISTORY_TITLE, "", **common)
    by_words = fmt(phrases.HS_HISTORY, "", words=hs_history.key_words(pl.col("hist_key")), **common)
    own = pl.when(exact).then(by_title).otherwise(by_words)
    out = judged.join(reasons, on=["desc_norm", "hs6"], how="left").with_columns(
        reason=pl.when(pl.col("hist_flag")).then(own).when(~hs_history.vouches(cfg)).then(pl.col("reason"))
    )
    return out.filter(pl.col("reason").is_not_null()).select("desc_norm", "hs6", "reason")


def service_reasons(df: pl.DataFrame, cfg: ScreeningConfig, advisor: Advisor | None) -> pl.DataFrame:
    """(desc_norm, hs6, reason) of the pairs the lexicon and the HS-suggestion service find implausible."""
    empty = pl.DataFrame(schema={"desc_norm": pl.String, "hs6": pl.String, "reason": pl.String})
    lexicon_words = pl.when(pl.col("lex_against")).then(
        fmt(
            phrases.LEXICON,
            prefix="; ",
            noun=pl.col("noun"),
            chapters=pl.col("noun_chapters").str.replace_all(";", " or "),
        )
    )
    if advisor is None:  # no nomenclature loaded: the lexicon alone, as before the service existed
        candidates = lexicon_view(df).filter(~pl.col("lex_chapter"))
        flagged = candidates.filter(pl.col("lex_against")).with_columns(
            reason=fmt(
                phrases.HS_NO_SERVICE, hs6=pl.col("hs6"), chapter=pl.col("hs6").str.slice(0, 2), lexicon=lexicon_words
            )
        )
    else:
        judged = judged_pairs(df, cfg, advisor)
        if judged.is_empty():
            return empty
        at_chapter = chapter_rule(cfg)
        words = pl.when(pl.col("hs_words") == "").then(pl.lit("none")).otherwise(pl.col("hs_words"))
        flagged = judged.filter(at_chapter | heading_rule(cfg)).with_columns(
            reason=pl.when(at_chapter)
            .then(
                fmt(
                    phrases.HS_CHAPTER,
                    hs6=pl.col("hs6"),
                    chapter=pl.col("hs6").str.slice(0, 2),
                    suggested=pl.col("hs_suggested"),
                    words=words,
                    ratio=(100 * pl.col("hs_ratio")).round(0).cast(pl.Int64),
                    lexicon=lexicon_words.fill_null(""),
                )
            )
            .otherwise(
                fmt(
                    phrases.HS_HEADING,
                    hs6=pl.col("hs6"),
                    heading=pl.col("hs6").str.slice(0, 4),
                    suggested=pl.col("hs_suggested"),
                    words=words,
                    second=(100 * pl.col("hs_second")).round(0).cast(pl.Int64),
                    ratio=(100 * pl.col("hs_head_ratio")).round(0).cast(pl.Int64),
                )
            )
        )
    return flagged.select("desc_norm", "hs6", "reason")
