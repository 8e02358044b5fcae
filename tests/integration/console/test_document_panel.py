"""The declaration page's documents panel: what was read from each attached file, in the page's language, next to
the differences found, with a download of the original for the declaration's parties and customs only."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from PIL import Image

from clearway.console import i18n, vocabulary
from clearway.declarations import service as declarations
from clearway.declarations.examples import example_declaration
from clearway.documents import einvoice_samples
from clearway.documents import phrases as documents_phrases
from clearway.documents import seed as documents_seed
from clearway.documents import service as documents
from clearway.platform import auth
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from tests.integration.console.conftest import lodge

BROKER = Principal(user="broker.andina", role="declarant", party_id="PE20100047218")


def _panel(html: str) -> str:
    start = html.index('id="attached-documents"')
    return html[start : html.index("</section>", start)]


def _article(panel: str, filename: str) -> str:
    """The part of the panel about one file (its heading up to the next file's)."""
    start = panel.index(f'<span class="wrap-text filename">{filename}</span>')
    end = panel.find('<article class="attached-doc"', start)
    return panel[start : end if end > 0 else len(panel)]


def _row(article: str, label: str) -> str:
    """One row of a document's field table, by the field's label (its row header)."""
    start = article.index(f'<th scope="row">{label}</th>')
    return article[start : article.index("</tr>", start)]


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).replace("\xa0", " ").replace("&#39;", "'")


def _attach(runtime: Runtime, mrn: str, body: bytes, filename: str, doc_type: str = "invoice") -> str:
    with runtime.uow() as uow:
        doc, _ = documents.attach(uow, mrn, body, doc_type=doc_type, filename=filename, principal=BROKER, ocr=False)
        uow.commit()
    return doc.id


def _printed_and_factur_x(runtime: Runtime, lrn: str) -> tuple[str, str, bytes]:
    """A declaration with its printed invoice inflated threefold and the demo's Factur-X (XML says FCA)."""
    runtime.ports.add(documents_phrases.PHRASES)  # as the installed documents capability offers them
    mrn = lodge(runtime, lrn)
    with runtime.uow(readonly=True) as uow:
        decl = declarations.get(uow, mrn)
    printed = documents_seed.invoice_for(decl, seed=1, total_factor=Decimal(3))
    doc_id = _attach(runtime, mrn, printed, "invoice-printed.pdf")
    _attach(runtime, mrn, documents_seed.factur_x_for(decl, seed=2), "factur-x.pdf")
    return mrn, doc_id, printed


