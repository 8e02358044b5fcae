"""E-commerce pages: a carrier uploads a manifest, follows its screening and sees each parcel's decision;
officers see the held parcels and release or hold them; nobody sees another party's manifest."""

from __future__ import annotations

import io
import re
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearway.ecommerce import generator
from clearway.ecommerce import lists as ecommerce_lists
from clearway.ecommerce import service as ecommerce_service
from clearway.platform import audit
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from tests.integration.console.capability_pages import console_with, new_client
from tests.integration.console.conftest import Browser, sign_in

EXTRA = ("clearway.ecommerce",)


@pytest.fixture
def shop(settings: Settings) -> Iterator[tuple[Runtime, TestClient]]:
    with console_with(settings, EXTRA) as (rt, client):
        with tempfile.TemporaryDirectory() as tmp, rt.uow() as uow:
            recalls, brands = generator.write_reference_lists(Path(tmp))
            ecommerce_lists.load_recalls(uow, recalls)
            ecommerce_lists.load_brands(uow, brands)
            uow.commit()
        yield rt, client


def _manifest_csv(n: int = 400, seed: int = 3) -> bytes:
    df, _truth = generator.manifest(n, seed=seed, start=datetime(2026, 11, 18, tzinfo=UTC), days=2)
    buffer = io.BytesIO()
    df.write_csv(buffer)
    # two rows a carrier gets wrong: no declared value, and a currency that does not exist
    return buffer.getvalue() + b"BAD-1,,,,,,,,,,,,,,,,,,\nBAD-2,,,,,,,,12.5,XXX,,,,,,,,,\n"


def _as(rt: Runtime, user: str) -> Browser:
    return sign_in(new_client(rt, EXTRA), user)


def _upload(b: Browser, content: bytes, name: str = "manifest.csv", mime: str = "text/csv") -> Any:
    return b.client.post(
        "/console/ecommerce/manifests", data={"csrf_token": b.csrf}, files={"manifest": (name, content, mime)}
    )


def _follow(b: Browser, location: str) -> str:
    """Follows the progress page until screening is done; returns the manifest page's address."""
    for _ in range(200):
        r = b.get(location)
        if r.status_code == 303:
            return str(r.headers["location"])
        assert r.status_code == 200 and 'http-equiv="refresh"' in r.text, r.text[-2000:]
        time.sleep(0.05)
    raise AssertionError("screening did not finish")


def _screen_for(rt: Runtime, party: str, user: str) -> str:
    with rt.uow() as uow:
        report = ecommerce_service.screen_manifest(
            uow, io.BytesIO(_manifest_csv(300, seed=9)), source_name="other.csv", fmt="csv", country="PE",
            submitted_by=user, submitter_party=party,
        )  # fmt: skip
        uow.commit()
    return report.manifest_id


def test_a_carrier_uploads_a_manifest_follows_it_and_sees_each_decision(shop: Any) -> None:
    rt, _client = shop
    carrier = _as(rt, "carrier.demo")
    start = carrier.get("/console/ecommerce")
    assert start.status_code == 200 and "What this page is for" in start.text
    assert "You have not submitted a manifest yet" in start.text and 'id="upload-manifest"' in start.text
    r = _upload(carrier, _manifest_csv())
    assert r.status_code == 303 and "/console/ecommerce/uploads/" in r.headers["location"]
    target = _follow(carrier, r.headers["location"])
    assert target.startswith("/console/ecommerce/manifests/") and target.endswith("?done=screened")
    page = carrier.get(target.replace("?done=screened", ""))
    assert page.status_code == 200
    assert "402 rows read" in page.text and "400 parcels screened" in page.text
    tiles = re.findall(r'<span class="tile-n">([\d,]+)</span>', page.text)
    assert sum(int(t.replace(",", "")) for t in tiles) == 400
    rejects = page.text[page.text.index('id="rejects"') :]
    assert "BAD-1" in rejects and "BAD-2" in rejects and "XXX" in rejects
    assert page.text.count('<tr id="p-') == 100  # first page of parcels, each with its decision
    held = carrier.get(target.replace("?done=screened", "?decision=held"))
    assert "Customs selected this parcel" in held.text or "data quality" in held.text
    assert ">Score<" not in held.text and "Your decision" not in held.text  # customs' scoring stays with customs
    # after signing in again, the carrier lands on its manifests, not on an empty declarations list
    again = new_client(rt, EXTRA)
    landing = again.post(
        "/console/login",
        data={"user": "carrier.demo", "password": "demo", "next": "/",
              "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', again.get("/console/login").text).group(1)},  # type: ignore[union-attr]
    )  # fmt: skip
    assert landing.headers["location"] == "/console/ecommerce"


def test_another_partys_manifest_and_upload_are_invisible(shop: Any) -> None:
    rt, _client = shop
    theirs = _screen_for(rt, "PE20111222330", "carrier.other")
    carrier = _as(rt, "carrier.demo")
    assert carrier.get(f"/console/ecommerce/manifests/{theirs}").status_code == 404
    assert "other.csv" not in carrier.get("/console/ecommerce").text
    other = _as(rt, "carrier.other")
    r = _upload(other, _manifest_csv(50))
    job = r.headers["location"]
    assert carrier.get(job).status_code == 404  # someone else's upload progress
    officer = _as(rt, "officer.rojas")
    assert officer.get(f"/console/ecommerce/manifests/{theirs}").status_code == 200
    agency = _as(rt, "agency.senasa")
    assert agency.get("/console/ecommerce").status_code == 403


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "manifest.xlsx", "ZIP or Excel file"),
        (b"%PDF-1.4\n%%EOF\n", "manifest.pdf", "This is a PDF document"),
        (b"parcel_id,declared\x00value\n", "manifest.csv", "This file is not text"),
        (b"", "manifest.csv", "The file is empty"),
    ],
)
def test_a_file_that_is_not_a_manifest_is_refused_with_a_clear_message(
    shop: Any, content: bytes, name: str, words: str
) -> None:
    rt, _client = shop
    carrier = _as(rt, "carrier.demo")
    r = _upload(carrier, content, name)
    assert r.status_code == 422 and words in r.text and 'id="upload-error"' in r.text


