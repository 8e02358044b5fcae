"""Exchange settings, read from ``CLEARWAY_EXCHANGE_*`` environment variables (all optional)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from clearway.platform.runtime import Runtime


class ExchangeSettings(BaseSettings):
    """How this administration talks to its partners."""

    model_config = SettingsConfigDict(env_prefix="CLEARWAY_EXCHANGE_", extra="ignore")

    public_url: str = Field(default="http://127.0.0.1:8000", description="the base URL partners reach us at")
    window_seconds: int = Field(default=300, ge=5, description="a message older (or further ahead) is refused")
    sender_interval: float = Field(default=2.0, ge=0, description="seconds between outbox drains; 0: no thread")
    backoff_seconds: float = Field(default=1.0, gt=0, description="first retry delay; doubles per attempt")
    backoff_max_seconds: float = Field(default=600.0, gt=0, description="longest delay between retries")
    timeout_seconds: float = Field(default=5.0, gt=0, description="HTTP timeout of one delivery")
    max_refusals: int = Field(default=10, ge=1, description="a message the partner refuses this often is dropped")
    head_interval: float = Field(default=300.0, ge=0, description="seconds between tree heads shared; 0: never")


def exchange_settings(runtime: Runtime) -> ExchangeSettings:
    """Returns the runtime's exchange settings (read once per runtime)."""
    cached = runtime.caches.get("exchange.settings")
    if not isinstance(cached, ExchangeSettings):
        cached = ExchangeSettings()
        runtime.caches["exchange.settings"] = cached
    return cached
