"""What the CLI's commands print for people reads in the user's language; codes, JSON and CSV headers do not change.

Commands that need no database: ``documents extract``, ``hs suggest`` and ``risk import/train``; those on a
database are in tests/integration/test_cli_summaries.py.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearway.cli import app
from clearway.documents.einvoice_samples import cfdi_invoice
from clearway.documents.extract import pipeline
from clearway.platform import cli_i18n
from clearway.platform.cli_support import number
from clearway.platform.settings import get_settings
from clearway.reference.seed import demo_nomenclature_path
from tests.unit.risk._history import history

MAPPING = """
name: generated
id: id
date: date
date_format: ISO8601
fields: {office: office, declarant: declarant, importer: importer, hs: hs, origin: origin, departure: departure,
         net_mass: net_mass, value: value, tax_rate: tax_rate}
labels: {fraud: fraud}
"""


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CLEARWAY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CLEARWAY_ENV", "test")
    monkeypatch.delenv("CLEARWAY_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    cli_i18n.set_language("en")
    cli_i18n._translate_panels(str)


def run(lang: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--lang", lang, *args], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def plain(text: str) -> str:
    """The output with rich's boxes and line wrapping flattened to single spaces."""
    return re.sub(r"[\s│╭╮╰╯─┃━┏┓┗┛┡┩╇┯┷┳┻╋┠┨┼├┤┬┴└┘┌┐]+", " ", text)


@pytest.fixture
def invoice(tmp_path: Path) -> Path:
    path = tmp_path / "cfdi.xml"
    path.write_bytes(cfdi_invoice())
    return path


@pytest.mark.parametrize(
    ("lang", "words", "english"),
    [
        ("es", ["campo", "valor", "confianza", "página", "factura electrónica", "1 página(s)", "línea(s)"], []),
        ("fr", ["champ", "valeur", "confiance", "facture électronique", "1 page(s)", "ligne(s)"], []),
        ("pt", ["campo", "confiança", "fatura eletrônica", "1 página(s)", "linha(s)"], []),
    ],
)
def test_documents_extract_speaks_the_language(invoice: Path, lang: str, words: list[str], english: list[str]) -> None:
    out = plain(run(lang, "documents", "extract", str(invoice)))
    for w in words:
        assert w in out, (w, out[:400])
    for w in ("field", "confidence", "e-invoice (", " line(s)"):
        assert w not in out, (w, out[:400])
    assert "invoice_number" in out and "A1234" in out  # field names (codes) and values stay as they are


def test_documents_extract_json_is_the_same_in_every_language(invoice: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline.time, "perf_counter", lambda: 0.0)  # the JSON says how long it took
    outs = {lang: run(lang, "documents", "extract", str(invoice), "--json") for lang in ("en", "es", "pt", "fr")}
    assert outs["en"] == outs["es"] == outs["pt"] == outs["fr"]
    assert json.loads(outs["en"])["kind"] == "e-invoice"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "es",
            [
                "puesto",
                "puntaje",
                "ruta en la nomenclatura",
                "señales: 3 palabra(s) traducida(s) al inglés",
                "solo búsqueda léxica",
                "Demasiado parejas para elegir: ¿Es para hombres/niños o para mujeres/niñas (o bebés)?",
            ],
        ),
        (
            "fr",
            [
                "rang",
                "chemin dans la nomenclature",
                "signaux : 3 mot(s) traduit(s) en anglais",
                "recherche lexicale seule",
                "Trop proches pour choisir : Est-il pour hommes/garçonnets ou pour femmes/fillettes (ou bébés) ?",
            ],
        ),
    ],
)
def test_hs_suggest_speaks_the_language(lang: str, words: list[str]) -> None:
    nomenclature = str(demo_nomenclature_path())
    out = plain(run(lang, "hs", "suggest", "camisa de algodón para hombre", "--nomenclature", nomenclature))
    for w in words:
        assert w in out, (w, out)
    for w in ("rank", "matched", "signals:", "translated 3 word(s)", "lexical only", "Too close", "Is it for men"):
        assert w not in out, (w, out)
    assert "hs6" in out  # the code column keeps its name


