"""Ledger settings, read from ``CLEARWAY_LEDGER_*`` environment variables (all optional)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from clearway.platform.runtime import Runtime


class LedgerSettings(BaseSettings):
    """Where DIDs are served, which organisation is the administration, and where to anchor (if anywhere)."""

    model_config = SettingsConfigDict(env_prefix="CLEARWAY_LEDGER_", extra="ignore")

    did_domain: str = Field(default="clearway.localhost", description="host name in did:web identifiers")
    administration: str | None = Field(default=None, description="org id of this administration; <country>-customs")
    anchor_url: str | None = Field(default=None, description="EVM JSON-RPC URL, or 'eth-tester' for in-process")
    anchor_contract: str | None = Field(default=None, description="address of the deployed anchor contract")
    anchor_account: str | None = Field(default=None, description="sending account (unlocked on the node)")


def ledger_settings(runtime: Runtime) -> LedgerSettings:
    """Returns the runtime's ledger settings (read once per runtime)."""
    cached = runtime.caches.get("ledger.settings")
    if not isinstance(cached, LedgerSettings):
        cached = LedgerSettings()
        runtime.caches["ledger.settings"] = cached
    return cached
