"""Demo seed: a recall list, a brand register and a screened manifest of a few thousand parcels."""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from clearway.core.time import FixedClock
from clearway.ecommerce import generator, lists, service
from clearway.platform.capability import DemoContext

DEMO_PARCELS = 3000
DEMO_CARRIER = "PE20555666773"


def seed_demo(ctx: DemoContext) -> None:
    """Loads the reference lists and screens two days of generated parcels submitted by a demo carrier."""
    runtime = ctx.runtime
    today = runtime.clock().date()
    runtime.caches.setdefault("demo.extra_users", []).append(
        {"user": "carrier.demo", "role": "declarant", "party_id": DEMO_CARRIER, "what": "express carrier (parcels)"}
    )
    with tempfile.TemporaryDirectory() as tmp:
        recalls, brands = generator.write_reference_lists(Path(tmp))
        with runtime.uow() as uow:
            lists.load_recalls(uow, recalls)
            lists.load_brands(uow, brands)
            uow.commit()
    start = datetime.combine(today - timedelta(days=2), time(0), tzinfo=UTC)
    df, _ = generator.manifest(DEMO_PARCELS, seed=int(ctx.rng.randint(1, 10_000)), start=start, days=2)
    buffer = io.BytesIO()
    df.write_csv(buffer)
    buffer.seek(0)
    with runtime.uow(clock=FixedClock(start + timedelta(days=2, hours=6))) as uow:
        report = service.screen_manifest(
            uow,
            buffer,
            source_name="demo-manifest.csv",
            fmt="csv",
            country=runtime.settings.country,
            submitted_by="carrier.demo",
            submitter_party=DEMO_CARRIER,
        )
        uow.commit()
    outcome = ", ".join(f"{n} {k}" for k, n in report.decisions.items())
    ctx.say(
        f"ecommerce: screened {report.accepted} parcels for carrier.demo: {outcome} "
        f"(GET /api/v1/ecommerce/manifests/{report.manifest_id}/decisions)"
    )
