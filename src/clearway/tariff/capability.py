"""The tariff as a platform capability: assessment at acceptance, payments, the release gate."""

from __future__ import annotations

from clearway.platform.capability import Capability
from clearway.tariff import handlers

capability = Capability(
    name="clearway.tariff",
    subscribe=handlers.subscribe,
)
