"""A partner administration's side of the AEO exchange: its own key, DID document and signed export.

The demo and tests use it to stand in for another country's platform; a real partner runs its own Clearway
(or any system producing the same signed JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clearway.ledger import aeo, credentials, keys


@dataclass
class PartnerAdministration:
    """Another administration holding its own signing key."""

    domain: str
    country: str
    created: datetime
    key: Ed25519PrivateKey = field(default_factory=keys.generate)
    entries: list[str] = field(default_factory=list)

    @property
    def did(self) -> str:
        """Returns the partner's did:web."""
        return f"did:web:{self.domain}"

    @property
    def kid(self) -> str:
        """Returns the partner's key id."""
        return f"{self.did}#key-1"

    def did_document(self) -> dict[str, Any]:
        """Returns the partner's DID document."""
        record = keys.KeyRecord(self.kid, "", keys.public_raw(self.key), self.created)
        return keys.did_document(self.did, [record])

    def publish(
        self, trader_id: str, trader_name: str, status: str, effective_from: date, reason: str, at: datetime
    ) -> str:
        """Signs one AEO status entry of the partner's registry."""
        payload = aeo.entry_payload(
            issuer=self.did,
            trader_id=trader_id,
            trader_name=trader_name,
            status=status,
            effective_from=effective_from,
            reason=reason,
            at=at,
        )
        token = credentials.sign(payload, kid=self.kid, key=self.key, typ="aeo+jwt")
        self.entries.append(token)
        return token

    def export(self, at: datetime) -> str:
        """Signs the partner's registry export."""
        return aeo.sign_export(self.kid, self.key, self.did, list(self.entries), at=at)
