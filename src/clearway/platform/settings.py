"""One settings object, read from ``CLEARWAY_*`` environment variables."""

from __future__ import annotations

import math
import string
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from clearway.core.ids import CheckDigits

PLACEHOLDER_SECRET = "changethis"  # noqa: S105 - refused outside development


_PLACEHOLDERS = ("changethis", "changeme", "secret", "password", "example", "default", "test", "clearway", "xxxx")


def secret_problem(key: str) -> str | None:
    """Tells why a secret key is too weak (None when it looks like 32+ random bytes)."""
    if not key:
        return "it is empty"
    folded = key.casefold()
    if any(word in folded for word in _PLACEHOLDERS):
        return "it is a placeholder or contains a dictionary word"
    classes = [
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        (string.digits, 10),
        ("-_+/=", 5),
        (string.punctuation.translate(str.maketrans("", "", "-_+/=")), 27),
    ]
    alphabet = sum(size for chars, size in classes if any(c in chars for c in key))
    if set(key) <= set(string.hexdigits):
        alphabet = 16
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    bits = len(key) * math.log2(max(alphabet, 2))
    if bits < 256 or per_char < 3.0 or len(counts) < 12:
        return f"it holds about {min(bits, len(key) * per_char):.0f} bits of randomness, 256 are needed"
    return None


class Settings(BaseSettings):
    """Clearway's configuration; every field can be set as ``CLEARWAY_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CLEARWAY_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite file by default")
    secret_key: str = PLACEHOLDER_SECRET
    country: str = "PE"
    national_currency: str = "PEN"
    max_body_bytes: int = 2_000_000
    max_batch_declarations: int = 1000
    # Selectivity until the risk engine assigns lanes: share of declarations sent to each control lane.
    selectivity_red_rate: Decimal = Decimal("0.05")
    selectivity_yellow_rate: Decimal = Decimal("0.10")
    capabilities: str | None = Field(
        default=None, description="Comma-separated capabilities to run (e.g. 'reference,declarations'); all by default"
    )
    # Party ids (RUC, CNPJ, CPF, RFC, RUT, NIT) whose check digit is wrong, on lodging and amending: accepted
    # silently (off), accepted with a warning to the trader and the officer (warn), or refused (refuse).
    party_id_check_digits: CheckDigits = Field(
        default="warn", description="off | warn | refuse: what lodging does with a party id's wrong check digit"
    )
    # /metrics: open to these client networks (CIDRs, comma-separated), to admins, or to this bearer token.
    metrics_allow: str = "127.0.0.1/32,::1/128"
    metrics_token: str | None = None
    # Lifetime of console sessions (hours) and the longest an API token may live (days).
    console_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    token_max_days: int = Field(default=90, ge=1, le=3650)
    log_json: bool = False
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.env == "production":
            problem = secret_problem(self.secret_key)
            if problem:
                raise ValueError(
                    f"CLEARWAY_SECRET_KEY is refused in production: {problem}. Give at least 32 random bytes, "
                    "e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
                )
        if not (0 <= self.selectivity_red_rate + self.selectivity_yellow_rate <= 1):
            raise ValueError("selectivity red + yellow rates must be between 0 and 1")
        return self

    @property
    def url(self) -> str:
        """Returns the database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'clearway.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Returns the process-wide settings read from the environment."""
    return Settings()
