"""Competency warnings on assignment, privacy of personal records, staff import, certificates, indicators."""

from __future__ import annotations

from fastapi.testclient import TestClient

from clearway.platform import audit
from clearway.platform.runtime import Runtime
from tests.integration.workforce.conftest import PDF, bearer

W = "/api/v1/workforce"


def test_supervisor_is_warned_when_the_officer_lacks_a_current_physical_inspection_course(
    api: TestClient, wf_runtime: Runtime, red_mrn: str
) -> None:
    sup = bearer(wf_runtime, "supervisor.quispe", "supervisor")
    r = api.post(f"{W}/assignments", json={"mrn": red_mrn, "officer": "officer.huaman"}, headers=sup)
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["errors"][0]["code"] == "COMPETENCY_MISSING"
    assert body["missing"] == [
        {
            "competency": "physical_inspection",
            "state": "expired",
            "valid_until": body["missing"][0]["valid_until"],
            "course_code": "PHYS-INSP-01",
        }
    ]
    assert "physical_inspection" in body["errors"][0]["message"]
    assert api.get(f"{W}/assignments", params={"mrn": red_mrn}, headers=sup).json() == []  # nothing saved silently
    short = api.post(
        f"{W}/assignments", json={"mrn": red_mrn, "officer": "officer.huaman", "override_reason": "ok"}, headers=sup
    )
    assert short.status_code == 409  # a reason of a few letters is no reason
    reason = "only officer on duty at the terminal tonight; rojas supervises"
    done = api.post(
        f"{W}/assignments", json={"mrn": red_mrn, "officer": "officer.huaman", "override_reason": reason}, headers=sup
    )
    assert done.status_code == 201, done.text
    assert done.json()["missing"] == ["physical_inspection"] and done.json()["override_reason"] == reason
    with wf_runtime.uow(readonly=True) as uow:
        entries = audit.entries(uow, action="workforce.assignment.override")
    assert [(e.actor, e.target, e.reason) for e in entries] == [("supervisor.quispe", f"declaration:{red_mrn}", reason)]


def test_an_officer_with_a_current_course_is_assigned_without_warning(
    api: TestClient, wf_runtime: Runtime, red_mrn: str
) -> None:
    sup = bearer(wf_runtime, "supervisor.quispe", "supervisor")
    check = api.get(f"{W}/assignments/check", params={"mrn": red_mrn, "officer": "officer.rojas"}, headers=sup)
    assert check.status_code == 200 and check.json()["work_kind"] == "control.red"
    assert check.json()["required"] == ["physical_inspection"] and check.json()["missing"] == []
    r = api.post(f"{W}/assignments", json={"mrn": red_mrn, "officer": "officer.rojas"}, headers=sup)
    assert r.status_code == 201 and r.json()["missing"] == [] and r.json()["override_reason"] is None


def test_an_officer_cannot_assign_and_nobody_assigns_to_an_unknown_declaration_or_user(
    api: TestClient, wf_runtime: Runtime, red_mrn: str
) -> None:
    officer = bearer(wf_runtime, "officer.rojas", "officer", office="PECLL")
    r = api.post(f"{W}/assignments", json={"mrn": red_mrn, "officer": "officer.rojas"}, headers=officer)
    assert r.status_code == 403
    broker = bearer(wf_runtime, "broker.andina", "declarant", party_id="PE20100047218")
    assert (
        api.post(f"{W}/assignments", json={"mrn": red_mrn, "officer": "officer.rojas"}, headers=broker).status_code
        == 403
    )
    sup = bearer(wf_runtime, "supervisor.quispe", "supervisor")
    assert (
        api.post(
            f"{W}/assignments", json={"mrn": "26PE0000000000000", "officer": "officer.rojas"}, headers=sup
        ).status_code
        == 404
    )
    bad = api.post(f"{W}/assignments", json={"mrn": red_mrn, "officer": "broker.andina"}, headers=sup)
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "OFFICER_UNKNOWN"
    junk = api.post(f"{W}/assignments", json={"mrn": red_mrn, "officer": 7, "extra": 1}, headers=sup)
    assert junk.status_code == 422 and len(junk.json()["errors"]) == 2


