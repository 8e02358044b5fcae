"""Demo seed: a first version of the selectivity criteria, so demo declarations get lanes with reasons."""

from __future__ import annotations

from typing import Any

from clearway.platform.capability import DemoContext
from clearway.risk import service
from clearway.risk.schemas import RuleSetIn

DEMO_CRITERIA: dict[str, Any] = {
    "note": "demo criteria: garments from Asia, batteries, undervalued phones, new importers, two watchlists",
    "rules": [
        {
            "name": "garments-asia",
            "lane": "yellow",
            "weight": 3,
            "description": "garments (HS 61, 62) from Bangladesh, China or Viet Nam: check invoice and origin proof",
            "conditions": [
                {"field": "hs_chapter", "op": "in", "value": ["61", "62"]},
                {"field": "origin", "op": "in", "value": ["BD", "CN", "VN"]},
            ],
        },
        {
            "name": "lithium-batteries",
            "lane": "red",
            "weight": 5,
            "description": "lithium battery packs (HS 8507.60): dangerous goods, inspect packing",
            "conditions": [{"field": "hs", "op": "prefix", "value": "850760"}],
        },
        {
            "name": "phones-below-reference",
            "lane": "red",
            "weight": 6,
            "description": "smartphones declared under USD 400 per kg (reference ~545)",
            "conditions": [
                {"field": "hs", "op": "eq", "value": "851713"},
                {"field": "unit_value", "op": "lt", "value": 400},
            ],
        },
        {
            "name": "new-importer-high-value",
            "lane": "yellow",
            "weight": 2,
            "description": "first declaration of an importer above USD 20,000",
            "conditions": [
                {"field": "importer_past_declarations", "op": "eq", "value": 0},
                {"field": "total_value", "op": "gt", "value": 20000},
            ],
        },
    ],
    "watchlists": [
        {
            "name": "post-clearance-audit",
            "severity": "medium",
            "description": "importers under audit",
            "parties": ["PE20111000221"],
        },
        {
            "name": "origin-fraud-alert",
            "severity": "high",
            "description": "exporter named in a partner administration's alert",
            "parties": ["BD000123456"],
        },
    ],
    "random_red": "0.02",
    "random_yellow": "0.05",
    "red_capacity": "0.08",
}


def seed_demo(ctx: DemoContext) -> None:
    """Publishes the demo criteria (before the demo declarations are lodged)."""
    payload = RuleSetIn.model_validate(DEMO_CRITERIA, strict=False)
    with ctx.runtime.uow() as uow:
        ruleset = service.publish_ruleset(uow, payload.document(), note=payload.note, by="demo")
        uow.commit()
    ctx.say(
        f"risk: criteria version {ruleset.version} with {len(ruleset.rules)} rules and "
        f"{len(ruleset.watchlists)} watchlists"
    )
