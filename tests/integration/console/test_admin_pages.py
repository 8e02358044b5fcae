"""The administrator's console pages, reference data and tariff, agencies and requirements — on SQLite and
PostgreSQL: each page's roles (allowed, refused), CSRF on every form, another party refused, malformed uploads
refused with a sentence, nothing half done."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clearway.console.testing import core_app, core_runtime
from clearway.declarations import service as declarations_service
from clearway.mandates import seed as mandates_seed
from clearway.mandates import service as mandates_service
from clearway.platform import audit, auth
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.platform.tables import audit_log
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from tests.integration.console.conftest import ENGLISH, Browser, lodge, sign_in

tariff_service = pytest.importorskip("clearway.tariff.service", reason="the tariff capability is not installed")
sw_seed = pytest.importorskip("clearway.single_window.seed", reason="the single window is not installed")
from clearway.single_window import catalog, loader  # noqa: E402
from clearway.tariff.model import ExchangeRate  # noqa: E402
from clearway.tariff.seed import demo_schedule_path  # noqa: E402

EXTRA = ("clearway.tariff", "clearway.single_window")
USERS = (
    ("broker.andina", "declarant", {"party_id": "PE20100047218"}),
    ("broker.other", "declarant", {"party_id": "PE20999999990"}),
    ("officer.rojas", "officer", {"office": "PECLL"}),
    ("supervisor.quispe", "supervisor", {}),
    ("agency.senasa", "agency", {"agency": "SENASA"}),
    ("admin", "admin", {}),
)


@pytest.fixture
def rt(settings: Settings) -> Iterator[Runtime]:
    runtime = core_runtime(settings, EXTRA)
    with runtime.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)
        for name, role, scope in USERS:
            auth.ensure_user(uow, name=name, role=role, password="demo", **scope)
        tariff_service.load_schedule_file(uow, demo_schedule_path(), national_currency="PEN", by="test")
        day = runtime.clock().date()
        tariff_service.load_rates(uow, [ExchangeRate("USD", day - timedelta(days=1), Decimal("3.8"))])
        catalog.load(uow, runtime.caches, loader.parse_yaml(sw_seed.demo_requirements_text()), actor="test")
        uow.commit()
    auth.TOKEN_CACHE.clear()
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def as_user(rt: Runtime) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(user: str, password: str = "demo") -> Browser:
        c = TestClient(core_app(rt, EXTRA), raise_server_exceptions=False, follow_redirects=False, headers=ENGLISH)
        clients.append(c)
        return sign_in(c, user, password)

    yield make
    for c in clients:
        c.close()


def audit_actions(rt: Runtime) -> list[str]:
    with rt.uow(readonly=True) as uow:
        return [r.action for r in uow.conn.execute(select(audit_log.c.action)).all()]


ADMIN_PAGES = ("/console/admin", "/console/admin/tokens", "/console/admin/mandates")
READ_PAGES = ("/console/reference", "/console/tariff")


@pytest.mark.parametrize("user", ["officer.rojas", "broker.andina", "agency.senasa", "supervisor.quispe"])
def test_administration_pages_are_refused_to_every_other_role(as_user: Any, user: str) -> None:
    b = as_user(user)
    for path in ADMIN_PAGES:
        r = b.get(path)
        assert r.status_code == 403 and "for administrators" in r.text, path
    refused = b.post("/console/admin/mandates", {"principal_id": "PE1", "agent_id": "PE2", "reason": "try"})
    assert refused.status_code == 403


def test_the_admin_lands_on_the_own_menu_and_its_pages_open(as_user: Any) -> None:
    b = as_user("admin")
    home = b.get("/console/admin")
    nav = home.text.split('class="site-nav"')[1].split("</nav>")[0]
    assert "/console/queue" not in nav  # not the officer's menu
    for path in ("/console/admin/tokens", "/console/admin/mandates", "/console/reference", "/console/tariff"):
        assert path in nav
    for path in (*ADMIN_PAGES, *READ_PAGES, "/console/agencies", "/console/admin/approvals"):
        assert b.get(path).status_code == 200, path


def test_not_signed_in_is_sent_to_sign_in(rt: Runtime) -> None:
    with TestClient(core_app(rt, EXTRA), follow_redirects=False, headers=ENGLISH) as c:
        for path in (*ADMIN_PAGES, *READ_PAGES, "/console/agencies"):
            r = c.get(path)
            assert r.status_code == 303 and "/console/login" in r.headers["location"]


def test_an_admin_creates_a_user_who_signs_in_and_disables_it(rt: Runtime, as_user: Any) -> None:
    b = as_user("admin")
    form = {"name": "broker.sur", "role": "declarant", "party_id": "PE20600000005", "password": "s3cret-pass"}
    no_csrf = b.client.post("/console/admin/users", data={**form, "reason": "new broker"})
    assert no_csrf.status_code == 403 and "expired" in no_csrf.text
    missing = b.post("/console/admin/users", {**form, "party_id": "", "reason": ""})
    assert missing.status_code == 422
    assert "needs the party id" in missing.text and "Reason: say why" in missing.text  # every problem at once
    created = b.post("/console/admin/users", {**form, "reason": "new broker, contract 2026-44"})
    assert created.status_code == 303
    again = b.post("/console/admin/users", {**form, "reason": "twice"})
    assert again.status_code == 422 and "exists already" in again.text
    listing = b.get("/console/admin")
    assert "broker.sur" in listing.text and "PE20600000005" in listing.text
    assert "platform.user.create" in audit_actions(rt)
    newcomer = as_user("broker.sur", "s3cret-pass")  # signs in with the password set
    assert newcomer.get("/console/declarations").status_code == 200
    disabled = b.post("/console/admin/users/broker.sur/disable", {"reason": "left the company"})
    assert disabled.status_code == 303
    auth.TOKEN_CACHE.clear()
    assert newcomer.get("/console/declarations").status_code == 303  # its session token is revoked
    with pytest.raises(AssertionError):
        as_user("broker.sur", "s3cret-pass")  # and it cannot sign in again
    self_disable = b.post("/console/admin/users/admin/disable", {"reason": "oops"})
    assert self_disable.status_code == 409


def test_user_changes_are_audited_with_the_admin_as_actor_and_refused_to_others(rt: Runtime, as_user: Any) -> None:
    b = as_user("admin")
    supervisor = as_user("supervisor.quispe")
    as_user("broker.other")  # signed in: one session token to revoke
    refused = supervisor.post("/console/admin/users/broker.other/disable", {"reason": "not mine to do"})
    assert refused.status_code == 403
    assert (
        b.post("/console/admin/users/nobody/password", {"password": "long-enough", "reason": "x1y"}).status_code == 404
    )
    assert b.post("/console/admin/users/nobody/disable", {"reason": "no such user"}).status_code == 404
    assert b.post("/console/admin/users/broker.other/password", {"password": "short", "reason": "r"}).status_code == 422
    assert b.post("/console/admin/users/broker.other/disable", {"reason": "left"}).status_code == 303
    assert (
        b.post("/console/admin/users/broker.other/password", {"password": "n3w-pass!", "reason": "back"}).status_code
        == 303
    )
    with rt.uow(readonly=True) as uow:
        found = [e for e in audit.entries(uow, action="platform.user.") if e.target == "user:broker.other"]
    assert [(e.actor, e.role, e.action, e.after, e.reason) for e in found] == [
        ("admin", "admin", "platform.user.disable", {"password": None, "tokens_revoked": 1}, "left"),
        ("admin", "admin", "platform.user.password", None, "back"),
    ]


def test_a_token_is_shown_once_works_and_is_revoked(rt: Runtime, as_user: Any) -> None:
    b = as_user("admin")
    bad = b.post("/console/admin/tokens", {"user": "nobody", "label": "", "days": "400", "reason": "x"})
    assert bad.status_code == 422
    for words in ("existing user", "Label: say", "from 1 to 90", "Reason: say why"):
        assert words in bad.text
    issued = b.post(
        "/console/admin/tokens", {"user": "broker.andina", "label": "broker ERP", "days": "7", "reason": "ERP"}
    )
    assert issued.status_code == 201
    token = re.search(r'id="token-value" class="mono" value="(cw_[^"]+)"', issued.text).group(1)
    listing = b.get("/console/admin/tokens")
    assert token not in listing.text and "broker ERP" in listing.text  # shown once, never again
    with TestClient(core_app(rt, EXTRA)) as api:
        mine = api.get("/api/v1/declarations", headers={"Authorization": f"Bearer {token}"})
        assert mine.status_code == 200  # the token acts as broker.andina, with its role and party
    with rt.uow(readonly=True) as uow:
        principal = auth.principal_for_user(uow, "broker.andina")
    assert principal is not None and principal.role == "declarant"  # issuing did not change the user
    found = re.search(r'action="/console/admin/tokens/(\d+)/revoke"', listing.text)
    assert found
    no_csrf = b.client.post(f"/console/admin/tokens/{found.group(1)}/revoke", data={"reason": "rotated"})
    assert no_csrf.status_code == 403
    revoked = b.post(f"/console/admin/tokens/{found.group(1)}/revoke", {"reason": "rotated"})
    assert revoked.status_code == 303
    auth.TOKEN_CACHE.clear()
    with TestClient(core_app(rt, EXTRA)) as api:
        assert api.get("/api/v1/declarations", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert {"platform.token.create", "platform.token.revoke"} <= set(audit_actions(rt))


def test_an_admin_grants_a_mandate_and_the_broker_may_then_lodge_for_the_importer(rt: Runtime, as_user: Any) -> None:
    b = as_user("admin")
    form = {"principal_id": "PE20777777778", "agent_id": "PE20999999990", "procedures": "all", "valid_to": ""}
    no_csrf = b.client.post("/console/admin/mandates", data={**form, "evidence": "poa 1", "reason": "power"})
    assert no_csrf.status_code == 403
    no_evidence = b.post("/console/admin/mandates", {**form, "evidence": "", "reason": "power of attorney"})
    assert no_evidence.status_code == 422 and "cite the document" in no_evidence.text
    bad_date = b.post("/console/admin/mandates", {**form, "valid_to": "31/12/2027", "evidence": "x", "reason": "xyz"})
    assert bad_date.status_code == 422 and "a date like" in bad_date.text
    with rt.uow(readonly=True) as uow:
        principal = auth.principal_for_user(uow, "broker.other")
        assert principal is not None
        assert not mandates_service.may_act_for(uow, principal.party_id, "PE20777777778", procedure=None, at=rt.clock())
    granted = b.post(
        "/console/admin/mandates",
        {**form, "valid_to": "2027-12-31", "evidence": "notarised power of attorney 2026-118", "reason": "on file"},
    )
    assert granted.status_code == 303
    listing = b.get("/console/admin/mandates?party=PE20777777778")
    assert "PE20999999990" in listing.text and "notarised power of attorney 2026-118" in listing.text
    with rt.uow(readonly=True) as uow:
        assert mandates_service.may_act_for(uow, principal.party_id, "PE20777777778", procedure=None, at=rt.clock())
    assert "mandates.grant" in audit_actions(rt)
    mandate_id = re.search(r'action="/console/admin/mandates/([^"/]+)/revoke"', listing.text).group(1)
    assert b.post(f"/console/admin/mandates/{mandate_id}/revoke", {"reason": ""}).status_code == 422
    assert b.post(f"/console/admin/mandates/{mandate_id}/revoke", {"reason": "power withdrawn"}).status_code == 303
    with rt.uow(readonly=True) as uow:
        assert not mandates_service.may_act_for(uow, principal.party_id, "PE20777777778", procedure=None, at=rt.clock())


@pytest.mark.parametrize("user", ["broker.andina", "agency.senasa"])
def test_reference_data_and_the_tariff_are_for_customs_staff(as_user: Any, user: str) -> None:
    b = as_user(user)
    for path in READ_PAGES:
        assert b.get(path).status_code == 403, path


def test_an_officer_browses_the_nomenclature_by_code_and_words_and_reads_the_tariff(as_user: Any) -> None:
    b = as_user("officer.rojas")
    chapters = b.get("/console/reference")
    assert chapters.status_code == 200 and 'id="hs-lines"' in chapters.text
    by_code = b.get("/console/reference?q=8517")
    assert "851713" in by_code.text or "8517" in by_code.text
    by_words = b.get("/console/reference?q=telephone")
    assert "8517" in by_words.text
    assert "USD" in b.get("/console/reference").text  # the exchange rate published yesterday
    assert "load-hs" not in chapters.text  # officers read; only admins see the upload
    tariff = b.get("/console/tariff?code=851713")
    assert tariff.status_code == 200 and 'id="duty-lines"' in tariff.text and 'id="applies"' in tariff.text
    upload = b.client.post(
        "/console/reference/hs",
        data={"csrf_token": b.csrf, "reason": "try"},
        files={"file": ("hs.csv", b"hscode,description\n01,Live animals\n", "text/csv")},
    )
    assert upload.status_code == 403


def _upload(b: Browser, path: str, name: str, body: bytes, reason: str = "new edition", csrf: bool = True) -> Any:
    data = {"reason": reason, **({"csrf_token": b.csrf} if csrf else {})}
    return b.client.post(path, data=data, files={"file": (name, body, "text/csv")})


def test_an_admin_replaces_the_nomenclature_only_with_a_file_that_is_right(rt: Runtime, as_user: Any) -> None:
    b = as_user("admin")
    with rt.uow(readonly=True) as uow:
        before = reference_service.count(uow)
    assert _upload(b, "/console/reference/hs", "hs.csv", b"hscode,description\n01,x\n", csrf=False).status_code == 403
    binary = _upload(b, "/console/reference/hs", "hs.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert binary.status_code == 422 and "not a text file" in binary.text
    latin1 = _upload(
        b, "/console/reference/hs", "hs.csv", "hscode,description\n01,Animales vivos año\n".encode("latin-1")
    )
    assert latin1.status_code == 422 and "not UTF-8" in latin1.text
    rows = ["hscode,description"] + [f"{n:02d},chapter {n}" for n in range(1, 60)] + ["12345,odd", "0301,"] * 40
    many = _upload(b, "/console/reference/hs", "hs.csv", "\n".join(rows).encode())
    assert many.status_code == 422
    assert many.text.count("must be 2, 4, 6, 8 or 10 digits") == 40  # every bad row, not the first 50 only
    assert many.text.count("description is empty") == 40
    no_columns = _upload(b, "/console/reference/hs", "hs.csv", b"code;text\n01;x\n")
    assert no_columns.status_code == 422 and "missing column" in no_columns.text
    with rt.uow(readonly=True) as uow:
        assert reference_service.count(uow) == before  # nothing replaced
    good = "section,hscode,description,parent,level\nI,01,Live animals,TOTAL,2\nI,0101,Horses,01,4\nI,01012100,Pure-bred,0101,8\n"
    assert _upload(b, "/console/reference/hs", "hs.csv", good.encode(), reason="").status_code == 422
    loaded = _upload(b, "/console/reference/hs", "hs.csv", good.encode())
    assert loaded.status_code == 303
    page = b.get("/console/reference?q=0101")
    assert "01012100" in page.text and "national line" in page.text
    assert "reference.hs.load" in audit_actions(rt)


def test_an_admin_loads_rates_and_a_schedule_and_sees_every_problem(rt: Runtime, as_user: Any) -> None:
    b = as_user("admin")
    bad_rates = _upload(
        b, "/console/reference/rates", "r.csv", b"currency,valid_from,rate\nPEN,2026-01-01,1\nXXX,2026-13-01,\n"
    )
    assert bad_rates.status_code == 422 and "other than PEN" in bad_rates.text and "YYYY-MM-DD" in bad_rates.text
    ok_rates = _upload(b, "/console/reference/rates", "r.csv", b"currency,valid_from,rate\nEUR,2026-11-19,4.1\n")
    assert ok_rates.status_code == 303
    yaml_bad = b"name: t\ncurrency: USD\nduties:\n  - code: '85'\n    ad_valorem: -3\n"
    refused = _upload(b, "/console/tariff/schedule", "t.yaml", yaml_bad)
    assert refused.status_code == 422 and "TARIFF_" in refused.text
    not_yaml = _upload(b, "/console/tariff/schedule", "t.yaml", b"name: [unclosed\n")
    assert not_yaml.status_code == 422 and "not valid YAML" in not_yaml.text
    with rt.uow(readonly=True) as uow:
        assert tariff_service.current_schedule(uow).loaded_by == "test"  # still the one in force
    csv_lines = b"code,agreement,ad_valorem\n8517,,0\n0803,,6\n"
    assert _upload(b, "/console/tariff/schedule", "duties.csv", csv_lines).status_code == 303
    with rt.uow(readonly=True) as uow:
        current = tariff_service.current_schedule(uow)
    assert current.loaded_by == "admin" and len(current.schedule.duties) == 2
    assert {"tariff.rates.load", "tariff.schedule.load"} <= set(audit_actions(rt))
    officer = as_user("officer.rojas")
    assert _upload(officer, "/console/tariff/schedule", "duties.csv", csv_lines).status_code == 403


def test_requirements_by_goods_and_ending_one_takes_a_second_person(rt: Runtime, as_user: Any) -> None:
    agency = as_user("agency.senasa")
    listing = agency.get("/console/agencies")
    assert listing.status_code == 200 and "SENASA" in listing.text and "retire-" not in listing.text
    assert as_user("broker.andina").get("/console/agencies").status_code == 403
    officer = as_user("officer.rojas")
    bananas = officer.get("/console/agencies?hs=080390")
    phones = officer.get("/console/agencies?hs=851713")
    assert "SENASA" in bananas.text.split('id="requirement-table"')[1]
    assert "SENASA" not in phones.text.split('id="requirements"')[1].split("</section>")[0].split("<tbody>")[-1]
    with rt.uow(readonly=True) as uow:
        rule = next(r for r in catalog.requirements(uow, rt.caches, agency="SENASA", on=None, history=False))
    forbidden = officer.post(f"/console/agencies/requirements/{rule.rule_id}/retire", {"effective_to": "2030-01-01"})
    assert forbidden.status_code == 403
    admin = as_user("admin")
    no_csrf = admin.client.post(
        f"/console/agencies/requirements/{rule.rule_id}/retire", data={"effective_to": "2030-01-01", "reason": "x"}
    )
    assert no_csrf.status_code == 403
    past = admin.post(
        f"/console/agencies/requirements/{rule.rule_id}/retire", {"effective_to": "2001-01-01", "reason": "old"}
    )
    assert past.status_code == 422 and "after today" in past.text
    asked = admin.post(
        f"/console/agencies/requirements/{rule.rule_id}/retire",
        {"effective_to": "2030-01-01", "reason": "replaced by law 31"},
    )
    assert asked.status_code == 303
    with rt.uow(readonly=True) as uow:  # nothing ends until approved
        assert (
            next(
                r
                for r in catalog.requirements(uow, rt.caches, agency=None, on=None, history=True)
                if r.rule_id == rule.rule_id
            ).effective_to
            is None
        )
    queue = admin.get("/console/admin/approvals")
    assert rule.rule_id in queue.text and "another supervisor or administrator must decide" in queue.text
    cr_id = re.search(r"<span class=\"mono\">requirement:" + re.escape(rule.rule_id), queue.text)
    assert cr_id
    with rt.uow(readonly=True) as uow:
        from clearway.platform import approvals

        request_id = approvals.pending(uow)[0].id
    same_person = admin.post(f"/console/admin/approvals/{request_id}", {"decision": "approve", "reason": "fine by me"})
    assert same_person.status_code == 422 and "four eyes" in same_person.text, same_person.text.split("error-summary")[
        2
    ][:700]
    supervisor = as_user("supervisor.quispe")
    assert "/console/admin/approvals" in supervisor.get("/console/queue").text  # in the supervisor's menu
    no_choice = supervisor.post(f"/console/admin/approvals/{request_id}", {"decision": "", "reason": "fine by me"})
    assert no_choice.status_code == 422 and "choose approve or reject" in no_choice.text
    assert (
        supervisor.client.post(
            f"/console/admin/approvals/{request_id}", data={"decision": "approve", "reason": "law 31"}
        ).status_code
        == 403
    )
    approved = supervisor.post(
        f"/console/admin/approvals/{request_id}", {"decision": "approve", "reason": "law 31 in force"}
    )
    assert approved.status_code == 303
    with rt.uow(readonly=True) as uow:
        ended = next(
            r
            for r in catalog.requirements(uow, rt.caches, agency=None, on=None, history=True)
            if r.rule_id == rule.rule_id
        )
    assert str(ended.effective_to) == "2030-01-01"
    assert as_user("officer.rojas").get("/console/admin/approvals").status_code == 403


def test_the_queue_asks_every_gate_once_per_page_and_says_the_same_as_one_by_one(rt: Runtime, as_user: Any) -> None:
    doc = sw_seed.showcase_declaration("SW-Q-1", rt.clock().date())
    mrns = [lodge(rt, f"SW-Q-{n}", at=rt.clock(), **{k: v for k, v in doc.items() if k != "lrn"}) for n in range(3)]
    mrns.append(lodge(rt, "PLAIN-Q-1", at=rt.clock()))
    with rt.uow(readonly=True) as uow:
        decls = declarations_service.get_many(uow, mrns)
        batch = declarations_service.release_blockers_many(uow, list(decls.values()))
        single = {m: declarations_service.release_blockers(uow, d) for m, d in decls.items()}
    assert batch == single
    assert any("has not approved" in b for m in mrns[:3] for b in batch[m])
    assert all(any("not paid or guaranteed" in b for b in batch[m]) for m in mrns)  # the tariff's gate too
