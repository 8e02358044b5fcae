"""Two payments drawing on one guarantee account at the same moment can never overdraw it."""

from __future__ import annotations

import threading
from decimal import Decimal

from clearway.core.issues import Conflict
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations import service as declarations_service
from clearway.declarations.examples import example_declaration
from clearway.declarations.schemas import DeclarationIn
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from clearway.tariff import account_store, accounts, payments, service, settlement
from tests.integration.tariff.conftest import bank_of

BROKER = Principal(user="broker.andina", role="declarant", party_id="PE20100047218")


def _lodge(runtime: Runtime, lrn: str) -> tuple[str, Decimal]:
    data = codec.to_domain(DeclarationIn.model_validate(example_declaration(lrn), strict=False))
    with runtime.uow() as uow:
        decl = lodging.lodge(uow, data, principal=BROKER, ctx=declarations_api.lodge_context(runtime, uow)).declaration
        uow.commit()
        due = service.due_on(uow, decl.id)
    assert due is not None
    return decl.mrn, due[0] - due[1]


def test_two_concurrent_drawdowns_never_overdraw_the_account(tariff: Runtime) -> None:
    first, due = _lodge(tariff, "RACE-1")
    second, due2 = _lodge(tariff, "RACE-2")
    assert due == due2 == Decimal("35698.74")
    with tariff.uow() as uow:  # covers one declaration, not two
        accounts.open_account(
            uow,
            account_id="GAR-RACE",
            party_id=BROKER.party_id or "",
            kind="guarantee",
            limit=Decimal("40000.00"),
            currency="PEN",
        )
        uow.commit()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def draw(mrn: str) -> None:
        barrier.wait()
        try:
            with tariff.uow() as uow:
                payments.pay(
                    uow,
                    mrn,
                    principal=BROKER,
                    amount=due,
                    currency="PEN",
                    method="guarantee",
                    reference=f"DRAW-{mrn}",
                    account_id="GAR-RACE",
                )
                uow.commit()
            outcomes[mrn] = "paid"
        except Conflict as exc:
            outcomes[mrn] = exc.code

    threads = [threading.Thread(target=draw, args=(m,)) for m in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["GUARANTEE_INSUFFICIENT", "paid"]
    with tariff.uow(readonly=True) as uow:
        account = accounts.accounts_visible(uow, BROKER)[0]
        paid = [service.due_on(uow, declarations_service.get(uow, m).id) for m in (first, second)]
    assert Decimal(account["balance"]) == Decimal("40000.00") - due  # 4301.26, never negative
    assert sorted(p[1] for p in paid if p is not None) == [Decimal(0), due]


def test_many_small_drawdowns_use_the_balance_to_the_last_cent(runtime: Runtime) -> None:
    # 0.10 ten times is exactly 1.00 in Decimal (not in binary floating point, which SQLite would use)
    with runtime.uow() as uow:
        accounts.open_account(
            uow, account_id="GAR-CENTS", party_id="PE1", kind="guarantee", limit=Decimal("1.00"), currency="PEN"
        )
        drawn = [account_store.draw_down(uow.conn, "GAR-CENTS", Decimal("0.10"), uow.clock()) for _ in range(11)]
        uow.commit()
        balance = accounts.accounts_visible(uow, Principal(user="x", role="declarant", party_id="PE1"))[0]["balance"]
    assert drawn == [True] * 10 + [False]
    assert balance == "0.00"


def test_lowered_assessments_give_back_only_what_is_still_drawn(tariff: Runtime) -> None:
    mrn, due = _lodge(tariff, "GIVE-1")
    with tariff.uow() as uow:
        accounts.open_account(
            uow,
            account_id="DEF-G",
            party_id=BROKER.party_id or "",
            kind="deferment",
            limit=Decimal("1000.00"),
            currency="PEN",
        )
        for amount, method, ref, account_id in (
            ("50.00", "bank_transfer", "BCP-G1", None),
            ("100.00", "deferment", "DEF-G1", "DEF-G"),
        ):
            result = payments.pay(
                uow,
                mrn,
                principal=BROKER,
                amount=Decimal(amount),
                currency="PEN",
                method=method,
                reference=ref,
                account_id=account_id,
            )
            if result.pending:  # the bank confirms the transfer
                assert result.order is not None
                settlement.simulate_bank(uow, bank_of(tariff), result.order["id"])
        decl = declarations_service.get(uow, mrn)
        # the amount falls to 90.00: 150.00 paid, 60.00 too much -> back to the account (net drawn 40.00)
        accounts.settle_after_assessment(uow, decl, Decimal("90.00"), "PEN")
        # then to nothing: 90.00 paid -> the 40.00 still drawn goes back; the 50.00 transfer is a refund due
        accounts.settle_after_assessment(uow, decl, Decimal("0"), "PEN")
        uow.commit()
        account = accounts.accounts_visible(uow, BROKER)[0]
        history = declarations_service.get(uow, mrn).history
    assert account["balance"] == "1000.00"
    refunds = [h for h in history if h.kind == "refund_due"]
    assert len(refunds) == 1 and refunds[0].data["amount"] == "50.00"
    assert due > 0
