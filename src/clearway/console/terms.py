"""Words of the risk, e-commerce and ledger pages: codes shown with their translated words (codes never change)."""

from __future__ import annotations

from clearway.console.i18n import N_, gettext

SEVERITIES = {"low": N_("low"), "medium": N_("medium"), "high": N_("high"), "critical": N_("critical")}
RISK_SETTINGS = {
    "random_red": N_("Random red share"),
    "random_yellow": N_("Random yellow share"),
    "red_capacity": N_("Red lane capacity (share of the day's declarations)"),
    "model_red_above": N_("Model score above which the lane is red"),
    "model_yellow_above": N_("Model score above which the lane is yellow"),
}
CRITERIA = {"rule": N_("rule"), "watchlist": N_("watchlist")}
PARCEL_DECISIONS = {
    "release": N_("release"),
    "hold_documents": N_("held for documents"),
    "hold_inspection": N_("held for inspection"),
    "refuse": N_("refused entry"),
}
PARCEL_FLAGS = {
    "data_quality": N_("data quality"),
    "split_shipment": N_("split shipment"),
    "undervaluation": N_("undervaluation"),
    "recalled_product": N_("recalled product"),
    "ip_infringement": N_("counterfeit (IP infringement)"),
    "over_de_minimis": N_("above the de minimis threshold"),
    "risky_seller": N_("risky seller"),
    "hs_implausible": N_("implausible HS code"),
}
CHECKS = {
    "format": N_("Format"),
    "integrity": N_("Signature"),
    "issuer": N_("Issuer"),
    "status": N_("Revocation status"),
    "validity": N_("Validity period"),
}
CREDENTIAL_KINDS = {
    "certificate_of_origin": N_("Certificate of origin"),
    "conformity": N_("Conformity certificate"),
    "product_passport": N_("Digital product passport"),
    "traceability_event": N_("Traceability event"),
}
AEO_STATUSES = {"granted": N_("granted"), "suspended": N_("suspended"), "revoked": N_("revoked")}
TABLES = {
    "severity": SEVERITIES,
    "risk_setting": RISK_SETTINGS,
    "criterion": CRITERIA,
    "parcel": PARCEL_DECISIONS,
    "flag": PARCEL_FLAGS,
    "check": CHECKS,
    "credential": CREDENTIAL_KINDS,
    "aeo": AEO_STATUSES,
}


def term(kind: str, code: str | None) -> str:
    """Returns a code in words in the page's language (the code itself when it has no words)."""
    if code is None or code == "":
        return "—"
    words = TABLES.get(kind, {}).get(str(code))
    return gettext(words) if words else str(code)