def test_the_officer_reads_each_documents_fields_with_confidence_and_differences_in_english_and_spanish(
    signed_in: Any, console_runtime: Runtime
) -> None:
    mrn, _, _ = _printed_and_factur_x(console_runtime, "HOLD-PANEL-1")
    officer = signed_in("officer.rojas")
    words = {
        "en": {
            "title": "Attached documents",
            "text_pdf": "PDF with text, read from its words",
            "facturx": "Factur-X / ZUGFeRD 2 PDF: fields read from its embedded CII XML",
            "date": "Nov 20, 2026",
            "total": "$146,250.00",
            "high": "high",
            "total_label": "Total",
            "total_finding": "invoice total 146,250.00 USD, declared 48,750.00 USD",
            "incoterm_finding": "invoice incoterm FCA, declared FOB",
            "date_label": "Invoice date",
            "buyer_label": "Buyer",
            "good_digits": "check digits valid",
            "from_xml": "from the embedded XML",
            "unit_price": "Unit price",
            "line_amount": "$108,000.00",
            "weight": "233.5 kg",
        },
        "es": {
            "title": "Documentos adjuntos",
            "text_pdf": "PDF con texto, leído de sus palabras",
            "facturx": "PDF Factur-X / ZUGFeRD 2: campos leídos de su XML CII incrustado",
            "date": "20 nov. 2026",
            "total": "USD 146,250.00",
            "high": "alta",
            "total_label": "Total",
            "total_finding": "total de la factura 146,250.00 USD, declarado 48,750.00 USD",
            "incoterm_finding": "incoterm de la factura FCA, declarado FOB",
            "date_label": "Fecha de la factura",
            "buyer_label": "Comprador",
            "good_digits": "dígito verificador válido",
            "from_xml": "del XML incrustado",
            "unit_price": "Precio unitario",
            "line_amount": "USD 108,000.00",
            "weight": "233.5 kg",
        },
    }
    for lang, w in words.items():
        page = officer.get(f"/console/declarations/{mrn}", headers={"Accept-Language": lang})
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
        panel = _panel(page.text)
        assert w["title"] in panel
        printed = _article(panel, "invoice-printed.pdf")
        assert w["text_pdf"] in printed
        assert w["date"] in _text(_row(printed, w["date_label"]))  # the ISO date, in the page's locale
        total = _text(_row(printed, w["total_label"]))
        assert w["total"] in total and w["total_finding"] in total  # the difference sits on the field it concerns
        assert f'class="badge conf-high">{w["high"]}</span>' in _row(printed, w["total_label"])  # a word, not a float
        assert "0.97" not in total
        assert re.search(r'<td class="num">1</td>', _row(printed, w["total_label"]))  # the page it was read on
        buyer = _text(_row(printed, w["buyer_label"]))
        assert (
            "RUC 20512345671" in buyer and w["good_digits"] in buyer
        )  # the demo importer's RUC, its check digit right
        assert w["weight"] in printed
        assert f'<th scope="col" class="num">{w["unit_price"]}</th>' in printed and w["line_amount"] in _text(printed)
        assert "<caption" in printed and "Smartphones, 6.5 inch" in printed
        fx = _article(panel, "factur-x.pdf")
        assert w["facturx"] in fx
        incoterm = _text(_row(fx, "Incoterm"))
        assert "FCA" in incoterm and w["incoterm_finding"] in incoterm and w["from_xml"] in incoterm
        assert w["total_finding"] not in fx  # the Factur-X total agrees: no difference shown on it
        assert f'href="/console/declarations/{mrn}/documents/' in fx


def test_the_trader_party_downloads_the_original_and_another_trader_or_an_agency_cannot(
    signed_in: Any, console_runtime: Runtime
) -> None:
    mrn, doc_id, printed = _printed_and_factur_x(console_runtime, "HOLD-PANEL-2")
    with console_runtime.uow() as uow:
        auth.ensure_user(uow, name="agency.senasa", role="agency", agency="SENASA", password="demo")
        uow.commit()
    url = f"/console/declarations/{mrn}/documents/{doc_id}/download"
    for user in ("broker.andina", "officer.rojas"):
        browser = signed_in(user)
        assert "invoice-printed.pdf" in _panel(browser.get(f"/console/declarations/{mrn}").text)
        got = browser.get(url)
        assert got.status_code == 200 and got.content == printed
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"] == 'attachment; filename="invoice-printed.pdf"'
        assert (
            got.headers["x-content-type-options"] == "nosniff" and "sandbox" in got.headers["content-security-policy"]
        )
    for user in ("broker.other", "agency.senasa"):
        browser = signed_in(user)
        page = browser.get(f"/console/declarations/{mrn}")
        assert "invoice-printed.pdf" not in page.text and "attached-documents" not in page.text
        got = browser.get(url)
        assert got.status_code == 404 and got.content != printed and b"%PDF" not in got.content
    # a document asked for under another declaration the user may see is not served either
    other = lodge(console_runtime, "HOLD-PANEL-3")
    broker = signed_in("broker.andina")
    assert broker.get(f"/console/declarations/{other}/documents/{doc_id}/download").status_code == 404
    assert broker.get(f"/console/declarations/{mrn}/documents/{'x' * 80}/download").status_code == 404


def test_html_in_a_file_name_or_in_the_text_read_from_a_document_is_shown_as_text(
    signed_in: Any, console_runtime: Runtime
) -> None:
    mrn = lodge(console_runtime, "HOLD-PANEL-4")
    xml, _ = einvoice_samples.ubl_invoice(1)
    assert b"Shenzhen Bright Electronics Co. Ltd" in xml and b"<cbc:Name>Bolsos de cuero</cbc:Name>" in xml
    xml = xml.replace(b"Shenzhen Bright Electronics Co. Ltd", b"&lt;script&gt;alert(1)&lt;/script&gt; Ltd")
    xml = xml.replace(
        b"<cbc:Name>Bolsos de cuero</cbc:Name>", b"<cbc:Name>&lt;img src=x onerror=alert(2)&gt;</cbc:Name>"
    )
    _attach(console_runtime, mrn, xml, 'a&b <img src=x onerror=alert(3)>".xml')
    page = signed_in("officer.rojas").get(f"/console/declarations/{mrn}").text
    panel = _panel(page)
    assert "UBL 2.1 e-invoice (XML)" in panel
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in panel
    assert "<img src=x onerror=alert(2)>" not in page and "&lt;img src=x onerror=alert(2)&gt;" in panel
    assert "<img src=x onerror=alert(3)>" not in page and "a&amp;b img src=x onerror=alert(3).xml" in panel


