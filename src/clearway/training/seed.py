"""Demo seed: a case bank from the demo's own controlled declarations, and a completed exercise for the officer."""

from __future__ import annotations

import logging

from clearway.core.issues import DomainError
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.training import case_banks, service
from clearway.training.model import Answer

log = logging.getLogger(__name__)
DEMO_OFFICER = Principal(user="officer.rojas", role="officer", office="PECLL")
DEMO_SUPERVISOR = Principal(user="supervisor.quispe", role="supervisor", office="PECLL")


def _answers(view: dict[str, object]) -> list[Answer]:
    """Answers as a careful beginner would: red for the lowest unit values against their group, reasons given."""
    cases: list[dict[str, object]] = view["cases"]  # type: ignore[assignment]
    budget: dict[str, int] = view["budget"]  # type: ignore[assignment]

    def uv(c: dict[str, object]) -> float:
        h: dict[str, float | None] = c["history"]  # type: ignore[assignment]
        ratio = h.get("uv_ratio__hs6_origin")
        return ratio if ratio is not None else 0.0

    order = sorted(cases, key=uv)
    lanes = {str(c["id"]): "green" for c in cases}
    for c in order[: budget["red"]]:
        lanes[str(c["id"])] = "red"
    for c in order[budget["red"] : budget["red"] + budget["yellow"]]:
        lanes[str(c["id"])] = "yellow"
    return [
        Answer(case, lane, "unit value well below the usual price for this HS code and origin" if lane == "red" else "")
        for case, lane in lanes.items()
    ]


def seed_demo(ctx: DemoContext) -> None:
    """Imports the demo's controlled declarations as training cases; the demo officer completes one exercise."""
    runtime = ctx.runtime
    try:
        with runtime.uow() as uow:
            bank = case_banks.import_bank(
                uow,
                DEMO_SUPERVISOR,
                source="platform",
                secret=runtime.settings.secret_key,
                name="Demo history (Callao)",
                method="folds",
                trees=60,
                folds=3,
                reason="demo: training cases from the demo's controls",
            )
            uow.commit()
    except DomainError as exc:
        ctx.say(f"training: no case bank ({exc.message})")
        return
    done = ""
    for course in ("undervaluation", "origin", "misclassification"):
        try:
            with runtime.uow() as uow:
                view = service.start(uow, DEMO_OFFICER, course, bank_id=bank["id"], seed=ctx.rng.randint(0, 2**31))
                result = service.answer(uow, DEMO_OFFICER, str(view["id"]), _answers(view))["result"]
                uow.commit()
        except DomainError as exc:
            log.info("demo training course %s skipped: %s", course, exc.message)
            continue
        done = f"; officer.rojas scored {result['points']:.0f}/100 on '{course}' (engine {result['engine_points']:.0f})"
        break
    ctx.say(f"training: {bank['cases']} anonymised cases ({bank['frauds']} fraudulent){done}")