def test_a_manifest_without_the_required_columns_fails_and_says_why(shop: Any) -> None:
    rt, _client = shop
    carrier = _as(rt, "carrier.demo")
    r = _upload(carrier, b"waybill;value\nA1;10\n")
    for _ in range(200):
        page = carrier.get(r.headers["location"])
        if 'id="screening-failed"' in page.text:
            break
        time.sleep(0.05)
    assert 'id="screening-failed"' in page.text and "parcel_id" in page.text


def test_an_officer_releases_a_held_parcel_after_a_check(shop: Any) -> None:
    rt, _client = shop
    manifest_id = _screen_for(rt, "PE20555666773", "carrier.demo")
    officer = _as(rt, "officer.rojas")
    start = officer.get("/console/ecommerce")
    assert 'id="held"' in start.text and "riskiest first" in start.text
    page = officer.get(f"/console/ecommerce/manifests/{manifest_id}")
    forms = re.findall(r'action="(/console/ecommerce/manifests/[^"]+/parcels/([^"/]+)/decision)"', page.text)
    assert forms, "no held parcel to decide"
    action, parcel = forms[0]
    no_reason = officer.post(action, {"action": "release", "reason": ""})
    assert no_reason.status_code == 303 and "error=reason" in no_reason.headers["location"]
    forged = officer.client.post(action, data={"action": "release", "reason": "fine", "csrf_token": "x"})
    assert forged.status_code == 403
    done = officer.post(action, {"action": "release", "reason": "opened: a kettle, as declared"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=released")
    after = officer.get(done.headers["location"])
    row = after.text[after.text.index(f'id="p-{parcel}"') :].split("</tr>", 1)[0]
    assert "released" in row and "opened: a kettle, as declared" in row
    with rt.uow(readonly=True) as uow:
        entries = audit.entries(uow, action="ecommerce.parcel.release")
    assert [(e.actor, e.target) for e in entries] == [("officer.rojas", f"parcel:{manifest_id}/{parcel}")]
    # the carrier sees the outcome of the check, not the officer's notes
    carrier = _as(rt, "carrier.demo")
    theirs = carrier.get(f"/console/ecommerce/manifests/{manifest_id}?decision=held")
    row = theirs.text[theirs.text.index(f'id="p-{parcel}"') :].split("</tr>", 1)[0]
    assert "released" in row and "kettle" not in row
    assert carrier.post(action, {"action": "release", "reason": "self-release"}).status_code == 403


@pytest.mark.shared_data
def test_a_manifest_of_real_marketplace_listings_gets_a_decision_or_a_reason_for_every_row(shop: Any) -> None:
    import csv

    from tests.conftest import shared_data

    listings = shared_data("marketplace", "flipkart-listings.csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["parcel_id", "marketplace", "seller_id", "seller_name", "listed_price", "declared_value",
                     "currency", "description", "quantity", "origin_country", "consignee_id"])  # fmt: skip
    with listings.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i >= 400:
                break
            # real titles, brands and prices (some missing); every tenth declared at a tenth of its price
            price = row["discounted_price"] or row["retail_price"]
            declared = price if i % 10 else (f"{float(price) / 10:.2f}" if price else "")
            writer.writerow([f"FK-{i:04d}", "flipkart", row["brand"] or "", row["brand"] or "", price, declared,
                             row["currency"], row["title"], "1", "IN", f"C{i % 37:03d}"])  # fmt: skip
    rt, _client = shop
    carrier = _as(rt, "carrier.demo")
    r = _upload(carrier, out.getvalue().encode("utf-8"), "flipkart.csv")
    target = _follow(carrier, r.headers["location"]).replace("?done=screened", "")
    page = carrier.get(target)
    read = int(re.search(r"([\d,]+) rows read", page.text).group(1).replace(",", ""))  # type: ignore[union-attr]
    screened = int(re.search(r"([\d,]+) parcels screened", page.text).group(1).replace(",", ""))  # type: ignore[union-attr]
    rejected = page.text.count("<tr><td>") if 'id="rejects"' in page.text else 0
    assert read == 400 and screened + rejected == 400, (screened, rejected)
    tiles = re.findall(r'<span class="tile-n">([\d,]+)</span>', page.text)
    assert sum(int(t.replace(",", "")) for t in tiles) == screened


def test_an_officer_verifies_the_hs_code_of_a_held_parcel_and_it_feeds_the_history(shop: Any) -> None:
    from clearway.ecommerce import hs_history_store
    from tests.unit.ecommerce.helpers import csv_bytes, parcel

    rt, _client = shop
    title = "Zentro women wedge sandal"
    with rt.uow() as uow:
        history = f"title,hs_code,parcels\n{title},392690,30\n"
        hs_history_store.load_stream(uow, io.BytesIO(history.encode()), actor="a", role="admin", source="archive")
        report = ecommerce_service.screen_manifest(
            uow, io.BytesIO(csv_bytes([parcel("SANDAL", description=title, hs_code="640399")])),
            source_name="sandals.csv", fmt="csv", country="PE", submitted_by="carrier.demo",
            submitter_party="PE20555666773", caches=rt.caches,
        )  # fmt: skip
        uow.commit()
    officer = _as(rt, "officer.rojas")
    page = officer.get(f"/console/ecommerce/manifests/{report.manifest_id}")
    row = page.text[page.text.index('id="p-SANDAL"') :].split("</tr>", 1)[0]
    assert 'name="verified_hs"' in row and "Verified HS code" in row and 'pattern="[0-9]{6}"' in row
    spanish = officer.get(f"/console/ecommerce/manifests/{report.manifest_id}", headers={"Accept-Language": "es"})
    assert "Código SA verificado" in spanish.text
    action = f"/console/ecommerce/manifests/{report.manifest_id}/parcels/SANDAL/decision"
    for bad in ("12", "abcdef", "999999", "640399' OR 1=1"):
        refused = officer.post(action, {"action": "release", "reason": "opened: sandals", "verified_hs": bad})
        assert refused.status_code == 303 and "error=hs" in refused.headers["location"], bad
    shown = officer.get(refused.headers["location"])
    assert "must be a 6-digit subheading" in shown.text and "released" not in shown.text.split('id="p-SANDAL"')[1]
    done = officer.post(action, {"action": "release", "reason": "opened: leather sandals", "verified_hs": "640399"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=released&hs=added")
    after = officer.get(done.headers["location"])
    assert 'id="history-flash"' in after.text and "now counts in the classification history" in after.text
    again = officer.post(action, {"action": "hold", "reason": "kept for the invoice", "verified_hs": "640399"})
    assert again.headers["location"].endswith("?done=held&hs=unchanged")
    with rt.uow(readonly=True) as uow:
        held = hs_history_store.summary(uow)
        [entry] = audit.entries(uow, action="ecommerce.hs_history.verified")
    assert held["parcels"] == 31 and entry.actor == "officer.rojas" and entry.reason == "opened: leather sandals"
    # a carrier posting a code for its own parcel is refused, and the history is unchanged
    carrier = _as(rt, "carrier.demo")
    assert carrier.post(action, {"action": "release", "reason": "mine", "verified_hs": "392690"}).status_code == 403
    with rt.uow(readonly=True) as uow:
        assert hs_history_store.summary(uow)["parcels"] == 31