def test_a_supervisor_sees_aggregates_but_never_an_individuals_gender_or_records(
    api: TestClient, wf_runtime: Runtime
) -> None:
    admin = bearer(wf_runtime, "admin", "admin")
    rows = ["staff_id,name,gender,grade,function,office,frontline,leadership,entry_date,user"]
    rows += [f"A{i},Persona {i},{'F' if i % 2 else 'M'},G1,control,PECLL,yes,no,2015-01-01," for i in range(12)]
    rows.append("A99,Rosa Única,F,G6,management,PECLL,no,yes,2001-01-01,supervisor.quispe")
    r = api.post(f"{W}/staff/import", content="\n".join(rows).encode(), headers={**admin, "X-Change-Reason": "HR load"})
    assert r.status_code == 200, r.text
    sup = bearer(wf_runtime, "supervisor.quispe", "supervisor")
    for path in ("/staff", "/records?officer=officer.rojas", "/officers/officer.rojas/competencies"):
        assert api.get(W + path, headers=sup).status_code == 403, path
    ind = api.get(f"{W}/indicators", headers=sup)
    assert ind.status_code == 200
    text = ind.text
    assert "Rosa" not in text and "A99" not in text and "Persona" not in text
    grades = next(t for t in ind.json()["tables"] if t["key"] == "grade")
    g6 = next(r for r in grades["rows"] if r["key"] == "G6")
    assert g6["women"] is None and g6["total"] is None  # one woman alone in G6: hidden
    leaders = next(t for t in ind.json()["tables"] if t["key"] == "leadership")
    assert next(r for r in leaders["rows"] if r["key"] == "leadership")["women"] is None
    own = api.get(f"{W}/records", headers=bearer(wf_runtime, "officer.rojas", "officer", office="PECLL"))
    assert own.status_code == 200 and {r["officer"] for r in own.json()} == {"officer.rojas"}
    other = bearer(wf_runtime, "officer.diaz", "officer", office="PECLL")
    assert api.get(f"{W}/records?officer=officer.rojas", headers=other).status_code == 403
    broker = bearer(wf_runtime, "broker.andina", "declarant", party_id="PE20100047218")
    assert api.get(f"{W}/indicators", headers=broker).status_code == 403
    csv_ = api.get(f"{W}/indicators.csv", headers=sup)
    assert csv_.status_code == 200 and "—" in csv_.text and "Rosa" not in csv_.text


def test_a_malformed_staff_csv_lists_every_bad_row_and_saves_nothing(api: TestClient, wf_runtime: Runtime) -> None:
    admin = {**bearer(wf_runtime, "admin", "admin"), "X-Change-Reason": "annual HR load"}
    csv_ = "\n".join(
        [
            "staff_id,name,gender,grade,function,office,frontline,leadership,entry_date,exit_date,promotions,training",
            "P1,Ana Torres,F,G2,control,PECLL,yes,no,2018-02-01,,2021-05-01,2025=32",
            "P2,Luis Vega,Q,G2,control,PECLL,maybe,no,2018-13-01,,,",
            "P3,José Díaz,M,G3,legal,PELIM,no,no,2019-01-01,2018-01-01,,2025=abc",
            "P1,=cmd|calc,F,G1,control,PECLL,yes,no,2020-01-01,,,",
        ]
    )
    r = api.post(f"{W}/staff/import", content=csv_.encode(), headers=admin)
    assert r.status_code == 422
    errors = r.json()["errors"]
    by_row = {e["pointer"].split("/")[2] for e in errors}
    assert by_row == {"3", "4", "5"}  # lines of the file, header = 1
    codes = {e["pointer"]: e["code"] for e in errors}
    assert codes["/rows/3/gender"] == "GENDER_INVALID" and codes["/rows/3/frontline"] == "FLAG_INVALID"
    assert codes["/rows/3/entry_date"] == "DATE_INVALID" and codes["/rows/4/exit_date"] == "DATES_ORDER"
    assert codes["/rows/4/training"] == "TRAINING_INVALID" and codes["/rows/5/staff_id"] == "DUPLICATE"
    assert codes["/rows/5/name"] == "FORMULA"
    assert api.get(f"{W}/staff", headers=admin).json() == []
    missing = api.post(f"{W}/staff/import", content=b"staff_id,name\nP1,Ana\n", headers=admin)
    assert missing.status_code == 422 and len(missing.json()["errors"]) == 7  # every missing column named


