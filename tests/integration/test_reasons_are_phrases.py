"""Every reason and notification the whole demo stores was written from a phrase, so it reads in every language.

SQLite only (the demo seed is long). What stays as written is listed: the demo officers' own notes (a person's
words). The crisis protocols' reasons are phrases too; the pack's own words in them (its title, a measure's title)
stay as the pack wrote them.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from clearway import bootstrap
from clearway.console import i18n
from clearway.platform.capability import DemoContext
from clearway.platform.i18n import Reader, phrase_book
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings

# (table, column, how the column holds its texts)
STORED = (
    ("declaration_events", "reason", "text"),
    ("risk_assessments", "reasons", "json"),
    ("sw_applications", "message", "text"),
    ("sw_application_events", "message", "text"),
    ("ecommerce_parcels", "reasons", "bars"),
)
# Written by people in the demo (officers deciding a control), not by the platform: shown as written.
PEOPLE = {
    "control completed",
    "control completed; duties and fine reassessed",
    "goods detained pending seizure review",
    "duties settled and post-release checks complete",
}
# The reasons written under a crisis protocol (the demo seeds relief consignments under one).
CRISIS = ("priority lane under crisis protocol", "penalties for late documents waived", "accepted provisionally under")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Runtime]:
    tmp = tmp_path_factory.mktemp("phrases-demo")
    shutil.copy(sqlite_template, tmp / "demo.db")
    settings = Settings(env="test", database_url=f"sqlite:///{tmp / 'demo.db'}", data_dir=tmp, secret_key="demo-k")
    bootstrap.import_tables()
    runtime = bootstrap.build_runtime(settings)
    runtime.caches["platform.migrated"] = True
    ctx = DemoContext(runtime=runtime, rng=random.Random(2026), say=lambda _: None)
    for cap in sorted(bootstrap.capabilities(), key=lambda c: c.seed_order):
        if cap.seed_demo is not None:
            cap.seed_demo(ctx)
    yield runtime
    runtime.engine.dispose()


def stored_texts(runtime: Runtime) -> list[tuple[str, str]]:
    """Every stored reason and notification text of the demo, with the table it is in."""
    out: list[tuple[str, str]] = []
    with runtime.engine.connect() as conn:
        for table, column, kind in STORED:
            for (value,) in conn.execute(text(f"SELECT {column} FROM {table}")):
                if not value:
                    continue
                items = json.loads(value) if kind == "json" else value.split(" | ") if kind == "bars" else [value]
                out.extend((table, item) for item in items if item)
    return out


def test_every_stored_reason_matches_a_phrase(demo: Runtime) -> None:
    book = phrase_book(demo.ports)
    texts = stored_texts(demo)
    tables = {t for t, _ in texts}
    assert tables == {t for t, _, _ in STORED}, tables  # the demo fills every one of them
    unknown = sorted({(t, s[:160]) for t, s in texts if not book.known(s) and s not in PEOPLE})
    assert not unknown, f"{len(unknown)} stored texts match no phrase (they would stay English): {unknown[:10]}"


def test_the_demo_s_reasons_read_in_spanish_and_the_time_it_takes(demo: Runtime) -> None:
    book = phrase_book(demo.ports)
    texts = [s for _, s in stored_texts(demo)]
    timings = {}
    for lang in ("es", "pt", "fr"):
        read = Reader(book, lang, i18n.translations(lang).gettext, locale_name=i18n.FORMAT_LOCALES[lang])
        book._seen.clear()  # each language starts without the matches of the one before
        started = time.perf_counter()
        rendered = [read(s) for s in texts]
        timings[lang] = time.perf_counter() - started
        changed = sum(r != s for r, s in zip(rendered, texts, strict=True))
        assert changed >= 0.9 * sum(s not in PEOPLE for s in texts), lang
    print(
        f"\ntranslating {len(texts)} stored reasons of the seeded demo: "
        + ", ".join(f"{lang} {seconds * 1000:.0f} ms" for lang, seconds in timings.items())
    )
    es = Reader(book, "es", i18n.translations("es").gettext)
    assert es("no risk criteria matched") == "ningún criterio de riesgo coincidió"


@pytest.mark.parametrize(
    ("lang", "words", "english"),
    [
        ("es", ("protocolo de crisis «", "canal prioritario según el"), "priority lane under"),
        ("pt", ("protocolo de crise «", "canal prioritário segundo o"), "priority lane under"),
        ("fr", ("protocole de crise « ", "circuit prioritaire au titre du"), "priority lane under"),
    ],
)
def test_the_crisis_reasons_read_in_each_language(
    demo: Runtime, lang: str, words: tuple[str, ...], english: str
) -> None:
    book = phrase_book(demo.ports)
    crisis = sorted({s for _, s in stored_texts(demo) if s.startswith(CRISIS)})
    assert any(s.startswith(CRISIS[0]) for s in crisis), "the demo stores a priority lane under a protocol"
    read = Reader(book, lang, i18n.translations(lang).gettext, locale_name=i18n.FORMAT_LOCALES[lang])
    priority = [read(s) for s in crisis if s.startswith(CRISIS[0])]
    assert all(w in r for r in priority for w in words), priority[:2]
    assert not any(english in r or "consigned to a listed" in r or "listed goods (" in r for r in priority)
    assert all(read(s) != s for s in crisis), [s for s in crisis if read(s) == s][:3]


def test_the_whole_demo_lodges_its_parties_without_a_check_digit_warning(demo: Runtime) -> None:
    # every demo party id has a right check digit: no lodgement warns, no document's tax id is refused
    with demo.engine.connect() as conn:
        kinds = [k for (k,) in conn.execute(text("SELECT kind FROM declaration_events"))]
        checked = [
            d for (d,) in conn.execute(text("SELECT data FROM declaration_events WHERE kind='documents_checked'"))
        ]
    found = [f["code"] for d in checked for f in (json.loads(d) if isinstance(d, str) else d).get("findings", [])]
    assert kinds.count("received") > 100 and "party_id_warning" not in kinds
    assert found and not {"DOC_TAX_ID_INVALID", "DOC_PARTY"} & set(found)
