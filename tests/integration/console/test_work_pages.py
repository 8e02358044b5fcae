"""The console's work after i18n: languages per user, findings on their own, replies with documents, amendments."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from clearway.console.testing import core_app
from clearway.declarations import service
from clearway.declarations.model import Decision
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from tests.integration.console.conftest import csrf_of, lodge

OFFICER = Principal(user="officer.rojas", role="officer", office="PECLL")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form_values(html: str) -> dict[str, str]:
    """Reads a form's inputs and selected options as a browser would send them."""
    values = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" type="[^"]+" value="([^"]*)"', html))
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def version_of(html: str) -> str:
    found = re.search(r'name="expected_version" value="(\d+)"', html)
    assert found
    return found.group(1)


def decide(runtime: Runtime, mrn: str, decision: Decision) -> None:
    with runtime.uow() as uow:
        service.decide(uow, mrn, decision, principal=OFFICER, reason="test decision")
        uow.commit()


def test_the_console_speaks_the_browsers_language_then_the_users_choice(console_runtime: Runtime) -> None:
    with TestClient(core_app(console_runtime), follow_redirects=False) as c:
        assert '<html lang="es">' in c.get("/console/login").text  # no preference: Spanish, the demo's default
        page = c.get("/console/login", headers={"Accept-Language": "pt-BR,pt;q=0.9"})
        assert '<html lang="pt">' in page.text and "Entrar" in page.text
        page = c.get("/console/login", headers={"Accept-Language": "fr-FR"})
        assert '<html lang="fr">' in page.text and "Mot de passe" in page.text
        r = c.post(
            "/console/login",
            data={"user": "officer.rojas", "password": "demo", "csrf_token": csrf_of(page.text), "next": "/"},
        )
        assert r.status_code == 303
        # the officer picks English: stored for the user, so another browser in French still gets English
        assert c.get("/console/language?lang=en&next=/console/queue").status_code == 303
    with TestClient(core_app(console_runtime), follow_redirects=False) as other:
        page = other.get("/console/login", headers={"Accept-Language": "fr"})
        other.post(
            "/console/login",
            data={"user": "officer.rojas", "password": "demo", "csrf_token": csrf_of(page.text), "next": "/"},
        )
        queue = other.get("/console/queue", headers={"Accept-Language": "fr"})
        assert '<html lang="en">' in queue.text and "Work queue" in queue.text
        assert other.get("/console/language?lang=xx&next=//evil.example").headers["location"] == "/console/"


def test_spanish_pages_use_peruvian_customs_words_and_lima_time(console_runtime: Runtime, signed_in: Any) -> None:
    mrn = lodge(console_runtime, "YEL-WORDS")
    b = signed_in("officer.rojas")
    page = b.get(f"/console/declarations/{mrn}", headers={"Accept-Language": "es"})
    assert '<html lang="es">' in page.text
    assert "canal naranja" in page.text and "marítimo (1)" in page.text
    assert "20 nov. 2026 07:00" in page.text  # 12:00 UTC lodgement, shown in Lima time
    assert "Horas de America/Lima" in page.text
    assert 'title="yellow"' in page.text  # the code stays the same in every language
    for path in ("/console/queue", "/console/declarations", "/console/dashboard", "/console/agency"):
        assert b.get(path, headers={"Accept-Language": "es"}).status_code == 200, path  # plurals and all
    assert "1 declaración pendiente" in b.get("/console/queue", headers={"Accept-Language": "es"}).text


def test_an_officer_records_findings_alone_and_sees_them_in_full(console_runtime: Runtime, signed_in: Any) -> None:
    mrn = lodge(console_runtime, "RED-FIND")
    b = signed_in("officer.rojas")
    page = b.get(f"/console/declarations/{mrn}")
    assert 'name="decision" value="release" checked' not in page.text  # nothing pre-selected
    assert " checked" not in page.text.split('id="decide"')[1].split("</form>")[0]
    assert "Risk rules that matched: RED-1." in page.text and "rules_hit" not in page.text
    empty = b.post(f"/console/declarations/{mrn}/findings", {"expected_version": version_of(page.text)})
    assert empty.status_code == 422 and "Choose what the control found." in empty.text
    r = b.post(
        f"/console/declarations/{mrn}/findings",
        {
            "expected_version": version_of(page.text),
            "result": "discrepancy",
            "kind": "undervaluation",
            "revenue_recovered": "1250.50",
            "notes": "Invoice shows 12 000 USD, the bank transfer 19 500 USD.",
            "reason": "physical check done",
        },
    )
    assert r.status_code == 303 and "done=findings" in r.headers["location"]
    after = b.get(r.headers["location"].split("#")[0])
    assert "Invoice shows 12 000 USD, the bank transfer 19 500 USD." in after.text
    assert "Revenue recovered: $1,250.50" in after.text  # with its currency
    assert "physical check" in re.search(r'<p class="meta">(.*?)</p>', after.text, re.S).group(1)  # not released
    trader = signed_in("broker.andina").post(
        f"/console/declarations/{mrn}/findings", {"result": "no_discrepancy", "reason": "mine"}
    )
    assert trader.status_code == 403


