"""A trainee practises on real, anonymised KCS cases through the API: score, debrief, refusals, no leaks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.platform import audit
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens

T = "/api/v1/training"
HIDDEN_KEYS = {"fraud", "critical", "kind", "revenue", "model_score", "signals", "result", "reviews"}
pytestmark = pytest.mark.shared_data


def _keys(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


def _start(client: TestClient, headers: dict[str, str], course: str = "undervaluation") -> dict[str, Any]:
    r = client.post(f"{T}/exercises", json={"course": course}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def _answers(ex: dict[str, Any], reds: int | None = None) -> list[dict[str, str]]:
    """Red for the lowest unit values against their group, yellow next, green for the rest."""
    budget = ex["budget"]
    reds = budget["red"] if reds is None else reds

    def uv(c: dict[str, Any]) -> float:
        v = c["history"].get("uv_ratio__hs6_origin")
        return v if v is not None else 0.0

    order = sorted(ex["cases"], key=uv)
    out = []
    for i, c in enumerate(order):
        lane = "red" if i < reds else "yellow" if i < reds + budget["yellow"] else "green"
        out.append(
            {"case": c["id"], "lane": lane, "reason": "unit value below the usual price" if lane == "red" else ""}
        )
    return out


def test_a_trainee_completes_an_exercise_and_gets_a_score_and_a_debrief_naming_missed_signals(
    client: TestClient, tokens: Tokens, bank: dict[str, Any], runtime: Runtime
) -> None:
    ex = _start(client, tokens.officer)
    assert ex["status"] == "open" and ex["result"] is None and len(ex["cases"]) == ex["course"]["size"] == 16
    assert not (_keys(ex["cases"]) & HIDDEN_KEYS)
    r = client.post(f"{T}/exercises/{ex['id']}/answers", json={"answers": _answers(ex)}, headers=tokens.officer)
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert 0 <= result["points"] <= 100 and result["best"]["hits"] == 3  # 4 frauds, a budget of 3 controls
    assert result["random"]["precision"] == pytest.approx(4 / 16)
    missed = [v for v in result["reviews"] if v["verdict"] == "missed"]
    assert missed, "with 4 frauds and 3 controls at least one fraud is released"
    assert result["missed_signals"], "the debrief names the signals behind the missed frauds"
    named = {m["feature"] for m in result["missed_signals"]}
    for v in missed:
        assert v["signals"] and all(s["contribution"] > 0 for s in v["signals"])
        assert {s["feature"] for s in v["signals"]} <= named
    assert {v["engine_lane"] for v in result["reviews"]} <= {"green", "yellow", "red"}
    score = client.get(f"{T}/exercises/{ex['id']}/score", headers=tokens.officer).json()
    assert score["result"]["points"] == result["points"]
    progress = client.get(f"{T}/progress", headers=tokens.officer).json()
    assert progress["exercises"] == 1 and progress["history"][0]["points"] == result["points"]
    with runtime.uow(readonly=True) as uow:
        actions = [e.action for e in audit.entries(uow, action="training.")]
    assert actions == ["training.bank.import", "training.exercise.start", "training.exercise.submit"]


def test_the_exercise_never_reveals_outcomes_before_it_is_answered(
    client: TestClient, tokens: Tokens, bank: dict[str, Any]
) -> None:
    ex = _start(client, tokens.officer)
    seen = [
        ex,
        client.get(f"{T}/exercises/{ex['id']}", headers=tokens.officer).json(),
        client.get(f"{T}/exercises/{ex['id']}", headers=tokens.supervisor).json(),
        client.get(f"{T}/exercises", headers=tokens.officer).json(),
        client.get(f"{T}/courses", headers=tokens.officer).json(),
    ]
    for body in seen:
        assert not (_keys(body) & (HIDDEN_KEYS - {"signals"}) - {"result"}), body
        if isinstance(body, dict) and "cases" in body:
            assert body["result"] is None and body["answers"] is None
            assert not (_keys(body["cases"]) & HIDDEN_KEYS)
    early = client.get(f"{T}/exercises/{ex['id']}/score", headers=tokens.officer)
    assert early.status_code == 409 and early.json()["errors"][0]["code"] == "NOT_ANSWERED"


def test_answers_are_refused_with_clear_errors(client: TestClient, tokens: Tokens, bank: dict[str, Any]) -> None:
    ex = _start(client, tokens.officer)
    url = f"{T}/exercises/{ex['id']}/answers"
    answers = _answers(ex)

    stranger = [*answers[:-1], {"case": "case-000000000000", "lane": "green"}]
    r = client.post(url, json={"answers": stranger}, headers=tokens.officer)
    codes = {(e["code"], e["pointer"]) for e in r.json()["errors"]}
    assert r.status_code == 422 and ("CASE_NOT_IN_EXERCISE", f"/answers/{len(answers) - 1}/case") in codes

    over = _answers(ex, reds=ex["budget"]["red"] + 1)
    r = client.post(url, json={"answers": over}, headers=tokens.officer)
    assert r.status_code == 422
    assert any(e["code"] == "BUDGET_EXCEEDED" and "allows 2" in e["message"] for e in r.json()["errors"])

    silent = [{**a, "reason": ""} for a in answers]
    r = client.post(url, json={"answers": silent}, headers=tokens.officer)
    assert r.status_code == 422 and {e["code"] for e in r.json()["errors"]} == {"REASON_REQUIRED"}

    r = client.post(url, json={"answers": answers}, headers=tokens.officer2)
    assert r.status_code == 403 and r.json()["errors"][0]["code"] == "NOT_YOURS"
    assert client.get(f"{T}/exercises/{ex['id']}", headers=tokens.officer2).status_code == 403
    r = client.post(url, json={"answers": answers}, headers=tokens.supervisor)
    assert r.status_code == 403, "a supervisor reads a trainee's exercise but never answers it"

    assert client.post(url, json={"answers": answers}, headers=tokens.officer).status_code == 200
    again = client.post(url, json={"answers": answers}, headers=tokens.officer)
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "ALREADY_ANSWERED"

    bad_lane = client.post(url, json={"answers": [{"case": "x", "lane": "blue"}]}, headers=tokens.officer)
    assert bad_lane.status_code == 422


def test_declarants_and_agencies_are_refused_and_officers_see_only_their_own_progress(
    client: TestClient, tokens: Tokens, bank: dict[str, Any]
) -> None:
    ex = _start(client, tokens.officer)
    for headers in (tokens.broker, tokens.agency):
        for method, path in (
            ("get", f"{T}/courses"),
            ("get", f"{T}/banks"),
            ("post", f"{T}/exercises"),
            ("get", f"{T}/exercises/{ex['id']}"),
            ("get", f"{T}/progress"),
            ("get", f"{T}/trainees"),
        ):
            r = client.request(method, path, json={"course": "undervaluation"}, headers=headers)
            assert r.status_code == 403, (method, path, r.status_code)
            assert ex["cases"][0]["id"] not in r.text
    assert client.get(f"{T}/progress?trainee=officer.rojas", headers=tokens.officer2).status_code == 403
    assert client.get(f"{T}/trainees", headers=tokens.officer).status_code == 403
    everyone = client.get(f"{T}/trainees", headers=tokens.supervisor).json()
    assert [r["trainee"] for r in everyone] == ["officer.rojas"] and everyone[0]["open"] == 1
    theirs = client.get(f"{T}/progress?trainee=officer.rojas", headers=tokens.supervisor).json()
    assert theirs["trainee"] == "officer.rojas"
    listed = client.get(f"{T}/exercises?trainee=officer.rojas", headers=tokens.officer2)
    assert listed.status_code == 403
    assert client.get(f"{T}/exercises", headers=tokens.officer2).json()["total"] == 0


def test_anonymisation_leaves_no_original_id_in_anything_served(
    client: TestClient, tokens: Tokens, bank: dict[str, Any], original_ids: set[str], runtime: Runtime
) -> None:
    from clearway.console.security import csrf_for

    ex = _start(client, tokens.officer, "origin")
    bodies = [
        client.get(f"{T}/courses", headers=tokens.officer).text,
        client.get(f"{T}/banks", headers=tokens.officer).text,
        client.get(f"{T}/exercises/{ex['id']}", headers=tokens.officer).text,
    ]
    answered = client.post(f"{T}/exercises/{ex['id']}/answers", json={"answers": _answers(ex)}, headers=tokens.officer)
    bodies += [
        answered.text,
        client.get(f"{T}/exercises/{ex['id']}/score", headers=tokens.officer).text,
        client.get(f"{T}/progress", headers=tokens.officer).text,
        client.get(f"{T}/trainees", headers=tokens.supervisor).text,
    ]
    token = tokens.officer["Authorization"].removeprefix("Bearer ")
    client.cookies.set("clearway_token", token)
    for path in ("/console/training", f"/console/training/exercises/{ex['id']}", "/console/training/progress"):
        page = client.get(path)
        assert page.status_code == 200, path
        bodies.append(page.text)
    client.cookies.clear()
    del csrf_for
    tokens_served = {t for body in bodies for t in re.findall(r"[A-Za-z0-9]+", body)}
    leaked = tokens_served & original_ids
    assert not leaked, f"original identifiers served: {sorted(leaked)[:10]}"
    assert len(original_ids) > 5000  # the check compared against every id of the slice


def test_the_same_history_is_not_imported_twice(runtime: Runtime, bank: dict[str, Any], kcs_slice: Any) -> None:
    from clearway.core.issues import Conflict
    from clearway.platform.auth import Principal
    from clearway.training import case_banks

    with runtime.uow() as uow, pytest.raises(Conflict) as caught:
        case_banks.import_bank(
            uow, Principal(user="x", role="admin"), source="kcs", secret="s", paths=[kcs_slice], trees=10
        )
    assert caught.value.code == "TRAINING_ALREADY_IMPORTED"
    with runtime.uow() as uow, pytest.raises(Exception) as refused:
        case_banks.import_bank(uow, Principal(user="o", role="officer"), source="kcs", secret="s", paths=[kcs_slice])
    assert getattr(refused.value, "code", "") == "FORBIDDEN"


def test_a_malformed_or_hostile_history_file_is_refused_and_nothing_is_saved(
    runtime: Runtime, tmp_path: Any, kcs_slice: Any
) -> None:
    from clearway.core.issues import DomainError
    from clearway.platform.auth import Principal
    from clearway.training import case_banks

    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\xff\xfe<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;")
    columns = tmp_path / "columns.csv"
    columns.write_text("Declaration ID,Date,Fraud\n1,2020-01-01,1\n")
    dates = tmp_path / "dates.csv"
    dates.write_text(kcs_slice.read_text().replace("2020-01-", "01/2020/", 50))
    operator = Principal(user="cli:test", role=audit.CLI_ROLE)
    for path, code in (
        (garbage, {"INPUT_UNREADABLE", "INPUT_COLUMNS"}),
        (columns, {"INPUT_COLUMNS"}),
        (dates, {"INPUT_DATE"}),
        (tmp_path / "absent.csv", {"INPUT_NOT_FOUND"}),
        (tmp_path, {"INPUT_NOT_FOUND"}),
    ):
        with runtime.uow() as uow, pytest.raises(DomainError) as caught:
            case_banks.import_bank(uow, operator, source="kcs", secret="s", paths=[path], trees=5)
        assert caught.value.code in code, (path.name, caught.value.code, caught.value.message)
    with runtime.uow(readonly=True) as uow:
        assert case_banks.banks(uow, Principal(user="s", role="supervisor")) == []
