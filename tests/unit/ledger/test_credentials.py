"""Credential verification: each kind of bad credential is rejected with its own reason, never an exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidTag

from clearway.ledger import credentials, keys
from clearway.ledger.keys import KeyRecord, b64url, b64url_decode

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
EXPORTER = "did:web:clearway.localhost:api:v1:ledger:dids:exporter"
OTHER = "did:web:clearway.localhost:api:v1:ledger:dids:other"


class World:
    """Two issuers with published keys and a revocation list."""

    def __init__(self) -> None:
        self.exporter_key = keys.generate()
        self.other_key = keys.generate()
        start = NOW - timedelta(days=400)
        self.keys = {
            f"{EXPORTER}#key-1": KeyRecord(f"{EXPORTER}#key-1", "exporter", keys.public_raw(self.exporter_key), start),
            f"{OTHER}#key-1": KeyRecord(f"{OTHER}#key-1", "other", keys.public_raw(self.other_key), start),
        }
        self.revoked: dict[str, str] = {}

    def issue(self, *, issuer: str = EXPORTER, kid: str | None = None, key: object = None, **kw: object) -> str:
        vc = credentials.build(
            kind="certificate_of_origin",
            credential_id="urn:uuid:1",
            issuer=issuer,
            issuer_name="Exporter",
            subject={"originCountry": "CL"},
            valid_from=kw.get("valid_from", NOW - timedelta(days=1)),  # type: ignore[arg-type]
            valid_until=kw.get("valid_until", NOW + timedelta(days=30)),  # type: ignore[arg-type]
            status=None,
        )
        return credentials.sign(vc, kid=kid or f"{EXPORTER}#key-1", key=key or self.exporter_key)  # type: ignore[arg-type]

    def verify(self, token: object, now: datetime = NOW) -> credentials.Report:
        return credentials.verify(
            token,
            resolve_key=self.keys.get,
            status_of=lambda p: self.revoked.get(str(p.get("id"))),
            now=now,
        )


@pytest.fixture
def world() -> World:
    return World()


def test_a_genuine_credential_passes_every_check(world: World) -> None:
    report = world.verify(world.issue())
    assert report.verified
    assert report.reasons == []
    assert report.credential is not None and report.credential["credentialSubject"] == {"originCountry": "CL"}
    assert report.credential["type"] == ["VerifiableCredential", "DigitalConformityCredential", "CertificateOfOrigin"]


def test_an_altered_payload_fails_integrity(world: World) -> None:
    header, payload, sig = world.issue().split(".")
    doc = json.loads(b64url_decode(payload))
    doc["credentialSubject"]["originCountry"] = "PE"
    report = world.verify(".".join([header, b64url(json.dumps(doc).encode()), sig]))
    assert not report.verified
    assert report.integrity.reason.startswith("signature does not match")


def test_a_forged_signature_fails_integrity(world: World) -> None:
    header, payload, _ = world.issue().split(".")
    report = world.verify(f"{header}.{payload}.{b64url(bytes(64))}")
    assert report.reasons == ["signature does not match: the credential was altered or signed by another key"]


def test_signed_with_another_key_than_the_one_named_fails(world: World) -> None:
    report = world.verify(world.issue(key=world.other_key))
    assert not report.integrity.ok
    assert "signature does not match" in report.integrity.reason


def test_a_credential_claiming_another_issuer_is_rejected(world: World) -> None:
    # signed correctly with OTHER's key, but it claims to come from the exporter
    report = world.verify(world.issue(issuer=EXPORTER, kid=f"{OTHER}#key-1", key=world.other_key))
    assert report.integrity.ok
    assert report.issuer.reason == f"issuer claims {EXPORTER} but key belongs to {OTHER}"
    assert not report.verified


def test_an_expired_credential_says_expired(world: World) -> None:
    report = world.verify(world.issue(valid_until=NOW - timedelta(hours=1)))
    assert report.integrity.ok and report.issuer.ok
    assert report.validity.reason == f"expired on {credentials.iso(NOW - timedelta(hours=1))}"


def test_a_credential_not_yet_valid_says_so(world: World) -> None:
    report = world.verify(world.issue(valid_from=NOW + timedelta(days=2), valid_until=NOW + timedelta(days=9)))
    assert report.validity.reason.startswith("not yet valid")


def test_a_revoked_credential_says_revoked(world: World) -> None:
    world.revoked["urn:uuid:1"] = "revoked on 2026-11-29T00:00:00Z: goods not originating"
    report = world.verify(world.issue())
    assert report.status.reason.startswith("revoked")
    assert report.reasons == [report.status.reason]


def _jwt(header: bytes) -> str:
    return f"{b64url(header)}.{b64url(b'{}')}.c2ln"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (12345, "malformed JWT: not a string"),
        ("", "malformed JWT: expected 3 base64url parts"),
        ("abc.def", "malformed JWT: expected 3 base64url parts"),
        ("a.b.c", "malformed JWT: a part is not base64url-encoded JSON"),
        (_jwt(b"[1]"), "malformed JWT: header and payload must be JSON objects"),
        (_jwt(b'{"alg":"none"}'), "malformed JWT: algorithm 'none' is not accepted"),
        (_jwt(b'{"alg":"EdDSA"}'), "malformed JWT: the header has no 'kid'"),
    ],
)
def test_malformed_tokens_are_rejected_as_malformed(world: World, token: object, reason: str) -> None:
    report = world.verify(token)
    assert not report.verified
    assert report.format.reason.startswith(reason)
    assert report.reasons == [report.format.reason]


def test_an_unknown_key_is_reported(world: World) -> None:
    report = world.verify(world.issue(kid="did:web:elsewhere#key-9"))
    assert report.integrity.reason.startswith("no published key did:web:elsewhere#key-9")


def test_a_rotated_key_still_verifies_what_it_signed_before(world: World) -> None:
    kid = f"{EXPORTER}#key-1"
    old = world.keys[kid]
    world.keys[kid] = KeyRecord(kid, "exporter", old.public_key, old.valid_from, valid_until=NOW - timedelta(days=10))
    assert world.verify(world.issue(valid_from=NOW - timedelta(days=20))).verified
    late = world.verify(world.issue(valid_from=NOW - timedelta(days=5)))
    assert late.issuer.reason.endswith("(rotated)")


def test_a_revoked_key_invalidates_what_it_signs_after_revocation(world: World) -> None:
    kid = f"{EXPORTER}#key-1"
    old = world.keys[kid]
    world.keys[kid] = KeyRecord(
        kid, "exporter", old.public_key, old.valid_from, None, NOW - timedelta(days=3), "key leaked"
    )
    assert world.verify(world.issue(valid_from=NOW - timedelta(days=7))).verified
    report = world.verify(world.issue(valid_from=NOW - timedelta(days=1)))
    assert "was revoked" in report.issuer.reason and "key leaked" in report.issuer.reason


def test_private_keys_are_encrypted_under_the_platform_secret() -> None:
    key = keys.generate()
    blob = keys.encrypt_private("secret-1", "did:x#key-1", key)
    assert keys.public_raw(keys.decrypt_private("secret-1", "did:x#key-1", blob)) == keys.public_raw(key)
    with pytest.raises(InvalidTag):
        keys.decrypt_private("secret-2", "did:x#key-1", blob)
    with pytest.raises(InvalidTag):
        keys.decrypt_private("secret-1", "did:x#key-2", blob)  # bound to its key id


def test_subject_checks_list_every_missing_field() -> None:
    issues = credentials.subject_issues("product_passport", {"product": {"id": "x"}})
    assert {i.pointer for i in issues} == {
        "/subject/producedBy",
        "/subject/product/name",
        "/subject/product/hsCode",
        "/subject/product/countryOfProduction",
    }
    assert credentials.product_ids("traceability_event", {"productIds": ["b", "a", "a"]}) == ["a", "b"]


def test_did_documents_round_trip_with_dates() -> None:
    key = keys.generate()
    rec = KeyRecord("did:web:aduana.cl#key-1", "cl", keys.public_raw(key), NOW, NOW + timedelta(days=1))
    doc = keys.did_document("did:web:aduana.cl", [rec])
    assert doc["assertionMethod"] == []
    (back,) = keys.keys_from_did_document(doc, "cl")
    assert back.public_key == rec.public_key and back.valid_until == rec.valid_until
    with pytest.raises(ValueError, match="not a key of"):
        keys.keys_from_did_document({**doc, "id": "did:web:other"}, "cl")
