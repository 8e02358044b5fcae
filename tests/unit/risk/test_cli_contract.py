"""The command-line contract evaluators run: train on labelled history, score files without labels."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from clearway.risk.cli import app
from tests.conftest import shared_data

runner = CliRunner()
LABELS = ["Fraud", "Critical Fraud"]


@pytest.fixture(scope="module")
def slices(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small slices of the KCS files: two training files, one unlabelled and one labelled test file."""
    train = pd.read_csv(shared_data("kcs", "df_syn_train_eng.csv"), dtype=str, keep_default_na=False)
    valid = pd.read_csv(shared_data("kcs", "df_syn_valid_eng.csv"), dtype=str, keep_default_na=False)
    root = tmp_path_factory.mktemp("kcs")
    paths = {
        "a": root / "a.csv",
        "b": root / "b.csv",
        "test": root / "test.csv",
        "test_labelled": root / "test_labelled.csv",
    }
    train.iloc[:2000].to_csv(paths["a"], index=False)
    train.iloc[-1500:].to_csv(paths["b"], index=False)
    valid.iloc[:600].to_csv(paths["test_labelled"], index=False)
    valid.iloc[:600].drop(columns=LABELS).to_csv(paths["test"], index=False)
    return paths


@pytest.fixture(scope="module")
def model_dir(slices: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "m"
    args = [
        "train",
        "--mapping",
        "kcs",
        "--input",
        str(slices["a"]),
        "--input",
        str(slices["b"]),
        "--model-out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def _score(model: Path, input_path: Path, output: Path) -> pd.DataFrame:
    args = ["score", "--mapping", "kcs", "--model", str(model), "--input", str(input_path), "--output", str(output)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return pd.read_csv(output, dtype={"Declaration ID": str})


def test_training_writes_a_model_with_its_metadata(model_dir: Path) -> None:
    import json

    meta = json.loads((model_dir / "metadata.json").read_text())
    assert meta["rows"] == 3500
    assert meta["data_window"]["from"] == "2020-01-01"
    assert meta["data_window"]["to"] == "2020-12-31"
    assert meta["version"].startswith("kcs-20201231-")
    assert "rate__importer" in meta["features"]
    assert meta["metrics"]["5%"]["precision"] > 0.5
    assert {p.name for p in model_dir.iterdir()} >= {"booster.txt", "history.parquet", "metadata.json"}


def test_scoring_a_file_without_labels_writes_one_row_per_declaration(
    model_dir: Path, slices: dict[str, Path], tmp_path: Path
) -> None:
    scores = _score(model_dir, slices["test"], tmp_path / "scores.csv")
    source = pd.read_csv(slices["test"], dtype=str)
    assert list(scores.columns) == ["Declaration ID", "score"]
    assert scores["Declaration ID"].tolist() == source["Declaration ID"].tolist()
    assert scores["score"].between(0, 1).all()
    # Higher is riskier: the fraudulent declarations rank well above the clean ones.
    labels = pd.read_csv(slices["test_labelled"], dtype={"Declaration ID": str})["Fraud"]
    top = scores["score"].rank(ascending=False) <= 30
    assert labels[top].mean() > 2 * labels.mean()


def test_scores_do_not_depend_on_label_columns(model_dir: Path, slices: dict[str, Path], tmp_path: Path) -> None:
    labelled = _score(model_dir, slices["test_labelled"], tmp_path / "a.csv")
    flipped_path = tmp_path / "flipped.csv"
    frame = pd.read_csv(slices["test_labelled"], dtype=str, keep_default_na=False)
    frame["Fraud"] = frame["Fraud"].map({"0": "1", "1": "0"})
    frame["Critical Fraud"] = "2"
    frame.to_csv(flipped_path, index=False)
    flipped = _score(model_dir, flipped_path, tmp_path / "b.csv")
    unlabelled = _score(model_dir, slices["test"], tmp_path / "c.csv")
    assert labelled["score"].tolist() == flipped["score"].tolist() == unlabelled["score"].tolist()


def test_a_mapping_can_be_a_yaml_file(model_dir: Path, slices: dict[str, Path], tmp_path: Path) -> None:
    from importlib import resources

    custom = tmp_path / "mine.yaml"
    custom.write_text((resources.files("clearway.risk.learning") / "mappings" / "kcs.yaml").read_text())
    args = ["score", "--mapping", str(custom), "--model", str(model_dir), "--input", str(slices["test"])]
    result = runner.invoke(app, [*args, "--output", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "s.csv").open() as fh:
        assert sum(1 for _ in csv.reader(fh)) == 601


def test_unknown_mapping_and_missing_columns_are_clear_errors(
    model_dir: Path, slices: dict[str, Path], tmp_path: Path
) -> None:
    base = ["score", "--model", str(model_dir), "--output", str(tmp_path / "s.csv")]
    result = runner.invoke(app, [*base, "--mapping", "nope", "--input", str(slices["test"])])
    assert result.exit_code == 2
    assert "MAPPING_NOT_FOUND" in result.output
    broken = tmp_path / "broken.csv"
    pd.read_csv(slices["test"], dtype=str).drop(columns=["Importer ID"]).to_csv(broken, index=False)
    result = runner.invoke(app, [*base, "--mapping", "kcs", "--input", str(broken)])
    assert result.exit_code == 2
    assert "Importer ID" in result.output
    assert not (tmp_path / "s.csv").exists()


def test_training_without_labels_is_refused(slices: dict[str, Path], tmp_path: Path) -> None:
    args = ["train", "--mapping", "kcs", "--input", str(slices["test"]), "--model-out", str(tmp_path / "m")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Fraud" in result.output


def test_imported_history_trains_and_scores_like_the_source_files(
    slices: dict[str, Path], model_dir: Path, tmp_path: Path
) -> None:
    history = tmp_path / "history.parquet"
    args = ["import", "--mapping", "kcs", "--input", str(slices["a"]), "--input", str(slices["b"])]
    result = runner.invoke(app, [*args, "--out", str(history)])
    assert result.exit_code == 0, result.output
    assert "3500 declarations (2020-01-01 – 2020-12-31, 3500 labelled" in result.output.replace("\n", " ")
    out = tmp_path / "m"
    result = runner.invoke(app, ["train", "--mapping", "kcs", "--input", str(history), "--model-out", str(out)])
    assert result.exit_code == 0, result.output
    unlabelled = tmp_path / "test.parquet"
    assert (
        runner.invoke(
            app, ["import", "--mapping", "kcs", "--input", str(slices["test"]), "--out", str(unlabelled)]
        ).exit_code
        == 0
    )
    from_parquet = _score(out, unlabelled, tmp_path / "p.csv")
    from_csv = _score(model_dir, slices["test"], tmp_path / "c.csv")
    assert from_parquet["Declaration ID"].tolist() == from_csv["Declaration ID"].tolist()
    assert from_parquet["score"].round(4).tolist() == from_csv["score"].round(4).tolist()
