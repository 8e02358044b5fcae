"""Demo seed: a few hundred realistic declarations over recent weeks, with officers' decisions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from clearway.core.issues import DomainError
from clearway.core.time import FixedClock
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging, service, store
from clearway.declarations.model import Decision, Status
from clearway.declarations.schemas import DeclarationIn
from clearway.demo import generator
from clearway.platform.auth import Principal
from clearway.platform.capability import DemoContext
from clearway.platform.runtime import Runtime

DEMO_DECLARATIONS = 300
DEMO_DAYS = 42


def seed_demo(ctx: DemoContext) -> None:
    """Lodges the demo declarations through the service, as brokers would, and works the controls."""
    runtime = ctx.runtime
    today = runtime.clock().date()
    start = today - timedelta(days=DEMO_DAYS)
    docs = generator.declarations(ctx.rng, DEMO_DECLARATIONS, start=start, days=DEMO_DAYS)
    officer = Principal(user="officer.rojas", role="officer", office="PECLL")
    counts: dict[str, int] = {}
    for day, doc in docs:
        minutes = ctx.rng.randint(7 * 60, 19 * 60)
        at = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=minutes)
        clock = FixedClock(at)
        data = codec.to_domain(DeclarationIn.model_validate(doc, strict=False))
        broker = Principal(user=f"broker.{data.declarant.id[-4:]}", role="declarant", party_id=data.declarant.id)
        with runtime.uow(clock=clock) as uow:
            result = lodging.lodge(uow, data, principal=broker, ctx=declarations_api.lodge_context(runtime, uow))
            uow.commit()
        decl = result.declaration
        age = (today - day).days
        if age > 3 and decl.status in {Status.DOCUMENTS_REQUIRED, Status.PHYSICAL_CHECK}:
            clock.now = at + timedelta(hours=ctx.rng.uniform(2, 40))
            _work_control(runtime, decl.mrn, officer, clock, ctx)
        if age > 10 and ctx.rng.random() < 0.7:
            clock.now = clock.now + timedelta(days=ctx.rng.randint(3, 8))
            with runtime.uow(clock=clock) as uow:
                current = service.get_visible(uow, decl.mrn, officer)
                if current.status is Status.RELEASED:
                    service.decide(
                        uow,
                        decl.mrn,
                        Decision.CLEAR,
                        principal=officer,
                        reason="duties settled and post-release checks complete",
                    )
                    uow.commit()
    with runtime.uow(readonly=True) as uow:
        for status in Status:
            _, n = store.list_summaries(uow.conn, status=status.value, limit=1)
            if n:
                counts[status.label] = n
    ctx.say("declarations: " + ", ".join(f"{n} {label}" for label, n in counts.items()))


def _work_control(runtime: Runtime, mrn: str, officer: Principal, clock: FixedClock, ctx: DemoContext) -> None:
    discrepancy = ctx.rng.random() < 0.3
    findings = {"result": "discrepancy" if discrepancy else "no_discrepancy"}
    if discrepancy:
        findings["kind"] = ctx.rng.choice(["undervaluation", "misclassification", "quantity", "origin"])
        findings["revenue_recovered"] = str(ctx.rng.randint(150, 9000)) + ".00"
    decision = Decision.DETAIN if discrepancy and ctx.rng.random() < 0.25 else Decision.RELEASE
    reason = (
        "goods detained pending seizure review"
        if decision is Decision.DETAIN
        else "control completed" + ("; duties and fine reassessed" if discrepancy else "")
    )
    try:
        with runtime.uow(clock=clock) as uow:
            service.decide(uow, mrn, decision, principal=officer, reason=reason, findings=findings)
            uow.commit()
    except DomainError:
        return  # release may be blocked by another capability (e.g. unpaid duties); leave it open
