"""Demo data: one seizure of this administration in the CEN simplified form (pairing needs a second server:
see docs/exchange.md)."""

from __future__ import annotations

from clearway.exchange import alerts
from clearway.platform.capability import DemoContext


def seed_demo(ctx: DemoContext) -> None:
    """Records a seizure (not sent anywhere: the demo has no partner administration)."""
    runtime = ctx.runtime
    with runtime.uow() as uow:
        alerts.publish(
            uow,
            country=runtime.settings.country.upper(),
            record={
                "kind": "seizure",
                "what": "counterfeit smartphones declared as phone cases",
                "hs_code": "851713",
                "quantity": "240",
                "unit": "units",
                "place": "PECLL",
                "date": "2026-11-20",
                "concealment": "behind cartons of phone cases",
                "detection": "x-ray image mismatch",
                "route": "CNSHA-PECLL",
                "conveyance": "container MSCU1234565",
                "parties": [{"id": "CN91440300MA5EXAMPLE", "name": "Shenzhen Example Trading", "role": "exporter"}],
            },
            by="demo",
        )
        uow.commit()
    ctx.say("exchange: one seizure recorded (pair a second server to share it: docs/exchange.md)")