def test_hs_suggest_in_english_is_as_it_was() -> None:
    nomenclature = str(demo_nomenclature_path())
    out = plain(run("en", "hs", "suggest", "cotton shirt for men", "--nomenclature", nomenclature))
    assert "rank hs6 score path matched" in out
    assert "signals: shop words mapped to nomenclature wording; lexical only" in out
    assert "Too close to choose: Is it for men/boys or women/girls (or babies)?" in out


def test_hs_suggest_csv_headers_do_not_change_with_the_language(tmp_path: Path) -> None:
    items = tmp_path / "items.csv"
    items.write_text("id,description\n1,camisa de algodón\n2,zapatos de cuero\n", encoding="utf-8")
    rows = {}
    for lang in ("en", "fr"):
        out = tmp_path / f"out-{lang}.csv"
        printed = plain(run(lang, "hs", "suggest", "--input", str(items), "--output", str(out),
                            "--nomenclature", str(demo_nomenclature_path())))  # fmt: skip
        assert ("(2 item(s), up to 5 rows each)" in printed) == (lang == "en")
        with out.open(encoding="utf-8") as fh:
            rows[lang] = list(csv.reader(fh))
    assert rows["en"][0] == rows["fr"][0] == ["id", "rank", "hs6", "score", "reason"]
    assert rows["en"] == rows["fr"]  # the reasons in the file are the machine-readable English


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("risk")
    frame, fraud, _ = history(weeks=10, per_week=110)  # 1100 labelled rows: train checks a holdout first
    out = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d"), fraud=fraud.astype(int).astype(str))
    paths = {"mapping": root / "m.yaml", "history": root / "history.csv"}
    paths["mapping"].write_text(MAPPING)
    out.to_csv(paths["history"], index=False)
    return paths


def test_risk_import_and_train_summaries_in_spanish_and_french(histories: dict[str, Path], tmp_path: Path) -> None:
    base = ["--mapping", str(histories["mapping"]), "--input", str(histories["history"])]
    es = plain(run("es", "risk", "import", *base, "--out", str(tmp_path / "h.parquet")))
    assert "1100 declaraciones (" in es and "leyendo 1 archivo(s)" in es, es
    assert re.search(r"1100 con resultado de control, tasa de fraude 0\.\d{3}\) guardadas en", es), es  # Peru: 0.123
    assert "labelled" not in es and "written to" not in es and "reading" not in es
    fr = plain(run("fr", "risk", "train", *base, "--model-out", str(tmp_path / "model")))
    assert "modèle " in fr and "entraîné sur 1100 déclarations" in fr and "écrit dans" in fr, fr
    assert re.search(r"précision sur l'échantillon réservé à 5% : \d,\d{3}", fr), fr  # French decimals
    assert "validation sur les derniers 15% (" in fr and "entraînement sur 1100 déclarations avec résultat" in fr
    for english in ("holdout precision", "written to", "checking on", "training on", "writing the model"):
        assert english not in fr, english
    info = {lang: run(lang, "risk", "model-info", "--model", str(tmp_path / "model")) for lang in ("en", "es", "fr")}
    assert info["en"] == info["es"] == info["fr"]  # JSON: the same bytes in every language


@pytest.mark.parametrize(
    ("lang", "value", "digits", "expected"),
    [
        ("en", 1234.5678, 3, "1234.568"),  # English: as Python writes it, as the CLI always printed it
        ("es", 1234.5678, 3, "1,234.568"),  # Peru
        ("pt", 1234.5678, 3, "1.234,568"),  # Brazil
        ("fr", 1234.5678, 3, "1\u202f234,568"),  # France
        ("fr", 0.125, 1, "0,1"),
        ("pt", 42, 0, "42"),
    ],
)
def test_figures_follow_the_locale(lang: str, value: float, digits: int, expected: str) -> None:
    cli_i18n.set_language(lang)
    assert number(value, digits) == expected


def test_the_posix_region_decides_how_figures_are_written() -> None:
    assert cli_i18n.format_locale("es", {"LANG": "es_MX.UTF-8"}) == "es_MX"
    assert cli_i18n.format_locale("es", {"LANG": "pt_BR.UTF-8"}) == "es_PE"  # another language: the default
    assert cli_i18n.format_locale("fr", {"LC_ALL": "fr_HT.UTF-8", "LANG": "es_PE.UTF-8"}) == "fr_HT"
    assert cli_i18n.format_locale("pt", {}) == "pt_BR"
