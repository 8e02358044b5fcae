"""The CLI's shared refusal (``cli_support.fail``): every problem with its code and place, in the CLI's language,
then the exit code; what the capabilities' commands print when they refuse a file or a request."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from rich.console import Console

import clearway.cli  # noqa: F401  (installs the capabilities' catalogues, as the entry point does)
from clearway.core.issues import Conflict, Issue, ValidationFailed
from clearway.platform import cli_i18n
from clearway.platform.cli_support import N_, NOTHING_LOADED, fail

PROBLEMS = ValidationFailed(
    [Issue("RATE_REQUIRED", "a rate is required", "/lines/0/rate"), Issue("EMPTY", "no rows", "")]
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    yield
    cli_i18n.set_language("en")


def _printed(exc: Exception, **options: Any) -> tuple[str, int]:
    out = io.StringIO()
    with pytest.raises(typer.Exit) as exited:
        fail(Console(file=out, width=200, color_system=None), exc, **options)
    return out.getvalue(), exited.value.exit_code


def test_every_problem_is_printed_with_its_code_and_place_and_the_command_fails() -> None:
    cli_i18n.set_language("en")
    text, code = _printed(PROBLEMS)
    assert code == 1
    assert text.splitlines() == [
        "Refused: 2 problem(s); nothing was saved",
        "  RATE_REQUIRED at /lines/0/rate: a rate is required",
        "  EMPTY at /: no rows",
    ]


def test_a_loader_says_nothing_was_loaded_in_spanish_and_keeps_the_codes() -> None:
    cli_i18n.set_language("es")
    text, code = _printed(PROBLEMS, headline=N_("Rejected"), nothing=NOTHING_LOADED, exit_code=2)
    assert code == 2
    assert text.splitlines()[0] == "Rechazado: 2 problema(s); no se cargó nada"
    assert "  RATE_REQUIRED en /lines/0/rate: a rate is required" in text.splitlines()


def test_a_refused_request_prints_its_code_and_message_and_anything_else_only_fails() -> None:
    cli_i18n.set_language("en")
    text, code = _printed(Conflict("already revoked", code="MANDATE_REVOKED"))
    assert (text.strip(), code) == ("MANDATE_REVOKED already revoked", 1)
    assert _printed(RuntimeError("boom")) == ("", 1)