def test_a_scan_that_could_not_be_read_says_so_and_still_offers_the_file(
    signed_in: Any, console_runtime: Runtime
) -> None:
    mrn = lodge(console_runtime, "HOLD-PANEL-5")
    buf = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buf, format="PNG")
    doc_id = _attach(console_runtime, mrn, buf.getvalue(), "scan.png", doc_type="packing-list")
    for lang, words in (
        ("en", ("packing list", "scan, not read (OCR is not installed here)", "No field could be read")),
        ("es", ("lista de empaque", "escaneo, no leído (OCR no instalado aquí)", "No se pudo leer ningún campo")),
    ):
        page = signed_in("officer.rojas").get(f"/console/declarations/{mrn}", headers={"Accept-Language": lang})
        panel = _panel(page.text)
        article = _article(panel, "scan.png")
        assert f'<span class="badge doc">{words[0]}</span> <span class="wrap-text filename">scan.png' in panel
        assert words[1] in article and words[2] in article, lang
        assert "<table" not in article  # no empty field table
        assert f"/documents/{doc_id}/download" in article


def test_the_demo_certificate_of_origin_shows_its_one_origin_difference_in_english_and_spanish(
    signed_in: Any, console_runtime: Runtime
) -> None:
    console_runtime.ports.add(documents_phrases.PHRASES)
    items = example_declaration("HOLD-PANEL-CO")["goods_items"]
    items[2]["origin_country"] = "VN"
    mrn = lodge(console_runtime, "HOLD-PANEL-CO", goods_items=items)
    with console_runtime.uow(readonly=True) as uow:
        decl = declarations.get(uow, mrn)
    assert documents_seed.origin_one_off(decl) == "CN"
    _attach(console_runtime, mrn, documents_seed.certificate_for(decl, origin="CN"), "coo.pdf", "certificate-of-origin")
    for lang, kind, label, finding in (
        (
            "en",
            "certificate of origin",
            "Country of origin",
            "certificate of origin states origin CN, declared VN for item 3",
        ),
        (
            "es",
            "certificado de origen",
            "País de origen",
            "origen según certificado de origen: CN; declarado VN",
        ),
    ):
        for user in ("officer.rojas", "broker.andina"):
            page = signed_in(user).get(f"/console/declarations/{mrn}", headers={"Accept-Language": lang})
            panel = _panel(page.text)
            assert f'<span class="badge doc">{kind}</span> <span class="wrap-text filename">coo.pdf' in panel
            article = _article(panel, "coo.pdf")
            origin = _text(_row(article, label))
            assert "CN" in origin and "Country of origin China" in origin and finding in origin  # on the origin row
            assert _text(article).count("VN") == 1  # one difference: the third item, none on the two of China
            assert "RUC 20512345671" in _text(article)
            assert _text(article).count("Country of origin China") == 1  # the statement, not a consignee's line
    other = signed_in("broker.other").get(f"/console/declarations/{mrn}")
    assert "coo.pdf" not in other.text and "attached-documents" not in other.text


