"""Text matching of parcel descriptions against the recall list and the brand register, the way a person reads.

Only unique normalised descriptions are matched; a description is a candidate only when it contains a listed
brand as whole words (one Aho-Corasick pass in Polars). Then, per candidate:

- a brand written after "for", "with", "compatible", "fits" ("Back Cover for Apple iPad") names what the
  goods go with, not who made them: it is an accessory mention and matches nothing by itself;
- a recall with a model needs the model too (token-level: the model's letters and digits in a row, or a
  close spelling of it, ``partial_ratio`` ≥ the minimum score); without a model, the recall's product words
  must be in the title — two of them at least when the brand is an everyday word ("Moon", "Apple");
- the product type must agree: the HS chapters the title's product noun allows (``lexicon``) must include
  the recall's chapter ("a lighting chain is not a brooch");
- a registered brand that is an everyday word counts only as the first words of the title or next to one of
  the brand's model names ("Apple iPhone"), and only for goods of the brand's chapters.

Every match says which words matched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

from clearway.ecommerce import lexicon
from clearway.ecommerce.model import Recall, RegisteredBrand, normalise

ACCESSORY_WORDS = frozenset({"for", "with", "compatible", "fits", "fit", "suitable", "like", "to"})


def brand_hits(descs: pl.Series, brands: list[str]) -> pl.DataFrame:
    """Returns (desc_norm, brand_norm) for every description that contains a brand as whole words."""
    patterns = sorted({f" {b} " for b in (normalise(x) for x in brands) if b})
    if not patterns or descs.is_empty():
        return pl.DataFrame(schema={"desc_norm": pl.String, "brand_norm": pl.String})
    frame = pl.DataFrame({"desc_norm": descs.unique()})
    return (
        frame.with_columns(
            brand_norm=pl.concat_str([pl.lit(" "), pl.col("desc_norm"), pl.lit(" ")]).str.extract_many(
                patterns, overlapping=True
            )
        )
        .filter(pl.col("brand_norm").list.len() > 0)
        .explode("brand_norm")
        .with_columns(pl.col("brand_norm").str.strip_chars())
        .unique()
    )


def _positions(tokens: list[str], brand: list[str]) -> list[int]:
    n = len(brand)
    return [i for i in range(len(tokens) - n + 1) if tokens[i : i + n] == brand]


def brand_use(desc_norm: str, brand_norm: str) -> tuple[bool, bool]:
    """Tells whether a title names the brand as maker, and whether it leads the title.

    Only the head of the title counts: after "for", "with", "compatible", … the title says what the goods
    go with ("Back Cover for Apple iPad Air, Apple iPad Air 5").
    """
    tokens, brand = desc_norm.split(), brand_norm.split()
    end = next((i for i, t in enumerate(tokens) if t in ACCESSORY_WORDS and i > 0), len(tokens))
    maker = [i for i in _positions(tokens, brand) if i + len(brand) <= end]
    return bool(maker), bool(maker) and maker[0] == 0


def _without(desc_norm: str, brand_norm: str) -> str:
    """Removes the brand's words from a title (a brand that is a word, "Apple", is not the goods)."""
    drop = set(brand_norm.split())
    return " ".join(t for t in desc_norm.split() if t not in drop)


def _compact(text: str) -> str:
    return text.replace(" ", "")


def model_match(model: str, desc_norm: str, min_score: float) -> float:
    """Scores (0-100) how surely the title carries the model, comparing letters and digits without spaces."""
    model = _compact(normalise(model))
    if len(model) < 2:
        return 0.0
    compact = _compact(desc_norm)
    return 100.0 if model in compact else float(fuzz.partial_ratio(model, compact, score_cutoff=min_score))


@dataclass(frozen=True, slots=True)
class RecallHit:
    """A description that names a recalled product, with the words that matched."""

    recall_id: str
    score: float
    matched: str


def _content(text: str) -> set[str]:
    return {w for w in lexicon.words(text) if w not in lexicon.STOPWORDS and len(w) > 2}


