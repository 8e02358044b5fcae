"""Reading the seeded demo's stored reasons in another language: how long it takes, how many match a phrase.

Seeds the whole demo (every installed capability, random seed 2026) into a fresh SQLite database, reads every
stored reason and notification text (declaration history, risk reasons, single-window messages, parcel
reasons), then renders all of them in es, pt and fr through the console's catalogues (each language from a
cold phrase book, then again warm). Prints and writes benchmarks/results/reason_languages.json.

    python benchmarks/reason_languages.py
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from clearway import bootstrap
from clearway.console import i18n
from clearway.platform.capability import DemoContext
from clearway.platform.i18n import Reader, phrase_book
from clearway.platform.migrate import upgrade
from clearway.platform.settings import Settings

RESULTS = Path(__file__).parent / "results"
STORED = (
    ("declaration_events", "reason", "text"),
    ("risk_assessments", "reasons", "json"),
    ("sw_applications", "message", "text"),
    ("sw_application_events", "message", "text"),
    ("ecommerce_parcels", "reasons", "bars"),
)


def main() -> None:
    """Seeds, reads, renders, prints and writes the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(env="test", database_url=f"sqlite:///{tmp}/demo.db", data_dir=Path(tmp), secret_key="b-k")
        bootstrap.import_tables()
        runtime = bootstrap.build_runtime(settings)
        upgrade(runtime.engine)
        started = time.perf_counter()
        ctx = DemoContext(runtime=runtime, rng=random.Random(2026), say=lambda _: None)
        for cap in bootstrap.capabilities():
            if cap.seed_demo is not None:
                cap.seed_demo(ctx)
        seeded = time.perf_counter() - started
        texts: list[str] = []
        with runtime.engine.connect() as conn:
            for table, column, kind in STORED:
                for (value,) in conn.execute(text(f"SELECT {column} FROM {table}")):
                    if value:
                        items = (
                            json.loads(value) if kind == "json" else value.split(" | ") if kind == "bars" else [value]
                        )
                        texts.extend(i for i in items if i)
        book = phrase_book(runtime.ports)
        runtime.engine.dispose()
    known = sum(book.known(t) for t in texts)
    out: dict[str, object] = {
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "seed_seconds": round(seeded, 1),
        "texts": len(texts),
        "distinct_texts": len(set(texts)),
        "phrases": len(book.phrases),
        "matching_a_phrase": known,
    }
    for lang in ("es", "pt", "fr"):
        read = Reader(book, lang, i18n.translations(lang).gettext, locale_name=i18n.FORMAT_LOCALES[lang])
        runs = []
        for _ in range(3):
            book._seen.clear()
            t0 = time.perf_counter()
            for t in texts:
                read(t)
            runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for t in texts:
            read(t)
        warm = time.perf_counter() - t0
        out[lang] = {
            "cold_ms_median": round(statistics.median(runs) * 1000, 1),
            "warm_ms": round(warm * 1000, 1),
            "us_per_text_cold": round(statistics.median(runs) / len(texts) * 1e6, 1),
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reason_languages.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
