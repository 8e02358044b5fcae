"""``clearway training`` end to end on a slice of the real KCS files: import, courses, start, answer, progress."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.test_cli import run

pytestmark = pytest.mark.shared_data


def test_an_officer_trains_from_the_command_line(tmp_path: Path, kcs_slice: Path) -> None:
    run(tmp_path, "token", "create", "--user", "officer.cli", "--role", "officer", "--office", "PECLL")
    run(tmp_path, "token", "create", "--user", "officer.two", "--role", "officer")
    imported = run(tmp_path, "training", "import", "--kcs", str(kcs_slice), "--trees", "20")
    assert "Imported" in imported.stdout and "cases" in imported.stdout
    courses = run(tmp_path, "training", "courses").stdout
    assert "undervaluation" in courses and "origin" in courses
    started = run(tmp_path, "training", "start", "--as", "officer.cli", "--course", "origin").stdout
    exercise = re.search(r"exercise ([0-9a-f-]{36})", started)
    assert exercise, started
    cases = re.findall(r"case-[0-9a-f]{12}", started)
    assert len(set(cases)) == 16
    ex = exercise.group(1)
    over = run(
        tmp_path,
        "training",
        "answer",
        ex,
        "--as",
        "officer.cli",
        *(f"--lane={c}=red:why" for c in cases[:3]),
        check=False,
    )
    assert over.returncode == 2 and "BUDGET_EXCEEDED" in over.stderr
    stranger = run(tmp_path, "training", "answer", ex, "--as", "officer.two", f"--lane={cases[0]}=yellow", check=False)
    assert stranger.returncode == 2 and "NOT_YOURS" in stranger.stderr
    done = run(
        tmp_path,
        "training",
        "answer",
        ex,
        "--as",
        "officer.cli",
        f"--lane={cases[0]}=red:origin and route",
        f"--lane={cases[1]}=yellow",
    ).stdout
    assert "Score" in done and "engine" in done and "random" in done
    twice = run(tmp_path, "training", "answer", ex, "--as", "officer.cli", check=False)
    assert twice.returncode == 2 and "ALREADY_ANSWERED" in twice.stderr
    progress = run(tmp_path, "training", "progress", "--as", "officer.cli").stdout
    assert "1 exercise(s)" in progress and "origin" in progress
    nosy = run(tmp_path, "training", "progress", "--as", "officer.two", "--of", "officer.cli", check=False)
    assert nosy.returncode == 2 and "NOT_YOURS" in nosy.stderr