def recall_hit(recall: Recall, desc_norm: str, min_score: float, lex: lexicon.Lexicon) -> RecallHit | None:
    """Decides whether a description (containing the recall's brand) names the recalled product."""
    brand = normalise(recall.brand)
    maker, _ = brand_use(desc_norm, brand)
    if not maker:
        return None
    common = lex.is_common(recall.brand)
    want = frozenset({recall.hs_code[:2]}) if recall.hs_code else lex.chapters(recall.product)
    got = lex.chapters(_without(desc_norm, brand))
    if want and got and not (want & got):
        return None
    title_words = set(lexicon.words(desc_norm))
    product = _content(recall.product) - set(lexicon.words(brand))
    shared = sorted(product & title_words)
    if normalise(recall.model):
        score = model_match(recall.model, desc_norm, min_score)
        if score < min_score:
            return None
        words = f"brand '{recall.brand}', model '{recall.model}'" + (
            f", product '{' '.join(shared)}'" if shared else ""
        )
        return RecallHit(recall.recall_id, score, words)
    if not product or len(shared) < (min(2, len(product)) if common else 1):
        return None
    score = 100.0 * len(shared) / len(product)
    return RecallHit(recall.recall_id, score, f"brand '{recall.brand}', product '{' '.join(shared)}'")


def match_recalls(descs: pl.Series, recalls: list[Recall], min_score: float) -> pl.DataFrame:
    """Returns (desc_norm, recall_id, recall_score, recall_words) for descriptions naming a recalled product."""
    empty = pl.DataFrame(
        schema={"desc_norm": pl.String, "recall_id": pl.String, "recall_score": pl.Float64, "recall_words": pl.String}
    )
    lex = lexicon.shipped()
    by_brand: dict[str, list[Recall]] = defaultdict(list)
    for recall in recalls:
        by_brand[normalise(recall.brand)].append(recall)
    hits = brand_hits(descs, [r.brand for r in recalls])
    rows: list[tuple[str, str, float, str]] = []
    for desc, brand in hits.iter_rows():
        for recall in by_brand.get(brand, ()):
            hit = recall_hit(recall, desc, min_score, lex)
            if hit is not None:
                rows.append((desc, hit.recall_id, hit.score, hit.matched))
    if not rows:
        return empty
    return pl.DataFrame(rows, schema=empty.schema, orient="row")


def brand_candidates(descs: pl.Series, brands: list[RegisteredBrand]) -> pl.DataFrame:
    """Returns (desc_norm, brand_norm, brand_words) where a title names a registered brand as its maker.

    An everyday-word brand counts only when it leads the title or stands next to one of its model names,
    and the title's goods are of the brand's chapters.
    """
    empty = pl.DataFrame(schema={"desc_norm": pl.String, "brand_norm": pl.String, "brand_words": pl.String})
    lex = lexicon.shipped()
    register = {normalise(b.brand): b for b in brands}
    rows: list[tuple[str, str, str]] = []
    for desc, brand_norm in brand_hits(descs, [b.brand for b in brands]).iter_rows():
        brand = register[brand_norm]
        maker, leads = brand_use(desc, brand_norm)
        if not maker:
            continue
        tokens = set(desc.split())
        models = [m for m in brand.models if set(normalise(m).split()) <= tokens]
        chapters = {code[:2] for code in brand.hs_codes}
        got = lex.chapters(_without(desc, brand_norm))
        if chapters and got and not (chapters & got) and not models:  # brand + its model name outweigh a noun
            continue
        if lex.is_common(brand.brand) and not models and not (leads and chapters and got):
            continue
        noun = lex.noun(_without(desc, brand_norm))
        words = f"brand '{brand.brand}'" + (f", model '{models[0]}'" if models else "")
        words += f", goods '{noun.word}'" if noun else ""
        rows.append((desc, brand_norm, words))
    return pl.DataFrame(rows, schema=empty.schema, orient="row") if rows else empty


