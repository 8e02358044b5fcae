"""The console's customs vocabulary: statuses, lanes, modes, decisions and findings, marked for translation.

Codes (``01``, ``green``, ``1``) never change; only the words shown beside them are translated.
"""

from __future__ import annotations

from clearway.console.i18n import N_, gettext

STATUS_WORDS: dict[str, str] = {
    "01": N_("accepted"),
    "02": N_("received"),
    "03": N_("rejected"),
    "05": N_("physical check"),
    "06": N_("documents required"),
    "07": N_("amended"),
    "08": N_("released"),
    "09": N_("cleared"),
    "10": N_("invalidated"),
    "52": N_("detained"),
}
LANE_WORDS = {"green": N_("green lane"), "yellow": N_("yellow lane"), "red": N_("red lane")}
LANE_SHORT = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red")}
TRANSPORT_MODES: dict[str, str] = {
    "1": N_("sea"),
    "2": N_("rail"),
    "3": N_("road"),
    "4": N_("air"),
    "5": N_("post"),
    "7": N_("fixed installation"),
    "8": N_("inland waterway"),
    "9": N_("own propulsion"),
}
DECISION_LABELS = {
    "request_documents": N_("Request documents"),
    "physical_check": N_("Order a physical check"),
    "release": N_("Release the goods"),
    "detain": N_("Detain the goods"),
    "clear": N_("Clear (close the file)"),
    "invalidate": N_("Invalidate"),
}
DECISION_DONE = {
    "request_documents": N_("Decision recorded: documents requested."),
    "physical_check": N_("Decision recorded: physical check ordered."),
    "release": N_("Decision recorded: the goods are released."),
    "detain": N_("Decision recorded: the goods are detained."),
    "clear": N_("Decision recorded: the file is closed."),
    "invalidate": N_("Decision recorded: the declaration is invalidated."),
    "findings": N_("Control result recorded."),
    "findings_released": N_("Control result recorded; nothing else blocked release, so the goods are released."),
    "paid": N_("Payment recorded."),
    "replayed": N_("This declaration was lodged before with the same LRN; here it is."),
    "answered": N_("Your reply and documents were sent to customs."),
    "amended": N_("Amendment sent."),
}
FINDING_RESULTS = {"no_discrepancy": N_("No discrepancy"), "discrepancy": N_("Discrepancy found")}
FINDING_KINDS = {
    "misclassification": N_("misclassification"),
    "undervaluation": N_("undervaluation"),
    "origin": N_("origin"),
    "quantity": N_("quantity"),
    "prohibited": N_("prohibited goods"),
    "other": N_("other"),
}
HISTORY_KINDS = {
    "received": N_("received"),
    "lodged": N_("lodged"),
    "payment": N_("payment"),
    "reassessed": N_("reassessed"),
    "agency_decision": N_("agency decision"),
    "agencies_routed": N_("sent to agencies"),
    "accepted": N_("accepted"),
    "lane_assigned": N_("lane assigned"),
    "lane_reviewed": N_("lane reviewed after documents"),
    "document_attached": N_("document attached"),
    "documents_checked": N_("documents compared with the declaration"),
    "control_result": N_("control result"),
    "amended": N_("amended"),
    "assessed": N_("assessed"),
    "paid": N_("paid"),
    "routed": N_("sent to agencies"),
    "reply": N_("trader's reply"),
    "request_documents": N_("documents requested"),
    "physical_check": N_("physical check ordered"),
    "release": N_("released"),
    "detain": N_("detained"),
    "clear": N_("cleared"),
    "invalidate": N_("invalidated"),
    "provisional_acceptance": N_("accepted provisionally"),
    "crisis_measure": N_("crisis measure applied"),
    "completed": N_("provisional declaration completed"),
    "party_id_warning": N_("party identifier to check"),
}
APP_STATUSES = {
    "submitted": N_("submitted"),
    "info_requested": N_("information requested"),
    "approved": N_("approved"),
    "refused": N_("refused"),
}
PARTY_ROLES = {
    "declarant": N_("Declarant"),
    "importer": N_("Importer"),
    "exporter": N_("Exporter"),
    "representative": N_("Customs broker (representative)"),
}
REPRESENTATION = {"direct": N_("direct representation"), "indirect": N_("indirect representation")}
ROLES = {
    "declarant": N_("trader or broker"),
    "officer": N_("customs officer"),
    "supervisor": N_("supervisor"),
    "agency": N_("partner agency"),
    "admin": N_("administrator"),
    "carrier": N_("carrier"),
    "analyst": N_("risk analyst"),
    "system": N_("system"),
}


def _word(table: dict[str, str], code: str | None) -> str:
    if not code:
        return "—"
    found = table.get(str(code))
    return gettext(found) if found else str(code).replace("_", " ")


def status_label(code: str | None) -> str:
    """Returns a status in words in the current language (the code itself when unknown)."""
    return _word(STATUS_WORDS, code)


def lane_label(code: str | None) -> str:
    """Returns a lane in words ('canal rojo', 'red lane')."""
    return _word(LANE_WORDS, code)


def transport_mode(code: str | int | None) -> str:
    """Returns a transport mode in words, with its code: 'sea (1)'."""
    if code in (None, ""):
        return "—"
    word = TRANSPORT_MODES.get(str(code))
    return f"{gettext(word)} ({code})" if word else str(code)


