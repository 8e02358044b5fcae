"""W3C VC Data Model 2.0 credentials secured as compact JWS (EdDSA over Ed25519), and their verification.

Verification never raises on bad input: it reports format, integrity, issuer identity, status and validity
period separately, each with the reason it failed.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from clearway.core.issues import Issue, pointer
from clearway.ledger.keys import KeyRecord, b64url_decode

ALG = "Ed25519"  # RFC 9864's fully specified EdDSA; "EdDSA" is accepted when verifying
ACCEPTED_ALGS = ("Ed25519", "EdDSA")
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
UNTP_CONTEXT = "https://test.uncefact.org/vocabulary/untp/"

# Credential kinds Clearway issues, with their VC types (UNTP names where UNTP defines one).
KINDS: dict[str, tuple[str, ...]] = {
    "certificate_of_origin": ("VerifiableCredential", "DigitalConformityCredential", "CertificateOfOrigin"),
    "conformity": ("VerifiableCredential", "DigitalConformityCredential"),
    "product_passport": ("VerifiableCredential", "DigitalProductPassport"),
    "traceability_event": ("VerifiableCredential", "DigitalTraceabilityEvent"),
}
# Fields each kind's credentialSubject must carry.
REQUIRED: dict[str, tuple[str, ...]] = {
    "certificate_of_origin": ("exporter", "importer", "originCountry", "goods"),
    "conformity": ("assessment", "productIds"),
    "product_passport": ("product", "producedBy"),
    "traceability_event": ("eventType", "eventTime", "productIds", "from", "to"),
}


def kind_of(types: list[str] | tuple[str, ...]) -> str | None:
    """Returns the Clearway kind of a credential from its VC types."""
    for kind, expected in sorted(KINDS.items(), key=lambda kv: -len(kv[1])):
        if set(expected) <= set(types):
            return kind
    return None


def subject_issues(kind: str, subject: dict[str, Any]) -> list[Issue]:
    """Lists what a credential subject of that kind lacks."""
    if kind not in KINDS:
        return [Issue("KIND_UNKNOWN", f"unknown credential kind '{kind}'; kinds are {', '.join(KINDS)}", "/kind")]
    issues = [
        Issue("REQUIRED", f"a {kind.replace('_', ' ')} needs '{name}'", pointer("subject", name))
        for name in REQUIRED[kind]
        if subject.get(name) in (None, "", [], {})
    ]
    if kind == "product_passport" and isinstance(subject.get("product"), dict):
        for name in ("id", "name", "hsCode", "countryOfProduction"):
            if not subject["product"].get(name):
                issues.append(
                    Issue("REQUIRED", f"a product passport needs product.{name}", pointer("subject", "product", name))
                )
    if kind == "certificate_of_origin" and isinstance(subject.get("goods"), list):
        for i, g in enumerate(subject["goods"]):
            if not isinstance(g, dict) or not g.get("hsCode") or not g.get("description"):
                issues.append(
                    Issue("REQUIRED", "each good needs hsCode and description", pointer("subject", "goods", i))
                )
    return issues


def product_ids(kind: str, subject: dict[str, Any]) -> list[str]:
    """Returns the product identifiers (serial, GTIN+lot) a credential speaks about."""
    ids: list[Any] = []
    if kind == "product_passport":
        product = subject.get("product") or {}
        ids = [product.get("id"), *(product.get("productIds") or [])]
    elif kind == "certificate_of_origin":
        for g in subject.get("goods") or []:
            ids.extend((g or {}).get("productIds") or [])
    else:
        ids = list(subject.get("productIds") or [])
    return sorted({str(i) for i in ids if i})


def iso(t: datetime) -> str:
    """Formats an aware time as the XML Schema dateTime VCs use."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime | None:
    """Parses a VC dateTime; None when absent, ValueError when malformed."""
    if value is None:
        return None
    t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"time '{value}' has no time zone")
    return t.astimezone(UTC)


def build(
    *,
    kind: str,
    credential_id: str,
    issuer: str,
    issuer_name: str,
    subject: dict[str, Any],
    valid_from: datetime,
    valid_until: datetime | None,
    status: dict[str, Any] | None,
    issued_at: datetime | None = None,
) -> dict[str, Any]:
    """Builds the VC 2.0 document of a credential (``iat``, the JWT issued-at claim, dates the signature)."""
    vc: dict[str, Any] = {
        "@context": [VC_CONTEXT, UNTP_CONTEXT],
        "id": credential_id,
        "type": list(KINDS[kind]),
        "issuer": {"id": issuer, "name": issuer_name},
        "validFrom": iso(valid_from),
        "credentialSubject": subject,
    }
    if valid_until is not None:
        vc["validUntil"] = iso(valid_until)
    if status is not None:
        vc["credentialStatus"] = status
    if issued_at is not None:
        vc["iat"] = int(issued_at.timestamp())
    return vc