def recalls_frame(recalls: list[Recall]) -> pl.DataFrame:
    """Returns the recall list as a frame for joining."""
    return pl.DataFrame(
        {
            "recall_id": [r.recall_id for r in recalls],
            "recall_product": [r.product for r in recalls],
            "recall_brand": [r.brand for r in recalls],
            "recall_model": [r.model for r in recalls],
            "recall_hazard": [r.hazard for r in recalls],
            "recall_hs2": [r.hs_code[:2] if r.hs_code else None for r in recalls],
        },
        schema={
            "recall_id": pl.String,
            "recall_product": pl.String,
            "recall_brand": pl.String,
            "recall_model": pl.String,
            "recall_hazard": pl.String,
            "recall_hs2": pl.String,
        },
    )


def brands_frame(brands: list[RegisteredBrand], usd_rates: dict[str, float]) -> pl.DataFrame:
    """Returns the brand register as a frame for joining, with the minimum genuine price in USD."""
    return pl.DataFrame(
        {
            "brand_norm": [normalise(b.brand) for b in brands],
            "brand": [b.brand for b in brands],
            "holder_norm": [normalise(b.rights_holder) for b in brands],
            "rights_holder": [b.rights_holder for b in brands],
            "min_price": [str(b.min_genuine_price) for b in brands],
            "brand_currency": [b.currency for b in brands],
            "min_price_usd": [float(b.min_genuine_price) * usd_rates.get(b.currency, float("nan")) for b in brands],
            "brand_hs": [list(b.hs_codes) for b in brands],
        },
        schema={
            "brand_norm": pl.String,
            "brand": pl.String,
            "holder_norm": pl.String,
            "rights_holder": pl.String,
            "min_price": pl.String,
            "brand_currency": pl.String,
            "min_price_usd": pl.Float64,
            "brand_hs": pl.List(pl.String),
        },
    )


def title_chapters(descs: pl.Series) -> pl.DataFrame:
    """Returns, per unique description naming a known noun: ``noun`` (the product noun: the last
    hand-written marketplace noun of the head, else its last nomenclature word), ``strong`` (whether it is a
    hand-written one), ``noun_chapters`` (chapters of the head's nouns) and ``any_chapters`` (chapters of
    every lexicon word of the whole title, the benefit of the doubt for the HS check).

    Vectorised: words are joined with every spelling of the lexicon's nouns.
    """
    lex = lexicon.shipped()
    table = pl.DataFrame(
        [(form, w, ";".join(sorted(ch)), w in lex.hand) for w, ch in lex.nouns.items() for form in lexicon.forms(w)],
        schema={"word": pl.String, "noun": pl.String, "chapters": pl.String, "strong": pl.Boolean},
        orient="row",
    ).unique("word", keep="first")
    frame = pl.DataFrame({"desc_norm": descs.unique()})
    cut = pl.col("desc_norm").str.replace(r"(^|\s)(for|with|compatible|fits|suitable)(\s.*)?$", "")
    head_len = cut.str.split(" ").list.len()
    words = (
        frame.with_columns(word=pl.col("desc_norm").str.split(" "), head_len=head_len)
        .with_columns(pos=pl.int_ranges(pl.col("word").list.len()))
        .explode("word", "pos")
        .join(table, on="word")
        .sort("pos")
    )
    chapters = pl.col("chapters").str.split(";").explode().unique().sort().str.join(";")
    in_head = words.filter(pl.col("pos") < pl.col("head_len"))
    head = in_head.group_by("desc_norm").agg(
        noun=pl.coalesce(pl.col("noun").filter(pl.col("strong")).last(), pl.col("noun").last()),
        strong=pl.col("strong").any(),
        noun_chapters=pl.coalesce(
            pl.col("chapters").filter(pl.col("strong")).str.split(";").explode().unique().sort().str.join(";"),
            chapters,
        ),
    )
    whole = words.group_by("desc_norm").agg(any_chapters=chapters)
    return head.join(whole, on="desc_norm", how="left")