def _pdf(texts: list[tuple[float, float, str]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 9)
    for x, y, text in texts:
        c.drawString(x, A4[1] - y, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _boxes(head: list[tuple[float, float, str]], boxes: list[tuple[str, list[str]]]) -> bytes:
    texts, y = list(head), 90.0
    for title, lines in boxes:
        texts.append((40, y, title))
        for line in lines:
            y += 12
            texts.append((54, y, line))
        y += 24
    return _pdf(texts)


def test_a_certificate_and_a_transport_document_show_their_own_field_names_in_four_languages(
    signed_in: Any, console_runtime: Runtime
) -> None:
    console_runtime.ports.add(documents_phrases.PHRASES)
    mrn = lodge(console_runtime, "HOLD-PANEL-BOXES")
    with console_runtime.uow(readonly=True) as uow:
        d = declarations.get(uow, mrn).data
    exporter = [d.exporter.name, documents_seed.tax_line(d.exporter.id), "China"]
    importer = [d.importer.name, documents_seed.tax_line(d.importer.id), "Peru"]
    certificate = _boxes(
        [(40, 50, "CERTIFICADO DE ORIGEN"), (380, 50, "Certificado N° CO-2026-0077")],
        [
            ("Casilla 1: Exportador (nombre, dirección, país)", exporter),
            ("Casilla 2: Consignatario (nombre, dirección, país)", importer),
            ("Casilla 3: País de origen", ["China"]),
            ("Casilla 4: Fecha de emisión", ["04/03/2026"]),
        ],
    )
    transport = _boxes(
        [(40, 50, "BILL OF LADING"), (380, 50, "Date of issue 05/03/2026")],
        [
            ("1. Shipper", exporter),
            ("2. Consignee", importer),
            ("3. B/L No. COSU-6021", []),
            ("4. Vessel / Voyage: Cosco Pride 021E", []),
            ("5. Port of loading", ["Shanghai"]),
            ("6. Port of discharge", ["Callao"]),
            ("7. Gross weight", ["233.5 kg"]),
        ],
    )
    _attach(console_runtime, mrn, certificate, "coo.pdf", "certificate-of-origin")
    _attach(console_runtime, mrn, transport, "bl.pdf", "transport")
    _attach(console_runtime, mrn, documents_seed.invoice_for(declarations_get(console_runtime, mrn), seed=0), "inv.pdf")
    names = {
        "en": (
            "Exporter",
            "Consignee",
            "Certificate number",
            "Date of issue",
            "Country of origin",
            "Shipper",
            "Seller",
        ),
        "es": (
            "Exportador",
            "Consignatario",
            "Número de certificado",
            "Fecha de emisión",
            "País de origen",
            "Embarcador",
            "Vendedor",
        ),
        "pt": (
            "Exportador",
            "Consignatário",
            "Número do certificado",
            "Data de emissão",
            "País de origem",
            "Embarcador",
            "Vendedor",
        ),
        "fr": (
            "Exportateur",
            "Destinataire",
            "Numéro du certificat",
            "Date d'émission",
            "Pays d'origine",
            "Chargeur",
            "Vendeur",
        ),
    }
    for lang, (exp, cons, number, issued, origin, shipper, seller) in names.items():
        page = signed_in("officer.rojas").get(f"/console/declarations/{mrn}", headers={"Accept-Language": lang})
        panel = _panel(page.text.replace("&#39;", "'"))
        coo = _article(panel, "coo.pdf")
        assert d.exporter.name in _text(_row(coo, exp)) and d.importer.name in _text(_row(coo, cons)), lang
        assert "CO-2026-0077" in _text(_row(coo, number))
        assert "2026" in _text(_row(coo, issued)) and "CN" in _text(_row(coo, origin))
        assert "(nombre" not in _text(coo)  # the box's hint is no party's name or address line
        bl = _article(panel, "bl.pdf")
        assert d.exporter.name in _text(_row(bl, shipper)) and d.importer.name in _text(_row(bl, cons))
        for field, value in (
            ("transport_document_number", "COSU-6021"),
            ("vessel", "Cosco Pride 021E"),
            ("port_of_loading", "Shanghai"),
            ("port_of_discharge", "Callao"),
        ):
            with i18n.using(i18n.Localizer(lang, i18n.timezone_of(None))):
                label = vocabulary.document_field("transport", field)
            assert value in _text(_row(bl, label)), (lang, field)
        assert f'<th scope="row">{seller}</th>' not in coo + bl  # an invoice's names only on the invoice
        assert d.exporter.name in _text(_row(_article(panel, "inv.pdf"), seller))


def declarations_get(runtime: Runtime, mrn: str) -> Any:
    with runtime.uow(readonly=True) as uow:
        return declarations.get(uow, mrn)
