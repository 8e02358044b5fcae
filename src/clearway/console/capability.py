"""The web console as a platform capability: pages at /, monitoring gauges at /metrics."""

from __future__ import annotations

from collections.abc import Sequence

from clearway.console import (
    i18n,
    metrics,
    seed,
    static,
    views_admin,
    views_agencies,
    views_approvals,
    views_auth,
    views_crisis,
    views_dashboard,
    views_decisions,
    views_declarations,
    views_ecommerce,
    views_exchange,
    views_integrations,
    views_ledger,
    views_lodge,
    views_mandates,
    views_misc,
    views_queue,
    views_reference,
    views_risk,
    views_trader,
    views_training,
    views_workforce,
)
from clearway.platform.capability import Capability
from clearway.platform.runtime import Runtime


def ports(_runtime: Runtime) -> Sequence[object]:
    """The console's ports: its catalogues answer API clients in their language (``MessageCatalogue``)."""
    return (i18n.Catalogue(),)


def subscribe(runtime: Runtime) -> None:
    """Registers the console's monitoring gauges."""
    metrics.register(runtime)


capability = Capability(
    name="clearway.console",
    routers=(
        views_auth.router,
        static.router,
        views_queue.router,
        views_declarations.router,
        views_decisions.router,
        views_lodge.router,
        views_dashboard.router,
        views_integrations.router,
        views_trader.router,
        views_exchange.router,
        views_crisis.router,
        views_misc.router,
        views_workforce.router,
        views_admin.router,
        views_approvals.router,
        views_mandates.router,
        views_reference.router,
        views_agencies.router,
        views_risk.router,
        views_ecommerce.router,
        views_ledger.router,
        views_training.router,
        views_misc.fallback,  # last: any other /console address is a styled 404
    ),
    ports=ports,
    subscribe=subscribe,
    seed_demo=seed.seed_demo,
    seed_order=900,
    catalogue=i18n.Catalogue(),  # the CLI speaks the console's languages too
)
