"""Payment providers: banks or the treasury that confirm, by a signed notification, that money was received.

A provider is registered with its Ed25519 public key; the platform never holds its private key. A settlement
notification is a JSON document signed by the provider (the signature over the exact bytes of the body, sent
in the ``Clearway-Signature`` header as base64). The demo ships :class:`SimulatedBank`, a bank that signs with
its own key kept in the data folder, so that the whole flow works in ``make demo``.

Signatures need the ``cryptography`` package (the ``ledger`` extra, in the demo and test installs).
"""

from __future__ import annotations

import base64
import binascii
import importlib.util
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)
SIMULATED_BANK = "simbank"
SIGNATURE_HEADER = "Clearway-Signature"
KEY_FILE = "simulated-bank-ed25519.key"


class PaymentProvider(Protocol):
    """What the platform needs of a payment provider: its name and a check of its signature on a body."""

    @property
    def name(self) -> str:
        """The provider's registered name."""
        ...

    def verify(self, body: bytes, signature: str) -> bool:
        """Tells whether the signature (base64) is the provider's over exactly these bytes."""
        ...


def _b64decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


@dataclass(frozen=True)
class Ed25519Provider:
    """A provider known by its Ed25519 public key (raw 32 bytes)."""

    name: str
    public_key: bytes

    def verify(self, body: bytes, signature: str) -> bool:
        """Verifies an Ed25519 signature; any malformed input is simply not valid (nor is anything without
        the ``cryptography`` package: then no notification can be verified, and none settles)."""
        try:
            from cryptography.exceptions import InvalidSignature
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        except ImportError:
            log.error("payment notifications cannot be verified: install clearway[ledger] (cryptography)")
            return False

        raw = _b64decode(signature)
        if raw is None or len(raw) != 64 or len(self.public_key) != 32:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(raw, body)
        except InvalidSignature:
            return False
        return True


def signatures_available() -> bool:
    """Tells whether the ``cryptography`` package (the ``ledger`` extra) is installed."""
    return importlib.util.find_spec("cryptography") is not None


def public_key_from_text(text: str) -> bytes | None:
    """Reads a public key given as base64 of the 32 raw bytes; None when it is not one."""
    raw = _b64decode(text)
    return raw if raw is not None and len(raw) == 32 else None


class SimulatedBank:
    """The demo's bank: confirms payment orders with notifications signed by its own Ed25519 key."""

    name = SIMULATED_BANK

    def __init__(self, private_key: Any) -> None:
        self._key = private_key

    @classmethod
    def generate(cls) -> SimulatedBank:
        """Returns a bank with a fresh key (tests)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load_or_create(cls, data_dir: Path) -> SimulatedBank:
        """Loads the bank's key from the data folder, creating it (readable by the owner only) the first time."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        path = data_dir / KEY_FILE
        if path.exists():
            return cls(Ed25519PrivateKey.from_private_bytes(base64.b64decode(path.read_text().strip())))
        key = Ed25519PrivateKey.generate()
        data_dir.mkdir(parents=True, exist_ok=True)
        from cryptography.hazmat.primitives import serialization

        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(base64.b64encode(raw).decode())
        return cls(key)

    @staticmethod
    def exists(data_dir: Path) -> bool:
        """Tells whether the simulated bank's key was created in this data folder."""
        return (data_dir / KEY_FILE).exists()

    def public_key_b64(self) -> str:
        """Returns the bank's public key as base64 of its 32 raw bytes (what the platform registers)."""
        from cryptography.hazmat.primitives import serialization

        raw = self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def sign(self, body: bytes) -> str:
        """Signs a body; returns the signature as base64."""
        return base64.b64encode(self._key.sign(body)).decode()

    def notification(
        self,
        *,
        order_id: str,
        amount: Decimal,
        currency: str,
        at: datetime,
        status: str = "settled",
        notification_id: str | None = None,
    ) -> tuple[bytes, str]:
        """Returns a signed settlement notification for an order: (body, signature)."""
        doc = {
            "provider": self.name,
            "notification_id": notification_id or "SIM-N-" + secrets.token_hex(8).upper(),
            "order_id": order_id,
            "status": status,
            "amount": str(amount),
            "currency": currency,
            "bank_reference": "SIM-" + secrets.token_hex(6).upper(),
            "settled_at": at.isoformat(),
            "sent_at": at.isoformat(),
        }
        body = json.dumps(doc, separators=(",", ":")).encode()
        return body, self.sign(body)
