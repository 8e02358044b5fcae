"""The CLI's summaries, tables and stored reasons read in the user's language on a seeded demo; JSON does not change.

The demo is seeded once (``clearway demo --seed-only``, SQLite); each command then runs in-process with ``--lang``.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearway.cli import app
from clearway.platform import cli_i18n
from clearway.platform.settings import get_settings

LANGS = ("en", "es", "pt", "fr")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-summaries")
    env = {**os.environ, "CLEARWAY_DATA_DIR": str(folder / "var"), "CLEARWAY_ENV": "test", "CLEARWAY_LANG": "en"}
    env.pop("CLEARWAY_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "clearway", "demo", "--seed-only"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=folder,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "var"


@pytest.fixture
def data_dir(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CLEARWAY_DATA_DIR", str(seeded))
    monkeypatch.setenv("CLEARWAY_ENV", "test")
    monkeypatch.delenv("CLEARWAY_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield seeded
    get_settings.cache_clear()
    cli_i18n.set_language("en")
    cli_i18n._translate_panels(str)


def run(lang: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, ["--lang", lang, *args], env={"COLUMNS": "250"})
    assert result.exit_code == code, result.output
    return result.output


def plain(text: str) -> str:
    """The output with rich's boxes and line wrapping flattened to single spaces."""
    return re.sub(r"[\s│╭╮╰╯─┃━┏┓┗┛┡┩╇┳┻└┘┌┐├┤┬┴┼]+", " ", text)


def crisis_mrns() -> list[str]:
    out = run("en", "crisis", "declarations")
    return re.findall(r"\b26PE[A-Z0-9]{14}\b", out)


def test_status_json_is_the_same_bytes_in_every_language(data_dir: Path) -> None:
    mrn = crisis_mrns()[0]
    outs = {lang: run(lang, "status", mrn, "--json") for lang in LANGS}
    assert len(set(outs.values())) == 1
    assert "priority lane under crisis protocol" in outs["en"]  # JSON keeps the stored English


def test_sw_report_json_is_the_same_bytes_in_every_language(data_dir: Path) -> None:
    outs = {lang: run(lang, "sw", "report", "--json") for lang in LANGS}
    assert len(set(outs.values())) == 1 and '"agencies"' in outs["en"]


@pytest.mark.parametrize(
    ("lang", "words", "english"),
    [
        (
            "es",
            ["cuándo (UTC)", "motivo", "canal prioritario según el protocolo de crisis «", "levante a la llegada"],
            ["priority lane under", "when (UTC)", "; released on arrival", "consigned to a listed"],
        ),
        (
            "pt",
            ["quando (UTC)", "canal prioritário segundo o protocolo de crise «", "desembaraço na chegada"],
            ["priority lane under", "when (UTC)", "; released on arrival"],
        ),
        (
            "fr",
            ["quand (UTC)", "circuit prioritaire au titre du protocole de crise « ", "mainlevée à l'arrivée"],
            ["priority lane under", "when (UTC)", "; released on arrival"],
        ),
    ],
)
def test_a_declaration_s_history_reads_in_the_language(
    data_dir: Path, lang: str, words: list[str], english: list[str]
) -> None:
    mrns = crisis_mrns()
    out = plain(" ".join(run(lang, "status", mrn) for mrn in mrns[:3]))
    for w in words:
        assert w in out, (w, out[:1500])
    for w in english:
        assert w not in out, (w, out[:1500])


def test_crisis_commands_in_spanish(data_dir: Path) -> None:
    listed = plain(run("es", "crisis", "list"))
    assert "Paquetes de protocolos de crisis" in listed and "Socorro ante huracanes y terremotos" in listed
    assert "ACTIVO desde" in listed and "inactivo" in listed and "solicitado por" in listed
    assert "Crisis protocol packs" not in listed and "asked by" not in listed
    shown = plain(run("es", "crisis", "show", "disaster-relief"))
    assert "Vigente del" in shown and "Base legal" in shown and "Medidas" in shown
    assert "In force from" not in shown and "Legal basis" not in shown
    rows = plain(run("es", "crisis", "declarations"))
    assert "Declaraciones bajo protocolos de crisis (" in rows and "plazo" in rows and "deadline" not in rows


