"""Anonymising past declarations for training: stable pseudonyms for parties and cases, no names, no ids.

A pseudonym is a keyed hash (HMAC-SHA256) of the original identifier under a key derived from the platform's
secret: the same importer gets the same pseudonym in every exercise and every import (its history stays
readable), and nobody without the secret can go back from the pseudonym to the identifier, nor test a guess.
Declaration numbers (MRN, KCS declaration id) become case pseudonyms the same way; dates are kept to the month.
Free text (goods descriptions) is kept only once every party identifier and name found in the declaration has
been cut out of it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

PREFIXES = {"importer": "imp", "declarant": "dec", "seller": "sel", "courier": "cou", "case": "case"}
_DIGITS = 10  # hex digits: 40 bits, no collision expected among millions of parties
MAX_DESCRIPTION = 200


class Pseudonymiser:
    """Turns identifiers into stable pseudonyms under a secret key."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("pseudonyms need the platform's secret key")
        self._key = hashlib.sha256(b"clearway.training.pseudonyms|" + secret.encode()).digest()

    def __call__(self, kind: str, original: str) -> str:
        """Returns the pseudonym of an identifier of a kind (importer, declarant, seller, courier, case)."""
        text = (original or "").strip()
        if not text:
            return ""
        prefix = PREFIXES[kind]
        digest = hmac.new(self._key, f"{kind}|{text}".encode(), hashlib.sha256).hexdigest()
        return f"{prefix}-{digest[: 12 if kind == 'case' else _DIGITS]}"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Returns free text with every given identifier or name cut out (case-insensitive), shortened."""
    out = text or ""
    for secret in sorted({s.strip() for s in secrets if s and len(s.strip()) >= 3}, key=len, reverse=True):
        out = re.sub(re.escape(secret), "[…]", out, flags=re.IGNORECASE)
    out = re.sub(r"\s+", " ", out).strip()
    return out[:MAX_DESCRIPTION]


def month_of(iso_date: str) -> str:
    """Returns the month (YYYY-MM) of an ISO date or time: the day is left out."""
    return (iso_date or "")[:7]
