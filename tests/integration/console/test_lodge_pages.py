"""Traders lodge in the console by form or file; every error is shown next to the field it points to."""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

from clearway.console import forms
from clearway.declarations.examples import example_declaration
from clearway.platform.runtime import Runtime


def example_form(lrn: str) -> dict[str, str]:
    return forms.flatten(example_declaration(lrn))


def field_error(html: str, field: str) -> str | None:
    """Returns the error message shown next to a form field, if any."""
    fid = field.replace(".", "-")
    found = re.search(rf'<span class="error-message" id="{re.escape(fid)}-error">(.*?)</span>\s*</?', html, re.S)
    if not found:
        return None
    assert f'id="{fid}"' in html and 'aria-invalid="true"' in html
    return html_lib.unescape(re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip())


def count(b: Any) -> int:
    return int(b.client.get("/api/v1/declarations").json()["count"])


def test_an_error_shows_next_to_its_field_then_the_fixed_form_lodges(signed_in: Any) -> None:
    b = signed_in("broker.andina")
    form = example_form("WEB-FIX-1")
    form["goods_items.0.commodity_code"] = "999999"
    form["consignment.loading_place"] = "CN-SH"
    r = b.post("/console/lodge", {**form, "action": "lodge"})
    assert r.status_code == 422
    assert "999999" in (field_error(r.text, "goods_items.0.commodity_code") or "")
    assert "UN/LOCODE" in (field_error(r.text, "consignment.loading_place") or "")
    assert field_error(r.text, "goods_items.1.commodity_code") is None
    assert 'value="WEB-FIX-1"' in r.text  # what the trader typed is kept
    assert count(b) == 0
    form["goods_items.0.commodity_code"] = "851713"
    form["consignment.loading_place"] = "CNSHA"
    r = b.post("/console/lodge", {**form, "action": "lodge"})
    assert r.status_code == 303
    mrn = re.search(r"/console/declarations/(\w+)\?done=lodged", r.headers["location"]).group(1)
    page = b.get(r.headers["location"])
    assert "Declaration lodged." in page.text and mrn in page.text
    assert count(b) == 1


def test_blank_required_fields_and_bad_numbers_are_named_at_their_fields(signed_in: Any) -> None:
    b = signed_in("broker.andina")
    form = example_form("WEB-BLANK-1")
    form["importer.name"] = ""
    form["consignment.transport_mode"] = "ship"
    form["goods_items.2.net_mass"] = "lots"
    r = b.post("/console/lodge", {**form, "action": "lodge"})
    assert r.status_code == 422
    assert field_error(r.text, "importer.name") == "'name' is required"
    assert field_error(r.text, "consignment.transport_mode")
    assert field_error(r.text, "goods_items.2.net_mass")


def test_adding_rows_keeps_what_was_typed(signed_in: Any) -> None:
    b = signed_in("broker.andina")
    form = example_form("WEB-ROWS-1")
    r = b.post("/console/lodge", {**form, "action": "add_item"})
    assert r.status_code == 200
    assert (
        'id="goods_items-3-description"' in r.text and 'name="goods_items.3.sequence" type="number" value="4"' in r.text
    )
    assert 'value="Portable laptop computers, 14 inch, 16 GB RAM"' in r.text
    r = b.post("/console/lodge", {**form, "action": "add_document"})
    assert 'id="documents-2-reference"' in r.text


def test_a_retry_of_the_same_lodgement_shows_the_same_declaration(signed_in: Any) -> None:
    b = signed_in("broker.andina")
    form = example_form("WEB-AGAIN-1")
    first = b.post("/console/lodge", {**form, "action": "lodge"})
    again = b.post("/console/lodge", {**form, "action": "lodge"})
    assert again.headers["location"] == first.headers["location"].replace("lodged", "replayed")
    form["goods_items.0.quantity"] = "301"
    reused = b.post("/console/lodge", {**form, "action": "lodge"})
    assert reused.status_code == 422 and "LRN already used" in (field_error(reused.text, "lrn") or "")


def test_uploading_a_json_file_lodges_it(signed_in: Any) -> None:
    b = signed_in("broker.andina")
    body = json.dumps(example_declaration("UPLOAD-1")).encode()
    r = b.client.post(
        "/console/lodge/upload",
        data={"csrf_token": b.csrf},
        files={"file": ("declaration.json", body, "application/json")},
    )
    assert r.status_code == 303 and "done=lodged" in r.headers["location"]
    assert count(b) == 1


def test_an_uploaded_file_with_errors_opens_in_the_form_with_the_errors_marked(signed_in: Any) -> None:
    b = signed_in("broker.andina")
    doc = example_declaration("UPLOAD-BAD")
    doc["goods_items"][1]["origin_country"] = "XX"
    r = b.client.post(
        "/console/lodge/upload",
        data={"csrf_token": b.csrf},
        files={"file": ("bad.json", json.dumps(doc).encode(), "application/json")},
    )
    assert r.status_code == 422
    assert "bad.json was not lodged" in r.text
    assert field_error(r.text, "goods_items.1.origin_country")
    assert 'value="UPLOAD-BAD"' in r.text
    not_json = b.client.post(
        "/console/lodge/upload", data={"csrf_token": b.csrf}, files={"file": ("x.json", b"{nope", "application/json")}
    )
    assert not_json.status_code == 422 and "Invalid JSON" in not_json.text
    assert count(b) == 0


def test_an_xml_upload_without_an_xml_parser_says_what_is_accepted(signed_in: Any, console_runtime: Runtime) -> None:
    console_runtime.caches.pop("declarations.parsers", None)
    b = signed_in("broker.andina")
    r = b.client.post(
        "/console/lodge/upload",
        data={"csrf_token": b.csrf},
        files={"file": ("dec.xml", b"<Declaration/>", "application/xml")},
    )
    assert r.status_code == 422 and "cannot read 'application/xml'; send application/json" in html_lib.unescape(r.text)


def test_an_xml_upload_goes_through_a_registered_parser(signed_in: Any, console_runtime: Runtime) -> None:
    from clearway.declarations import codec
    from clearway.declarations.api import register_parser
    from clearway.declarations.schemas import DeclarationIn

    seen: list[bytes] = []

    def parse(body: bytes) -> Any:
        seen.append(body)
        return codec.to_domain(DeclarationIn.model_validate(example_declaration("XML-1"), strict=False))

    register_parser(console_runtime, "application/xml", parse)
    b = signed_in("broker.andina")
    assert "WCO Data Model XML" in b.get("/console/lodge").text
    r = b.client.post(
        "/console/lodge/upload", data={"csrf_token": b.csrf}, files={"file": ("dec.xml", b"<Declaration/>", "text/xml")}
    )
    assert r.status_code == 303 and seen == [b"<Declaration/>"]


def test_officers_do_not_lodge(signed_in: Any) -> None:
    b = signed_in("officer.rojas")
    assert b.get("/console/lodge").status_code == 403
    assert b.post("/console/lodge", {**example_form("OFF-1"), "action": "lodge"}).status_code == 403
