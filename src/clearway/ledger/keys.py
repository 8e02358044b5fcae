"""Ed25519 signing keys, their encryption at rest, and did:web identities with dated keys."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DID_PREFIX = "did:web:"
DID_PATH = "api:v1:ledger:dids"


def b64url(data: bytes) -> str:
    """Encodes bytes as unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Decodes unpadded base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def did_for(domain: str, org_id: str) -> str:
    """Returns the did:web of an organisation served by this platform under /api/v1/ledger/dids/{org}/did.json."""
    return f"{DID_PREFIX}{domain.replace(':', '%3A')}:{DID_PATH}:{org_id}"


def did_of_kid(kid: str) -> str:
    """Returns the DID part of a key id ``did:web:...#key-1``."""
    return kid.split("#", 1)[0]


def generate() -> Ed25519PrivateKey:
    """Creates a new Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def public_raw(key: Ed25519PrivateKey) -> bytes:
    """Returns the 32 raw bytes of a key's public half."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _wrapping_key(secret_key: str, salt: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"clearway ledger private key v1")
    return hkdf.derive(secret_key.encode())


def encrypt_private(secret_key: str, kid: str, key: Ed25519PrivateKey) -> bytes:
    """Encrypts a private key with AES-256-GCM under a key derived from the platform secret (kid bound as AAD)."""
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    salt, nonce = os.urandom(16), os.urandom(12)
    return salt + nonce + AESGCM(_wrapping_key(secret_key, salt)).encrypt(nonce, raw, kid.encode())


def decrypt_private(secret_key: str, kid: str, blob: bytes) -> Ed25519PrivateKey:
    """Decrypts a stored private key; fails when the secret or the key id differs."""
    salt, nonce, ct = blob[:16], blob[16:28], blob[28:]
    raw = AESGCM(_wrapping_key(secret_key, salt)).decrypt(nonce, ct, kid.encode())
    return Ed25519PrivateKey.from_private_bytes(raw)


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A published verification key with the period in which it may sign."""

    kid: str
    org_id: str
    public_key: bytes
    valid_from: datetime
    valid_until: datetime | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None

    @property
    def did(self) -> str:
        """Returns the DID the key belongs to."""
        return did_of_kid(self.kid)

    def verifier(self) -> Ed25519PublicKey:
        """Returns the key as a cryptography public key."""
        return Ed25519PublicKey.from_public_bytes(self.public_key)

    def jwk(self) -> dict[str, str]:
        """Returns the public key as a JWK (RFC 8037)."""
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(self.public_key), "kid": self.kid}

    def problem_at(self, when: datetime) -> str | None:
        """Says why the key could not sign at that time, or None when it could."""
        if when < self.valid_from:
            return f"key {self.kid} was not valid before {self.valid_from:%Y-%m-%dT%H:%M:%SZ}"
        if self.revoked_at is not None and when >= self.revoked_at:
            why = f" ({self.revocation_reason})" if self.revocation_reason else ""
            return f"key {self.kid} was revoked on {self.revoked_at:%Y-%m-%dT%H:%M:%SZ}{why}"
        if self.valid_until is not None and when >= self.valid_until:
            return f"key {self.kid} was retired on {self.valid_until:%Y-%m-%dT%H:%M:%SZ} (rotated)"
        return None


def did_document(did: str, keys: list[KeyRecord], *, name: str | None = None) -> dict[str, Any]:
    """Builds a DID document listing every key, current or past, with its validity dates."""
    methods = []
    for k in keys:
        method: dict[str, Any] = {
            "id": k.kid,
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url(k.public_key)},
            "validFrom": f"{k.valid_from:%Y-%m-%dT%H:%M:%SZ}",
        }
        if k.valid_until is not None:
            method["validUntil"] = f"{k.valid_until:%Y-%m-%dT%H:%M:%SZ}"
        if k.revoked_at is not None:
            method["revoked"] = f"{k.revoked_at:%Y-%m-%dT%H:%M:%SZ}"
        methods.append(method)
    usable = [k.kid for k in keys if k.revoked_at is None and k.valid_until is None]
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": usable,
    }
    if name:
        doc["alsoKnownAs"] = [name]
    return doc


def keys_from_did_document(doc: dict[str, Any], org_id: str) -> list[KeyRecord]:
    """Reads the dated Ed25519 keys of a partner's DID document; raises ValueError on anything malformed."""
    from datetime import UTC

    did = doc.get("id")
    if not isinstance(did, str) or not did.startswith("did:"):
        raise ValueError("the DID document has no 'id' DID")
    out = []
    for m in doc.get("verificationMethod") or []:
        jwk = m.get("publicKeyJwk") or {}
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise ValueError(f"key {m.get('id')} is not an Ed25519 JWK")
        raw = b64url_decode(str(jwk.get("x", "")))
        if len(raw) != 32:
            raise ValueError(f"key {m.get('id')} is not 32 bytes")

        def when(v: Any) -> datetime | None:
            return None if v is None else datetime.fromisoformat(str(v).replace("Z", "+00:00")).astimezone(UTC)

        kid = str(m.get("id"))
        if did_of_kid(kid) != did:
            raise ValueError(f"key {kid} is not a key of {did}")
        valid_from = when(m.get("validFrom")) or datetime(1970, 1, 1, tzinfo=UTC)
        out.append(KeyRecord(kid, org_id, raw, valid_from, when(m.get("validUntil")), when(m.get("revoked"))))
    if not out:
        raise ValueError("the DID document lists no keys")
    return out
