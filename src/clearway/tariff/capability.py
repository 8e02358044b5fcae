"""The tariff as a platform capability: assessment at acceptance, payments, the release gate."""

from __future__ import annotations

from clearway.platform.capability import Capability
from clearway.tariff import api, cli, seed, subscribers
from clearway.tariff.schemas import AccountIn, CashReceiptIn, NotificationIn, PaymentIn, ProviderIn

capability = Capability(
    name="clearway.tariff",
    routers=(api.declarations_router, api.router, api.payments_router),
    cli=cli.app,
    cli_name="tariff",
    ports=subscribers.ports,
    subscribe=subscribers.subscribe,
    seed_demo=seed.seed_demo,
    seed_order=15,
    openapi_models=(PaymentIn, AccountIn, CashReceiptIn, NotificationIn, ProviderIn),
)