def test_tariff_show_in_french(data_dir: Path) -> None:
    mrn = crisis_mrns()[0]
    out = plain(run("fr", "tariff", "show", mrn))
    assert "taux de change USD" in out and "valeur en douane" in out and "de valeur en douane + droit de douane" in out
    assert re.search(r"Total \S+ PEN ; payé ou garanti \S+ ; reste dû \S+ PEN", out), out
    for english in ("exchange rate", "customs value", "paid or guaranteed", "% of customs"):
        assert english not in out, english


def test_single_window_in_portuguese(data_dir: Path) -> None:
    out = plain(run("pt", "sw", "report"))
    assert "órgão anuente" in out and "registro → desembaraço (" in out
    assert re.search(r"mediana \d+,\d{2} h, p90 \d+,\d{2} h", out), out  # Brazilian decimals
    assert "submission → release" not in out and "declarations that went" not in out
    reqs = plain(run("pt", "sw", "requirements"))
    assert "regra" in reqs and "mercadorias (SH)" in reqs and "goods (HS)" not in reqs


def test_workforce_indicators_in_french(data_dir: Path) -> None:
    out = plain(run("fr", "workforce", "indicators"))
    assert "Indicateurs " in out and "% femmes" in out and "femmes / hommes" in out and "tout l’effectif" in out
    assert re.search(r"\b\d+,\d\b", out), out  # shares with a decimal comma
    assert "Indicators" not in out and "% women" not in out and "figures on" not in out
    courses = plain(run("fr", "workforce", "courses"))
    assert "intitulé" in courses and "validité (mois)" in courses and "valid (months)" not in courses


def test_training_in_spanish(data_dir: Path) -> None:
    out = plain(run("es", "training", "courses"))
    assert "presupuesto (rojo / naranja)" in out and "Subvaluación" in out  # the course title in Spanish
    assert "budget (red / yellow)" not in out and "Undervaluation" not in out
    progress = plain(run("es", "training", "progress", "--as", "officer.rojas"))
    assert "ejercicio(s), puntaje medio" in progress and "mean score" not in progress


def test_exchange_and_ledger_in_french(data_dir: Path) -> None:
    partners = plain(run("fr", "exchange", "partner", "list"))
    assert "pays" in partners and "en attente" in partners and "pending" not in partners
    verified = plain(run("fr", "ledger", "verify"))
    assert "intact" in verified.lower() and "entries" not in verified


def test_ledger_problems_read_in_spanish(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "var"
    shutil.copytree(data_dir, copy)
    databases = sorted(copy.glob("*.db")) + sorted(copy.glob("*.sqlite*"))
    assert databases, sorted(p.name for p in copy.iterdir())
    with sqlite3.connect(databases[0]) as conn:  # someone edits an entry in the database: one bit of it
        (raw,) = conn.execute("SELECT leaf_input FROM ledger_entries WHERE idx = 3").fetchone()
        raw = bytes(raw)
        conn.execute("UPDATE ledger_entries SET leaf_input = ? WHERE idx = 3", (raw[:-1] + bytes([raw[-1] ^ 1]),))
    monkeypatch.setenv("CLEARWAY_DATA_DIR", str(copy))
    get_settings.cache_clear()
    es = plain(run("es", "ledger", "verify", code=1))
    assert "la primera entrada alterada es 3" in es, es
    assert "la entrada 3 (" in es and "fue alterada: su contenido ya no corresponde a su hash de hoja" in es, es
    assert "was altered" not in es and "no longer matches" not in es
    en = plain(run("en", "ledger", "verify", code=1))
    assert "entry 3 (" in en and "was altered: its content no longer matches its leaf hash" in en
