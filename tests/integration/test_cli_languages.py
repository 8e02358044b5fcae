"""The command line in the user's language: help, errors and the lodgement summary in es, pt and fr."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clearway.declarations.examples import example_declaration


def run(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "CLEARWAY_DATA_DIR": str(folder / "var"), "CLEARWAY_ENV": "test", "COLUMNS": "200"}
    base |= {"CLEARWAY_SELECTIVITY_RED_RATE": "0", "CLEARWAY_SELECTIVITY_YELLOW_RATE": "0"}
    base.pop("CLEARWAY_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "clearway", *args],
        capture_output=True,
        text=True,
        env=base | (env or {}),
        timeout=300,
        cwd=folder,
    )


def plain(text: str) -> str:
    """The output with rich's boxes and line wrapping flattened to single spaces."""
    return re.sub(r"[\s│╭╮╰╯─]+", " ", text)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-languages")
    result = run(folder, "demo", "--seed-only")
    assert result.returncode == 0, result.stdout + result.stderr
    bad = example_declaration("CLI-LANG-BAD")
    bad["goods_items"][0]["description"] = "gift"
    (folder / "bad.json").write_text(json.dumps(bad))
    (folder / "good.json").write_text(json.dumps(example_declaration("CLI-LANG-FR")))
    return folder


def test_root_help_in_spanish(tmp_path: Path) -> None:
    result = run(tmp_path, "--lang", "es", "--help")
    out = plain(result.stdout)
    assert result.returncode == 0
    assert "Clearway — plataforma de despacho aduanero." in out
    assert "Opciones" in out and "Comandos" in out and "Muestra este mensaje y termina." in out
    assert "Numera un archivo de declaración (DAM)" in out
    assert "Lodges a declaration file" not in out
    assert "Uso: python -m clearway [OPTIONS] COMMAND [ARGS]..." in out and "Usage:" not in out


def test_a_missing_required_option_in_french_is_clicks_error_in_french(tmp_path: Path) -> None:
    result = run(tmp_path, "--lang", "fr", "token", "create", "--role", "admin")
    out = plain(result.stderr)
    assert result.returncode == 2
    assert "Utilisation :" in out and "pour l'aide." in out
    assert "Erreur" in out and "Option '--user' manquante." in out and "Missing option" not in out


@pytest.mark.parametrize(
    ("lang", "command", "words"),
    [
        ("es", "create", "Crea (o actualiza) un usuario"),
        ("pt", "create", "Cria (ou atualiza) um usuário"),
        ("fr", "create", "Crée (ou met à jour) un utilisateur"),
    ],
)
def test_a_command_help_in_each_language(tmp_path: Path, lang: str, command: str, words: str) -> None:
    out = plain(run(tmp_path, "--lang", lang, "token", command, "--help").stdout)
    assert words in out
    assert "Creates (or updates)" not in out and "Expire after this many days" not in out


def test_the_posix_locale_chooses_the_language(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"CLEARWAY_LANG", "LC_ALL", "LC_MESSAGES"}}
    env |= {"LANG": "pt_BR.UTF-8", "CLEARWAY_DATA_DIR": str(tmp_path / "var"), "CLEARWAY_ENV": "test"}
    result = subprocess.run(
        [sys.executable, "-m", "clearway", "mandates", "--help"], capture_output=True, text=True, env=env, timeout=300
    )
    out = plain(result.stdout)
    assert "Mandatos: quem pode agir por quem, quando e para quais regimes." in out
    assert "despachante aduaneiro" in out  # seed-demo: "cada importador ... a cada despachante aduaneiro"
    assert "Comandos" in out


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", ["Rechazado: 1 problema(s)", "en /goods_items/0/description", "demasiado impreciso"]),
        ("pt", ["Rejeitado: 1 problema(s)", "em /goods_items/0/description", "vago demais"]),
        ("fr", ["Rejeté: 1 problème(s)", "à /goods_items/0/description", "trop vague"]),
    ],
)
def test_a_rejected_lodgement_is_explained_in_each_language(seeded: Path, lang: str, words: list[str]) -> None:
    result = run(seeded, "--lang", lang, "lodge", "bad.json")
    out = plain(result.stdout)
    assert result.returncode == 1
    assert "DESCRIPTION_TOO_VAGUE" in out  # codes never change with the language
    for word in words:
        assert word in out, out


def test_a_lodgement_summary_in_french(seeded: Path) -> None:
    out = plain(run(seeded, "--lang", "fr", "lodge", "good.json").stdout)
    assert out.startswith("Acceptée MRN ") and "statut" in out and "circuit" in out
    mrn = out.split("MRN ")[1].split()[0]
    again = plain(run(seeded, "--lang", "fr", "lodge", "good.json").stdout)
    assert mrn in again and "(déjà déposée : même MRN)" in again
    english = plain(run(seeded, "lodge", "good.json").stdout)  # conftest's CLEARWAY_LANG=en
    assert english.startswith("Accepted MRN ") and "(already lodged: same MRN)" in english