EXCHANGE_KINDS = {
    "export_summary": N_("export summaries"),
    "alert": N_("alerts and seizures"),
    "aeo_status": N_("AEO status"),
    "tree_head": N_("ledger tree heads"),
}
ALERT_KINDS = {"alert": N_("alert"), "seizure": N_("seizure")}
OUTBOX_STATUSES = {"pending": N_("waiting"), "sent": N_("delivered"), "refused": N_("refused by the partner")}


def word(kind: str, code: str | None) -> str:
    """Returns a code of a named vocabulary in words (decision, finding, kind, history, app, party, role)."""
    tables = {
        "decision": DECISION_LABELS,
        "result": FINDING_RESULTS,
        "finding": FINDING_KINDS,
        "history": HISTORY_KINDS,
        "app": APP_STATUSES,
        "party": PARTY_ROLES,
        "representation": REPRESENTATION,
        "role": ROLES,
        "lane_short": LANE_SHORT,
        "exchange": EXCHANGE_KINDS,
        "alert": ALERT_KINDS,
        "outbox": OUTBOX_STATUSES,
    }
    return _word(tables.get(kind) or MORE_WORDS.get(kind, {}), code)


# Vocabularies of the administration pages (mandates, four-eyes changes, requirement needs).
MORE_WORDS: dict[str, dict[str, str]] = {
    "mandate": {
        "active": N_("in force"),
        "pending": N_("not yet in force"),
        "expired": N_("expired"),
        "revoked": N_("revoked"),
    },
    "change": {
        "single_window.requirement.retire": N_("End an agency requirement"),
        "single_window.agency.automated_decisions": N_("Let the platform decide clear cases for an agency"),
    },
    "change_status": {"pending": N_("waiting"), "approved": N_("approved"), "rejected": N_("rejected")},
    "need": {
        "document": N_("document"),
        "certificate": N_("certificate"),
        "licence": N_("licence"),
        "permit": N_("permit"),
        "inspection": N_("inspection"),
    },
    "auto": {
        "none": N_("an agency officer decides"),
        "standing_licence": N_("approved automatically against the importer's standing licence"),
    },
    # the documents attached to a declaration (documents_panel.html)
    "document_type": {
        "invoice": N_("invoice"),
        "packing-list": N_("packing list"),
        "certificate-of-origin": N_("certificate of origin"),
        "transport": N_("transport"),
        "other": N_("other"),
    },
    "document_format": {
        "text-pdf": N_("PDF with text, read from its words"),
        "scan-ocr": N_("scan, read by OCR"),
        "scan-unread": N_("scan, not read (OCR is not installed here)"),
        "ubl": N_("UBL 2.1 e-invoice (XML)"),
        "cii": N_("UN/CEFACT CII e-invoice (XML)"),
        "cfdi": N_("CFDI e-invoice (Mexico, XML)"),
        "nfe": N_("NF-e e-invoice (Brazil, XML)"),
        "factur-x": N_("Factur-X / ZUGFeRD 2 PDF: fields read from its embedded CII XML"),
        "zugferd": N_("ZUGFeRD PDF: fields read from its embedded CII XML"),
        "xrechnung": N_("XRechnung PDF: fields read from its embedded CII XML"),
        "pdf-ubl": N_("PDF with an embedded UBL e-invoice: fields read from the XML"),
        "pdf-cii": N_("PDF with an embedded CII e-invoice: fields read from the XML"),
    },
    "document_field": {
        "invoice_number": N_("Invoice number"),
        "certificate_number": N_("Certificate number"),
        "date": N_("Invoice date"),
        "currency": N_("Currency"),
        "incoterm": N_("Incoterm"),
        "seller": N_("Seller"),
        "buyer": N_("Buyer"),
        "net": N_("Net amount"),
        "tax": N_("Tax amount"),
        "total": N_("Total"),
        "gross_weight_kg": N_("Gross weight"),
        "net_weight_kg": N_("Net weight"),
        "origin": N_("Origin statement"),
        "transport_document_number": N_("Transport document number"),
        "vessel": N_("Vessel or flight"),
        "port_of_loading": N_("Port of loading"),
        "port_of_discharge": N_("Port of discharge"),
    },
    "confidence": {"high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "field_source": {"embedded-xml": N_("from the embedded XML"), "pdf-text": N_("from the printed text")},
}


# A document's fields named as a certificate, packing list or transport document names them (the reader returns
# the same fields for every type; an invoice's names are the default).
DOCUMENT_FIELDS_BY_TYPE: dict[str, dict[str, str]] = {
    "certificate-of-origin": {
        "seller": N_("Exporter"),
        "buyer": N_("Consignee"),
        "date": N_("Date of issue"),
        "origin": N_("Country of origin"),
    },
    "packing-list": {"seller": N_("Exporter"), "buyer": N_("Consignee"), "date": N_("Date")},
    "transport": {"seller": N_("Shipper"), "buyer": N_("Consignee"), "date": N_("Date of issue")},
}


def document_field(doc_type: str | None, name: str | None) -> str:
    """Returns a field read from a document in words, as a document of that type names it."""
    return _word({**MORE_WORDS["document_field"], **DOCUMENT_FIELDS_BY_TYPE.get(str(doc_type), {})}, name)