def canonical(payload: dict[str, Any]) -> bytes:
    """Serialises JSON deterministically (sorted keys, no spaces)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(payload: dict[str, Any], *, kid: str, key: Ed25519PrivateKey, typ: str = "vc+jwt") -> str:
    """Signs a JSON payload as a compact JWS with the given key id."""
    header = {"alg": ALG, "kid": kid, "typ": typ}
    return jws.serialize_compact(header, canonical(payload), OKPKey.import_key(key), algorithms=[ALG])


def verify_signature(token: str, key: KeyRecord) -> dict[str, Any] | None:
    """Returns the payload when the JWS signature matches the key, else None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc warns that the name "EdDSA" is deprecated (RFC 9864)
        try:
            obj = jws.deserialize_compact(token, OKPKey.import_key(key.verifier()), algorithms=list(ACCEPTED_ALGS))
        except (JoseError, ValueError):
            return None
    try:
        payload = json.loads(obj.payload)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


@dataclass(frozen=True, slots=True)
class Check:
    """One verification check: passed or not, and why."""

    ok: bool
    reason: str


NOT_CHECKED = Check(False, "not checked")


@dataclass
class Report:
    """The verification of one credential, check by check."""

    format: Check
    integrity: Check = NOT_CHECKED
    issuer: Check = NOT_CHECKED
    status: Check = NOT_CHECKED
    validity: Check = NOT_CHECKED
    kid: str | None = None
    credential: dict[str, Any] | None = field(default=None)

    @property
    def verified(self) -> bool:
        """Tells whether every check passed."""
        return all(c.ok for c in (self.format, self.integrity, self.issuer, self.status, self.validity))

    @property
    def reasons(self) -> list[str]:
        """Returns the reasons of the failed checks, first failure first."""
        checks = (self.format, self.integrity, self.issuer, self.status, self.validity)
        return [c.reason for c in checks if not c.ok and c is not NOT_CHECKED]


def inspect(token: Any) -> tuple[dict[str, Any], dict[str, Any]] | str:
    """Splits a compact JWS into header and payload without checking the signature, or says why it is malformed."""
    if not isinstance(token, str):
        return "malformed JWT: not a string"
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        return f"malformed JWT: expected 3 base64url parts separated by dots, got {len(parts)}"
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return "malformed JWT: a part is not base64url-encoded JSON"
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return "malformed JWT: header and payload must be JSON objects"
    if header.get("alg") not in ACCEPTED_ALGS:
        return f"malformed JWT: algorithm {header.get('alg')!r} is not accepted (use Ed25519/EdDSA)"
    if not isinstance(header.get("kid"), str) or "#" not in header["kid"]:
        return "malformed JWT: the header has no 'kid' naming a DID key (did:...#key)"
    return header, payload


def issuer_id(payload: dict[str, Any]) -> str | None:
    """Returns the issuer DID a credential claims."""
    issuer = payload.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


StatusLookup = Callable[[dict[str, Any]], str | None]


def verify(
    token: Any,
    *,
    resolve_key: Callable[[str], KeyRecord | None],
    status_of: StatusLookup,
    now: datetime,
) -> Report:
    """Verifies a credential JWS: format, signature, issuer identity, revocation status and validity period."""
    parsed = inspect(token)
    if isinstance(parsed, str):
        return Report(format=Check(False, parsed))
    header, claimed = parsed
    kid: str = header["kid"]
    report = Report(format=Check(True, "well-formed JWS"), kid=kid, credential=claimed)
    key = resolve_key(kid)
    if key is None:
        report.integrity = Check(False, f"no published key {kid}: the signature cannot be checked")
        report.issuer = Check(False, f"unknown key {kid}: the issuer is not known to this administration")
        return report
    payload = verify_signature(str(token).strip(), key)
    if payload is None:
        report.integrity = Check(False, "signature does not match: the credential was altered or signed by another key")
        return report
    report.integrity = Check(True, f"signature matches key {kid}")
    try:
        valid_from = parse_time(payload.get("validFrom"))
        valid_until = parse_time(payload.get("validUntil"))
        iat = payload.get("iat")
        signed_at = datetime.fromtimestamp(iat, UTC) if isinstance(iat, int) else valid_from
    except (ValueError, OverflowError, OSError) as exc:
        report.format = Check(False, f"malformed credential: {exc}")
        return report
    claimed_issuer = issuer_id(payload)
    if claimed_issuer is None:
        report.issuer = Check(False, "the credential names no issuer")
    elif claimed_issuer != key.did:
        report.issuer = Check(False, f"issuer claims {claimed_issuer} but key belongs to {key.did}")
    elif (problem := key.problem_at(signed_at or now)) is not None:
        report.issuer = Check(False, problem)
    else:
        report.issuer = Check(True, f"issued by {claimed_issuer}")
    revoked = status_of(payload)
    report.status = Check(False, revoked) if revoked else Check(True, "not revoked")
    if valid_from is not None and now < valid_from:
        report.validity = Check(False, f"not yet valid: valid from {iso(valid_from)}")
    elif valid_until is not None and now >= valid_until:
        report.validity = Check(False, f"expired on {iso(valid_until)}")
    else:
        report.validity = Check(True, "within its validity period")
    report.credential = payload
    return report
