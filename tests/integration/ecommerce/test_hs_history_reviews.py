"""Officers' verified HS codes on parcel reviews feed the classification history: once per parcel, audited, in the
decision's transaction, only from officers, only valid subheadings, not when the setting is off; and the next
screening weighs them (a title the history flagged is no longer flagged once an officer verified its code)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from clearway.core.issues import Forbidden, NotFound, ValidationFailed
from clearway.ecommerce import hs_history_store, review, service, store
from clearway.platform import audit
from clearway.platform.principal import Principal
from clearway.platform.runtime import Runtime
from clearway.reference import store as reference_store
from tests.conftest import Tokens
from tests.unit.ecommerce.helpers import csv_bytes, parcel

CSV = {"Content-Type": "text/csv"}
TITLE = "Zentro women wedge sandal"
# carriers have declared this very title under plastics (3926) 30 times: a sandal declared under 6403 is flagged
HISTORY = f"title,hs_code,parcels\n{TITLE},392690,30\n"
OFFICER = Principal(user="officer.rojas", role="officer", office="PECLL")
SUPERVISOR = Principal(user="supervisor.quispe", role="supervisor")
SETTING = "CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS"


@pytest.fixture(autouse=True)
def _setting_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SETTING, raising=False)  # the default (on) unless a test says otherwise


def _load(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        hs_history_store.load_stream(uow, io.BytesIO(HISTORY.encode()), actor="a", role="admin", source="archive")
        uow.commit()


def _screen(runtime: Runtime, rows: list[dict[str, str]]) -> service.ScreenReport:
    with runtime.uow() as uow:
        report = service.screen_manifest(
            uow, io.BytesIO(csv_bytes(rows)), source_name="m.csv", country="PE", submitted_by="t",
            caches=runtime.caches,
        )  # fmt: skip
        uow.commit()
    return report


def _flags(report: service.ScreenReport) -> dict[str, tuple[str, str, str]]:
    assert report.decided is not None
    return {
        p: (d, f, r) for p, d, f, r in report.decided.select("parcel_id", "decision", "flags", "reasons").iter_rows()
    }


def _decide(runtime: Runtime, manifest_id: str, parcel_id: str, **kw: Any) -> dict[str, Any]:
    kw.setdefault("principal", OFFICER)
    kw.setdefault("release", True)
    kw.setdefault("reason", "opened: leather wedge sandals, 6403")
    with runtime.uow() as uow:
        out = review.decide(uow, manifest_id, parcel_id, **kw)
        uow.commit()
    return out


def _pairs(runtime: Runtime) -> dict[tuple[str, str], int]:
    h = store.hs_history
    with runtime.uow(readonly=True) as uow:
        return {(d, c): n for d, c, n in uow.conn.execute(select(h.c.desc_norm, h.c.hs6, h.c.parcels))}


def _audits(runtime: Runtime, action: str = "ecommerce.hs_history.verified") -> list[audit.Entry]:
    with runtime.uow(readonly=True) as uow:
        return audit.entries(uow, action=action)


def test_a_verified_code_feeds_the_next_screening_of_the_same_title(runtime: Runtime) -> None:
    _load(runtime)
    first = _flags(_screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")]))
    decision, flags, reasons = first["SANDAL"]
    assert decision == "hold_documents" and "hs_implausible" in flags
    assert "30 past parcels with this very title, 100% were declared under HS 3926" in reasons
    manifest = _manifest_of(runtime, "SANDAL")
    out = _decide(runtime, manifest, "SANDAL", verified_hs="640399")
    assert out["history"] == "added" and out["verified_hs"] == "640399" and out["confirmed"] is False
    norm = "zentro women wedge sandal"
    assert _pairs(runtime) == {(norm, "392690"): 30, (norm, "640399"): 1}
    [entry] = _audits(runtime)
    assert (entry.actor, entry.role, entry.target) == ("officer.rojas", "officer", f"parcel:{manifest}/SANDAL")
    assert entry.before is None and entry.after == {"title": norm, "hs6": "640399", "heading": "6403"}
    assert entry.reason == "opened: leather wedge sandals, 6403"
    [release] = _audits(runtime, "ecommerce.parcel.release")
    assert release.after == {"released": True, "verified_hs": "640399"}
    # the next manifest: the same title (written differently) declared under the verified code is not flagged
    # any more (1 of 31 parcels under 6403 is above hs_history_ratio), the habit's code still passes
    again = _flags(
        _screen(
            runtime,
            [
                parcel("SAME", description="ZENTRO Women, wedge-sandal", hs_code="640399"),
                parcel("OLD", description=TITLE, hs_code="392690"),
            ],
        )
    )
    assert "hs_implausible" not in again["SAME"][1] and again["SAME"][0] == "release"
    assert "hs_implausible" not in again["OLD"][1]


def _manifest_of(runtime: Runtime, parcel_id: str) -> str:
    p = store.parcels
    with runtime.uow(readonly=True) as uow:
        rows = uow.conn.execute(select(p.c.manifest_id).where(p.c.parcel_id == parcel_id)).all()
    assert len(rows) == 1
    return str(rows[0][0])


def test_a_parcel_counts_once_and_a_new_code_replaces_its_count(runtime: Runtime) -> None:
    _load(runtime)
    _screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")])
    manifest = _manifest_of(runtime, "SANDAL")
    norm = "zentro women wedge sandal"
    assert _decide(runtime, manifest, "SANDAL", verified_hs="640399")["history"] == "added"
    assert _decide(runtime, manifest, "SANDAL", verified_hs=" 640399 ", release=False)["history"] == "unchanged"
    assert _decide(runtime, manifest, "SANDAL", verified_hs="640399", principal=SUPERVISOR)["history"] == "unchanged"
    assert _pairs(runtime) == {(norm, "392690"): 30, (norm, "640399"): 1}  # reviewed three times, counted once
    assert len(_audits(runtime)) == 1
    # a review without a code keeps the parcel's contribution
    assert _decide(runtime, manifest, "SANDAL")["history"] is None
    assert _pairs(runtime)[(norm, "640399")] == 1
    # another verified code: the parcel's one count moves to it (the latest verification wins)
    moved = _decide(runtime, manifest, "SANDAL", verified_hs="392690", principal=SUPERVISOR)
    assert moved["history"] == "replaced"
    assert _pairs(runtime) == {(norm, "392690"): 31}
    last = _audits(runtime)[-1]
    assert last.before == {"hs6": "640399"} and last.after["hs6"] == "392690" and last.actor == "supervisor.quispe"
    # the model follows: the sandal under 6403 is flagged again
    again = _flags(_screen(runtime, [parcel("NEXT", description=TITLE, hs_code="640399")]))
    assert "hs_implausible" in again["NEXT"][1]
    # clearing the history forgets the reviews too: a later review counts again
    with runtime.uow() as uow:
        hs_history_store.clear(uow, actor="a", role="admin")
        uow.commit()
    assert _decide(runtime, manifest, "SANDAL", verified_hs="392690")["history"] == "added"
    assert _pairs(runtime) == {(norm, "392690"): 1}


def test_the_model_is_rebuilt_when_a_parcel_moves_code_at_the_same_instant(runtime: Runtime) -> None:
    frozen = datetime(2026, 12, 1, 12, tzinfo=UTC)
    with runtime.uow(clock=lambda: frozen) as uow:
        both = f"{HISTORY}{TITLE},640399,1\n"
        hs_history_store.load_stream(uow, io.BytesIO(both.encode()), actor="a", role="admin", source="s")
        uow.commit()
    held = parcel("SANDAL", description=TITLE, hs_code="640399", declared_value="450.00", listed_price="450.00")
    _screen(runtime, [held])  # held: over de minimis
    manifest = _manifest_of(runtime, "SANDAL")
    with runtime.uow(clock=lambda: frozen) as uow:
        review.decide(uow, manifest, "SANDAL", release=True, principal=OFFICER, reason="ok", verified_hs="640399")
        before = hs_history_store.current(uow, runtime.caches)
        summary = hs_history_store.summary(uow)
        # the same pairs, parcels and time: only the codes differ
        review.decide(uow, manifest, "SANDAL", release=True, principal=OFFICER, reason="ok", verified_hs="392690")
        assert hs_history_store.summary(uow) == summary
        after = hs_history_store.current(uow, runtime.caches)
    assert before is not None and after is not None and after is not before


@pytest.mark.parametrize(
    ("code", "issue"),
    [
        ("12", "HS_INVALID"),
        ("abcdef", "HS_INVALID"),
        ("6403.99", "HS_INVALID"),
        ("64039900", "HS_INVALID"),  # a national line: the history keeps subheadings
        ("６４０３９９", "HS_INVALID"),  # full-width digits are not digits 0-9
        ("640399'; DROP TABLE ecommerce_hs_history; --", "HS_INVALID"),
        ("' OR '1'='1", "HS_INVALID"),
        ("999999", "HS_UNKNOWN"),  # six digits, but no subheading of the loaded nomenclature
        ("640299", "HS_UNKNOWN"),  # a real HS subheading the (demo) nomenclature does not hold
    ],
)
def test_an_invalid_verified_code_refuses_the_whole_decision(runtime: Runtime, code: str, issue: str) -> None:
    _load(runtime)
    _screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")])
    manifest = _manifest_of(runtime, "SANDAL")
    with pytest.raises(ValidationFailed) as refused, runtime.uow() as uow:
        review.decide(uow, manifest, "SANDAL", release=True, principal=OFFICER, reason="ok", verified_hs=code)
    assert [i.code for i in refused.value.issues] == [issue]
    assert refused.value.issues[0].pointer == "/verified_hs"
    assert _pairs(runtime) == {("zentro women wedge sandal", "392690"): 30}
    with runtime.uow(readonly=True) as uow:  # no finding either: the decision was refused whole
        assert review.findings_for(uow, manifest, ["SANDAL"], OFFICER) == {}
    assert _audits(runtime) == [] and _audits(runtime, "ecommerce.parcel.release") == []


def test_without_a_nomenclature_only_the_form_is_checked(runtime: Runtime) -> None:
    _load(runtime)
    _screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")])
    manifest = _manifest_of(runtime, "SANDAL")
    with runtime.uow() as uow:
        uow.conn.execute(delete(reference_store.hs_codes))
        uow.commit()
    with pytest.raises(ValidationFailed), runtime.uow() as uow:
        review.decide(uow, manifest, "SANDAL", release=True, principal=OFFICER, reason="ok", verified_hs="64039")
    assert _decide(runtime, manifest, "SANDAL", verified_hs="999999")["history"] == "added"
    assert _pairs(runtime)[("zentro women wedge sandal", "999999")] == 1


@pytest.mark.parametrize("value", ["off", "OFF", " Off "])
def test_with_the_setting_off_the_decision_is_kept_and_the_history_unchanged(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    _load(runtime)
    _screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")])
    manifest = _manifest_of(runtime, "SANDAL")
    monkeypatch.setenv(SETTING, value)
    out = _decide(runtime, manifest, "SANDAL", verified_hs="640399")
    assert out["history"] == "off" and out["verified_hs"] == "640399"
    assert _pairs(runtime) == {("zentro women wedge sandal", "392690"): 30}
    assert _audits(runtime) == []
    with runtime.uow(readonly=True) as uow:
        assert review.findings_for(uow, manifest, ["SANDAL"], OFFICER)["SANDAL"]["confirmed"] is False
        assert uow.conn.execute(select(store.hs_history_reviews)).all() == []
    # an invalid code is refused even when the feed is off
    with pytest.raises(ValidationFailed), runtime.uow() as uow:
        review.decide(uow, manifest, "SANDAL", release=True, principal=OFFICER, reason="ok", verified_hs="abcdef")
    monkeypatch.setenv(SETTING, "on")
    assert _decide(runtime, manifest, "SANDAL", verified_hs="640399")["history"] == "added"


@pytest.mark.parametrize("role", ["declarant", "agency", "viewer"])
def test_traders_and_other_roles_cannot_contribute(runtime: Runtime, role: str) -> None:
    _load(runtime)
    _screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")])
    manifest = _manifest_of(runtime, "SANDAL")
    who = Principal(user="broker.andina", role=role, party_id="PE20100047218")
    with pytest.raises(Forbidden), runtime.uow() as uow:
        review.decide(uow, manifest, "SANDAL", release=True, principal=who, reason="mine", verified_hs="640399")
    assert _pairs(runtime) == {("zentro women wedge sandal", "392690"): 30} and _audits(runtime) == []


def test_another_manifests_parcel_is_not_found_and_same_ids_stay_apart(runtime: Runtime) -> None:
    _load(runtime)
    a = _screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")]).manifest_id
    b = _screen(runtime, [parcel("OTHER", description="Kids plastic toy car", hs_code="640399")]).manifest_id
    with pytest.raises(NotFound), runtime.uow() as uow:
        review.decide(uow, b, "SANDAL", release=True, principal=OFFICER, reason="x", verified_hs="640399")
    with pytest.raises(NotFound), runtime.uow() as uow:
        review.decide(
            uow, "no-such-manifest", "SANDAL", release=True, principal=OFFICER, reason="x", verified_hs="640399"
        )
    assert _pairs(runtime) == {("zentro women wedge sandal", "392690"): 30}
    # a parcel id used in two manifests: each parcel counts under its own title
    held = parcel("SANDAL", description="Women leather wedge sandal", hs_code="640399", declared_value="450.00")
    c = _screen(runtime, [{**held, "listed_price": "450.00"}]).manifest_id  # held: over de minimis
    assert _decide(runtime, a, "SANDAL", verified_hs="640399")["history"] == "added"
    assert _decide(runtime, c, "SANDAL", verified_hs="640399")["history"] == "added"
    pairs = _pairs(runtime)
    assert pairs[("zentro women wedge sandal", "640399")] == 1 and pairs[("women leather wedge sandal", "640399")] == 1


def test_a_parcel_without_a_stored_title_adds_nothing(runtime: Runtime) -> None:
    _load(runtime)
    manifest = _screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")]).manifest_id
    with runtime.uow() as uow:  # as a parcel screened before migration ecommerce_0004
        uow.conn.execute(update(store.parcels).values(desc_norm=None))
        uow.commit()
    out = _decide(runtime, manifest, "SANDAL", verified_hs="640399")
    assert out["history"] == "no_title" and out["confirmed"] is False
    assert _pairs(runtime) == {("zentro women wedge sandal", "392690"): 30} and _audits(runtime) == []


def test_a_full_history_takes_no_new_pair(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(runtime)
    manifest = _screen(runtime, [parcel("SANDAL", description=TITLE, hs_code="640399")]).manifest_id
    monkeypatch.setattr(hs_history_store, "MAX_PAIRS", 1)
    assert _decide(runtime, manifest, "SANDAL", verified_hs="640399")["history"] == "full"
    assert _decide(runtime, manifest, "SANDAL", verified_hs="392690")["history"] == "added"  # an existing pair
    assert _pairs(runtime) == {("zentro women wedge sandal", "392690"): 31}


def test_officers_verify_a_code_over_the_api(client: TestClient, tokens: Tokens, runtime: Runtime) -> None:
    _load(runtime)
    rows = [
        parcel("SANDAL", description=TITLE, hs_code="640399"),
        parcel("FINE", description="Zentro cotton t-shirt", hs_code="610910"),
    ]
    r = client.post("/api/v1/ecommerce/manifests?country=PE", content=csv_bytes(rows), headers={**tokens.broker, **CSV})
    assert r.status_code == 201, r.text
    manifest = r.json()["id"]
    url = f"/api/v1/ecommerce/manifests/{manifest}/parcels/SANDAL/review"
    body = {"release": True, "reason": "opened: leather wedge sandals", "verified_hs": "640399"}
    for who in (tokens.broker, tokens.other_broker, tokens.agency):  # carriers cannot vouch for their own codes
        assert client.post(url, json=body, headers=who).status_code == 403
    assert client.post(url, json=body).status_code == 401
    bad: list[tuple[Any, str]] = [
        ("12", "HS_INVALID"),
        ("abcdef", "HS_INVALID"),
        ("999999", "HS_UNKNOWN"),
        ("1;DROP TABLE x;--", "HS_INVALID"),
    ]
    for code, issue in bad:
        refused = client.post(url, json={**body, "verified_hs": code}, headers=tokens.officer)
        assert refused.status_code == 422, refused.text
        assert [e["code"] for e in refused.json()["errors"]] == [issue]
    for wrong in ({**body, "verified_hs": 640399}, {**body, "extra": 1}, {**body, "verified_hs": "1" * 21}):
        assert client.post(url, json=wrong, headers=tokens.officer).status_code == 422
    assert _pairs(runtime) == {("zentro women wedge sandal", "392690"): 30}  # nothing of the refused calls
    ok = client.post(url, json=body, headers=tokens.officer)
    assert ok.status_code == 201, ok.text
    got = ok.json()
    assert got["history"] == "added" and got["verified_hs"] == "640399" and got["confirmed"] is False
    assert got["officer"] == "officer.rojas"
    again = client.post(url, json={**body, "release": False}, headers=tokens.officer2)
    assert again.status_code == 201 and again.json()["history"] == "unchanged"
    plain = client.post(url, json={"release": True, "reason": "checked"}, headers=tokens.supervisor)
    assert plain.status_code == 201 and plain.json()["history"] is None and plain.json()["verified_hs"] is None
    assert _pairs(runtime)[("zentro women wedge sandal", "640399")] == 1
    released = client.post(url.replace("/SANDAL/", "/FINE/"), json=body, headers=tokens.officer)
    assert released.status_code == 422 and released.json()["errors"][0]["code"] == "PARCEL_NOT_HELD"
    assert client.post(url.replace("/SANDAL/", "/NOPE/"), json=body, headers=tokens.officer).status_code == 404
    assert client.post(url.replace(manifest, "0" * 36), json=body, headers=tokens.officer).status_code == 404
    # the next manifest with this title under the verified code is released
    r = client.post(
        "/api/v1/ecommerce/manifests?country=PE",
        content=csv_bytes([parcel("NEXT", description=TITLE, hs_code="640399")]),
        headers={**tokens.broker, **CSV},
    )
    decisions = client.get(r.json()["links"]["decisions"], headers=tokens.officer).json()["data"]
    assert decisions[0]["decision"] == "release" and "hs_implausible" not in decisions[0]["flags"]
