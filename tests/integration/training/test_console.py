"""The console's training pages: an officer starts a course, picks lanes with reasons, reads the debrief."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.console.security import csrf_for
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens

pytestmark = pytest.mark.shared_data


def _sign_in(client: TestClient, headers: dict[str, str], runtime: Runtime) -> str:
    token = headers["Authorization"].removeprefix("Bearer ")
    client.cookies.set("clearway_token", token)
    return csrf_for(runtime, token)


def test_an_officer_answers_an_exercise_in_the_console_and_reads_the_debrief_in_spanish(
    client: TestClient, tokens: Tokens, runtime: Runtime, bank: dict[str, Any]
) -> None:
    csrf = _sign_in(client, tokens.officer, runtime)
    es = {"Accept-Language": "es"}
    courses = client.get("/console/training", headers=es)
    assert courses.status_code == 200 and "Subvaluación" in courses.text and "Iniciar un ejercicio" in courses.text
    started = client.post(
        "/console/training/start",
        data={"csrf_token": csrf, "course": "undervaluation", "bank": bank["id"]},
        headers=es,
        follow_redirects=False,
    )
    assert started.status_code == 303
    url = started.headers["location"]
    page = client.get(url, headers=es)
    assert page.status_code == 200 and "Enviar mis canales" in page.text
    cases = re.findall(r'name="lane__([a-z0-9-]+)" value="green"', page.text)
    assert len(cases) == 16
    assert "fraude detectado" not in page.text and "Retroalimentación" not in page.text
    form = {"csrf_token": csrf, f"lane__{cases[0]}": "red", f"lane__{cases[1]}": "red", f"lane__{cases[2]}": "red"}
    over = client.post(url, data=form, headers=es)
    assert over.status_code == 422 and "más controles de los que permite el presupuesto" in over.text
    assert "motivo para cada canal rojo" in over.text  # reds without reasons, all said at once
    form = {
        "csrf_token": csrf,
        f"lane__{cases[0]}": "red",
        f"reason__{cases[0]}": "valor unitario muy bajo",
        f"lane__{cases[1]}": "yellow",
    }
    done = client.post(url, data=form, headers=es, follow_redirects=False)
    assert done.status_code == 303
    debrief = client.get(url, headers=es)
    assert "Retroalimentación" in debrief.text and "<svg" in debrief.text and "Señales que no detectó" in debrief.text
    assert "Motor de riesgo" in debrief.text
    again = client.post(url, data=form, headers=es)
    assert again.status_code == 409 and "ya fue respondido" in again.text
    progress = client.get("/console/training/progress", headers=es)
    assert progress.status_code == 200 and "<svg" in progress.text and "Avance de officer.rojas" in progress.text
    client.cookies.clear()


def test_other_trainees_declarants_and_forged_forms_are_refused(
    client: TestClient, tokens: Tokens, runtime: Runtime, bank: dict[str, Any]
) -> None:
    csrf = _sign_in(client, tokens.officer, runtime)
    r = client.post("/console/training/start", data={"csrf_token": csrf, "course": "origin"}, follow_redirects=False)
    url = r.headers["location"]
    forged = client.post(url, data={"csrf_token": "nope"})
    assert forged.status_code == 403
    csrf2 = _sign_in(client, tokens.officer2, runtime)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"csrf_token": csrf2}).status_code == 403
    _sign_in(client, tokens.broker, runtime)
    for path in ("/console/training", url, "/console/training/progress"):
        assert client.get(path).status_code == 403, path
    _sign_in(client, tokens.supervisor, runtime)
    overview = client.get("/console/training/progress")
    assert overview.status_code == 200 and "officer.rojas" in overview.text
    client.cookies.clear()