def test_findings_without_discrepancy_release_when_nothing_blocks(console_runtime: Runtime, signed_in: Any) -> None:
    mrn = lodge(console_runtime, "RED-CLEAN")
    b = signed_in("officer.rojas")
    page = b.get(f"/console/declarations/{mrn}")
    r = b.post(
        f"/console/declarations/{mrn}/findings",
        {"expected_version": version_of(page.text), "result": "no_discrepancy", "reason": "goods match"},
    )
    assert r.status_code == 303 and "done=findings_released" in r.headers["location"]
    assert "released" in re.search(r'<p class="meta">(.*?)</p>', b.get(r.headers["location"]).text, re.S).group(1)


def test_the_queue_says_what_each_declaration_waits_for(console_runtime: Runtime, signed_in: Any) -> None:
    red = lodge(console_runtime, "RED-WAIT")
    docs = lodge(console_runtime, "YEL-DOCS")  # the yellow lane asks for documents
    page = signed_in("officer.rojas").get("/console/queue").text
    rows = {m: row for row in page.split("<tr>") for m in (red, docs) if m in row}
    assert "the physical check&#39;s result" in rows[red]
    assert "documents from the trader" in rows[docs]


def test_a_trader_answers_a_documents_request_with_a_document(console_runtime: Runtime, signed_in: Any) -> None:
    mrn = lodge(console_runtime, "YEL-REPLY")  # the yellow lane asks for documents
    trader = signed_in("broker.andina")
    page = trader.get(f"/console/declarations/{mrn}")
    assert "What happens next" in page.text and "Customs asks for documents" in page.text
    assert "Declaration lodged and accepted" not in page.text
    csrf = csrf_of(page.text)
    bad = trader.client.post(
        f"/console/declarations/{mrn}/reply",
        data={"csrf_token": csrf, "message": "here"},
        files={"file": ("invoice.exe", b"MZ\x90\x00binary", "application/pdf")},
    )
    assert bad.status_code == 303 and "reply_error=" in bad.headers["location"]
    ok = trader.client.post(
        f"/console/declarations/{mrn}/reply",
        data={"csrf_token": csrf, "message": "Commercial invoice and packing list attached."},
        files={"file": ("invoice.pdf", PDF, "application/pdf")},
    )
    assert ok.status_code == 303 and "done=answered" in ok.headers["location"]
    officer = signed_in("officer.rojas")
    detail = officer.get(f"/console/declarations/{mrn}").text
    assert "Commercial invoice and packing list attached." in detail
    link = re.search(rf'href="(/console/declarations/{mrn}/files/[0-9a-f]{{64}})"', detail)
    assert link
    served = officer.get(link.group(1))
    assert served.status_code == 200 and served.content == PDF and "attachment" in served.headers["content-disposition"]
    assert signed_in("broker.other").get(link.group(1)).status_code == 404  # another party: not found
    queue = officer.get("/console/queue").text
    assert "an officer to review the trader&#39;s reply" in queue


def test_a_trader_amends_after_seeing_the_diff(console_runtime: Runtime, signed_in: Any) -> None:
    mrn = lodge(console_runtime, "HOLD-AMEND")
    trader = signed_in("broker.andina")
    form = trader.get(f"/console/declarations/{mrn}/amend")
    assert form.status_code == 200 and 'value="HOLD-AMEND"' in form.text  # prefilled with the declaration
    values = form_values(form.text)
    values["goods_items.0.description"] = "Mobile phones, 128 GB, model X2"
    values["expected_version"] = version_of(form.text)
    review = trader.post(f"/console/declarations/{mrn}/amend", {**values, "action": "review"})
    assert review.status_code == 200 and 'id="diff"' in review.text
    assert "<ins>Mobile phones, 128 GB, model X2</ins>" in review.text
    no_reason = trader.post(f"/console/declarations/{mrn}/amend", {**values, "action": "send"})
    assert no_reason.status_code == 422
    sent = trader.post(f"/console/declarations/{mrn}/amend", {**values, "action": "send", "reason": "typo"})
    assert sent.status_code == 303 and "done=amended" in sent.headers["location"]
    assert "Mobile phones, 128 GB, model X2" in trader.get(f"/console/declarations/{mrn}").text
    assert signed_in("broker.other").get(f"/console/declarations/{mrn}/amend").status_code == 404
    assert signed_in("officer.rojas").get(f"/console/declarations/{mrn}/amend").status_code == 403


def test_the_lodgement_form_keeps_its_lrn_until_lodged_and_prefills_the_declarant(signed_in: Any) -> None:
    b = signed_in("broker.andina")
    first = b.get("/console/lodge?example=1")
    lrn = re.search(r'name="lrn" type="text" value="(WEB-[0-9A-F]{8})"', first.text).group(1)
    again = b.get("/console/lodge?example=1")  # Back, or the page loaded again: the same reference
    assert f'value="{lrn}"' in again.text
    assert form_values(first.text).get("declarant.name")  # the declarant's own name is filled in


def test_unknown_console_pages_are_styled_and_api_errors_stay_json(signed_in: Any, app_client: TestClient) -> None:
    b = signed_in("officer.rojas")
    page = b.get("/console/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "There is no page at this address." in page.text and "Work queue" in page.text  # the menu is there
    assert app_client.get("/api/v1/no-such").headers["content-type"].startswith("application/json")
    assert b.get("/favicon.ico").headers["content-type"].startswith("image/svg+xml")


def test_admins_get_the_admin_menu(signed_in: Any) -> None:
    admin = signed_in("admin")
    page = admin.get("/console/admin")
    assert page.status_code == 200 and "officer.rojas" in page.text and 'href="/console/admin"' in page.text
    assert signed_in("officer.rojas").get("/console/admin").status_code == 403
