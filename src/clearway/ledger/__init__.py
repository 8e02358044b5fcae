"""Ledger: keys, verifiable credentials, transparency log, AEO registry, anchoring (issue 6)."""
