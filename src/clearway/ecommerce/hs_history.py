"""Classification history as evidence: which HS headings past parcels with titles like this one were declared under.

The way peer prices are evidence for a declared value, the codes declared (and accepted) for past parcels are
evidence for a declared HS code. The model is counts, nothing learnt beyond them, so that every judgement can
be said in a sentence ("of 412 past parcels whose titles share 'wedges', 'women', 96 % were declared under
heading 6402; none under the declared 4901"):

* a **key** of a normalised title is the title itself (``t:``), one of its first ``MAX_WORDS`` content words
  (``w:``) or an unordered pair of them (``p:``);
* per key the model keeps the past parcels per HS heading (``n``; per chapter when ``level`` is 2), its
  parcels in all (``n_all``) and its distinct titles (``t_all``);
* for a title, the keys with enough **support** (``n_all`` ≥ ``min_parcels`` and, except the title itself,
  ``t_all`` ≥ ``min_titles``) are evidence; the most **confident** one is the key whose top heading has the
  largest smoothed share ``n_top / (n_all + smoothing)`` (a small key that is pure by chance does not win),
  among pairs and the title itself only when ``min_words`` is 2 (a single word — a brand, "auto", "girl" — is
  often pure in a history for reasons that have nothing to do with the goods);
* the declared heading's **vouch** is its largest share under any supported key of the title: a heading
  that some well-supported key of the title often carries is not "rare for such titles".

``hs_check`` flags a declared heading when the most confident key is confident enough and no supported key
vouches for it (a few poisoned rows cannot flag a correct code: it stays vouched for by its own keys), and
lets the history vouch against the service's own flags when some supported key carries the declared heading
often enough (``hs_history_vouch``). Results are cached per (title, heading), per support setting, like the
``Advisor``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from clearway.ecommerce import lexicon
from clearway.ecommerce.model import ScreeningConfig

MAX_WORDS = 10  # content words of a title that make keys (at most 45 pairs)
KEEP_FLOOR = 3  # keys with fewer past parcels are dropped when the model is built (never enough support)
# words and pairs of a single title are dropped too (the title's own key says the same): the model stays
# compact, and ``hs_history_min_titles`` under 2 means 2
KEEP_TITLES = 2
CHUNK = 20_000  # titles turned into keys at a time
MAX_CACHE = 500_000
# Gender and age words tell clothing headings apart (6204 women's, 6203 men's, 6111 babies'): kept as words.
STOPWORDS = lexicon.STOPWORDS - {"men", "mens", "women", "womens", "girls", "boys", "kids", "baby"}
JUDGED_SCHEMA = {
    "desc_norm": pl.String,
    "hs6": pl.String,
    "hist_key": pl.String,
    "hist_n": pl.Int64,
    "hist_conf": pl.Float64,
    "hist_top": pl.String,
    "hist_top_share": pl.Float64,
    "hist_declared_share": pl.Float64,
    "hist_vouch": pl.Float64,
}


def normalise(text: pl.Expr) -> pl.Expr:
    """The normalised title, as intake writes ``desc_norm``."""
    return text.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars().fill_null("")


def keys_of(titles: pl.Series) -> pl.DataFrame:
    """Returns (desc_norm, key) for every key of each distinct title: itself, its content words, their pairs."""
    frame = pl.DataFrame({"desc_norm": titles.unique()}, schema={"desc_norm": pl.String})
    frame = frame.filter(pl.col("desc_norm") != "")
    content = (pl.element().str.len_chars() >= 3) & ~pl.element().is_in(sorted(STOPWORDS))
    content = content & ~pl.element().str.contains(r"^\d+$")
    words = (
        frame.with_columns(
            w=pl.col("desc_norm")
            .str.split(" ")
            .list.eval(pl.element().filter(content))
            .list.unique(maintain_order=True)
        )
        .with_columns(pl.col("w").list.head(MAX_WORDS))
        .explode("w")
        .drop_nulls("w")
    )
    singles = words.select("desc_norm", key=pl.lit("w:") + pl.col("w"))
    pairs = (
        words.join(words, on="desc_norm", suffix="_b")
        .filter(pl.col("w") < pl.col("w_b"))
        .select("desc_norm", key=pl.concat_str([pl.lit("p:"), pl.col("w"), pl.lit(" "), pl.col("w_b")]))
    )
    exact = frame.select("desc_norm", key=pl.lit("t:") + pl.col("desc_norm"))
    return pl.concat([exact, singles, pairs])


def key_words(key: pl.Expr) -> pl.Expr:
    """The words of a word or pair key, quoted and joined ("'wedges', 'women'")."""
    inner = key.str.slice(2).str.split(" ").list.eval(pl.lit("'") + pl.element() + pl.lit("'")).list.join(", ")
    return inner


@dataclass
class HsHistory:
    """Counts of past parcels per (title key, HS heading), built from (desc_norm, hs6, parcels) rows."""

    counts: pl.DataFrame  # key, hs4, n
    totals: pl.DataFrame  # key, n_all, t_all
    parcels: int
    titles: int
    title_set: frozenset[str] = frozenset()
    cache: dict[tuple[str, str], tuple[str | None, int, float, str | None, float, float, float]] = field(
        default_factory=dict
    )
    _setting: tuple[int, int, float, int, int] = (0, 0, 0.0, 0, 0)
    _by_level: dict[int, pl.DataFrame] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: pl.DataFrame) -> HsHistory:
        """Builds the model from rows of (desc_norm, hs6[, parcels]): one row per past parcel, or counted."""
        if "parcels" not in rows.columns:
            rows = rows.with_columns(parcels=pl.lit(1, pl.Int64))
        pairs = (
            rows.filter(pl.col("desc_norm").is_not_null() & pl.col("hs6").str.contains(r"^\d{6}"))
            .group_by("desc_norm", hs4=pl.col("hs6").str.slice(0, 4))
            .agg(n=pl.col("parcels").cast(pl.Int64).sum())
            .filter(pl.col("n") > 0)
        )
        titles = pairs["desc_norm"].unique()
        counts: list[pl.DataFrame] = []
        distinct: list[pl.DataFrame] = []
        for start in range(0, titles.len(), CHUNK):
            keys = keys_of(titles.slice(start, CHUNK))
            counts.append(keys.join(pairs, on="desc_norm").group_by("key", "hs4").agg(pl.col("n").sum()))
            distinct.append(keys.group_by("key").agg(t=pl.len()))
        schema = {"key": pl.String, "hs4": pl.String, "n": pl.Int64}
        c = pl.concat(counts).group_by("key", "hs4").agg(pl.col("n").sum()) if counts else pl.DataFrame(schema=schema)
        t = (
            pl.concat(distinct).group_by("key").agg(t_all=pl.col("t").sum())
            if distinct
            else pl.DataFrame(schema={"key": pl.String, "t_all": pl.UInt32})
        )
        keep = (pl.col("n_all") >= KEEP_FLOOR) & (
            pl.col("key").str.starts_with("t:") | (pl.col("t_all") >= KEEP_TITLES)
        )
        totals = c.group_by("key").agg(n_all=pl.col("n").sum()).join(t, on="key").filter(keep)
        c = c.join(totals.select("key"), on="key", how="semi")
        return cls(
            counts=c,
            totals=totals.with_columns(pl.col("t_all").cast(pl.Int64)),
            parcels=int(pairs["n"].sum()),
            titles=titles.len(),
            title_set=frozenset(titles.to_list()),
        )

    def judge(self, pairs: pl.DataFrame, cfg: ScreeningConfig) -> pl.DataFrame:
        """Returns, per (desc_norm, hs6) pair, the most confident supported key (its words, parcels, smoothed
        confidence, top heading and its share), the declared heading's share under it, and its vouch (largest
        share under any supported key). A title with no supported key has a null ``hist_key``."""
        setting = (
            cfg.hs_history_min_parcels,
            cfg.hs_history_min_titles,
            cfg.hs_history_smoothing,
            cfg.hs_history_min_words,
            cfg.hs_history_level,
        )
        if setting != self._setting:
            self.cache.clear()
            self._setting = setting
        wanted = pairs.select("desc_norm", "hs6").unique(maintain_order=True)
        level = cfg.hs_history_level
        todo = [(d, h) for d, h in wanted.iter_rows() if (d, h[:level]) not in self.cache]
        if todo:
            if len(self.cache) + len(todo) > MAX_CACHE:
                self.cache.clear()
            self._score(pl.DataFrame(todo, schema={"desc_norm": pl.String, "hs6": pl.String}, orient="row"), cfg)
        rows = [(d, h, *self.cache[(d, h[:level])]) for d, h in wanted.iter_rows()]
        return pl.DataFrame(rows, schema=JUDGED_SCHEMA, orient="row")

    def _score(self, todo: pl.DataFrame, cfg: ScreeningConfig) -> None:
        level = cfg.hs_history_level
        todo = todo.with_columns(hs4=pl.col("hs6").str.slice(0, level)).unique(["desc_norm", "hs4"])
        if level >= 4:
            self._by_level[level] = self.counts
        elif level not in self._by_level:
            self._by_level[level] = self.counts.group_by("key", hs4=pl.col("hs4").str.slice(0, level)).agg(
                pl.col("n").sum()
            )
        supported = (pl.col("n_all") >= cfg.hs_history_min_parcels) & (
            pl.col("key").str.starts_with("t:") | (pl.col("t_all") >= cfg.hs_history_min_titles)
        )
        keys = keys_of(todo["desc_norm"]).join(self.totals.filter(supported), on="key")
        dist = keys.join(self._by_level[level], on="key").with_columns(share=pl.col("n") / pl.col("n_all"))
        top = (
            dist.sort("n", descending=True)
            .group_by("desc_norm", "key")
            .agg(
                n_all=pl.col("n_all").first(),
                n_top=pl.col("n").first(),
                top=pl.col("hs4").first(),
                top_share=pl.col("share").first(),
            )
            .with_columns(conf=pl.col("n_top") / (pl.col("n_all") + cfg.hs_history_smoothing))
        )
        evidence = top.filter(~pl.col("key").str.starts_with("w:")) if cfg.hs_history_min_words > 1 else top
        best = evidence.sort(["conf", "n_all", "key"], descending=[True, True, False]).group_by("desc_norm").first()
        vouch = dist.group_by("desc_norm", "hs4").agg(vouch=pl.col("share").max())
        declared = dist.select("desc_norm", "key", "hs4", declared_share="share")
        out = (
            todo.join(best, on="desc_norm", how="left")
            .join(declared, on=["desc_norm", "key", "hs4"], how="left")
            .join(vouch, on=["desc_norm", "hs4"], how="left")
            .with_columns(pl.col("declared_share", "vouch").fill_null(0.0))
        )
        for d, h, key, n, conf, top_hs4, top_share, share, v in out.select(
            "desc_norm", "hs4", "key", "n_all", "conf", "top", "top_share", "declared_share", "vouch"
        ).iter_rows():
            self.cache[(d, h)] = (
                key,
                int(n or 0),
                round(float(conf or 0.0), 4),
                top_hs4,
                round(float(top_share or 0.0), 4),
                round(float(share), 4),
                round(float(v), 4),
            )


def rule(cfg: ScreeningConfig) -> pl.Expr:
    """The history's implausibility rule over judged pairs: a confident key, and no supported key of the title
    that vouches for the declared heading."""
    return (
        pl.col("hist_key").is_not_null()
        & (pl.col("hist_conf") >= cfg.hs_history_confidence)
        & (pl.col("hist_vouch") <= cfg.hs_history_ratio)
        & (pl.col("hist_top") != pl.col("hs6").str.slice(0, cfg.hs_history_level))
    ).fill_null(False)


def vouches(cfg: ScreeningConfig) -> pl.Expr:
    """The history vouches for the declared heading: some supported key of the title (the title, a word, a pair)
    has at least ``hs_history_vouch`` of its past parcels under it."""
    if cfg.hs_history_vouch <= 0:
        return pl.lit(False)
    return (pl.col("hist_vouch") >= cfg.hs_history_vouch).fill_null(False)