def test_certificates_are_sniffed_hashed_and_shown_only_to_the_officer_and_hr(
    api: TestClient, wf_runtime: Runtime
) -> None:
    import hashlib

    admin = bearer(wf_runtime, "admin", "admin")
    form = {"officer": "officer.rojas", "course_code": "DOC-CTRL-01", "completed_on": "2026-10-01", "result": "passed"}
    exe = api.post(
        f"{W}/records", data=form, files={"certificate": ("cert.pdf", b"MZ\x90\x00" + b"\0" * 64)}, headers=admin
    )
    assert exe.status_code == 422 and exe.json()["errors"][0]["code"] == "DOCUMENT_TYPE_UNSUPPORTED"
    none = api.post(f"{W}/records", data=form, headers=admin)
    assert none.status_code == 422 and none.json()["errors"][0]["code"] == "CERTIFICATE_REQUIRED"
    ok = api.post(f"{W}/records", data=form, files={"certificate": ("cert.pdf", PDF)}, headers=admin)
    assert ok.status_code == 201, ok.text
    rec = ok.json()
    assert rec["certificate_sha256"] == hashlib.sha256(PDF).hexdigest() and rec["valid_until"] == "2029-10-01"
    path = f"{W}/records/{rec['id']}/certificate"
    assert api.get(path, headers=bearer(wf_runtime, "officer.rojas", "officer", office="PECLL")).content == PDF
    assert api.get(path, headers=bearer(wf_runtime, "officer.diaz", "officer", office="PECLL")).status_code == 403
    assert api.get(path, headers=bearer(wf_runtime, "supervisor.quispe", "supervisor")).status_code == 403
    officer = bearer(wf_runtime, "officer.rojas", "officer", office="PECLL")
    assert (
        api.post(f"{W}/records", data=form, files={"certificate": ("c.pdf", PDF)}, headers=officer).status_code == 403
    )
    comps = api.get(f"{W}/officers/officer.rojas/competencies", headers=officer).json()["competencies"]
    states = {c["competency"]: c["state"] for c in comps}
    assert states["physical_inspection"] == "current" and states["documentary_control"] == "current"
    assert states["dangerous_goods"] == "missing"


def test_a_certificate_with_a_hidden_script_is_refused(api: TestClient, wf_runtime: Runtime) -> None:
    """Certificates go through the documents checks, the object walk included: a script spelt with escapes or
    hidden in a compressed object stream is refused like any active content."""
    from tests.unit.documents import helpers

    admin = bearer(wf_runtime, "admin", "admin")
    form = {"officer": "officer.rojas", "course_code": "DOC-CTRL-01", "completed_on": "2026-10-01", "result": "passed"}
    for body in (helpers.pdf_with_escaped_javascript(), helpers.pdf_with_script_in_object_stream()):
        r = api.post(f"{W}/records", data=form, files={"certificate": ("cert.pdf", body)}, headers=admin)
        assert r.status_code == 422 and r.json()["errors"][0]["code"] == "DOCUMENT_ACTIVE_CONTENT"
