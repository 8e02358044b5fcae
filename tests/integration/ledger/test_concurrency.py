"""Issuers writing at the same time each get their own log position and status index; the log stays intact."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from clearway.ledger import log, service, store
from clearway.ledger.seed import origin_subject
from clearway.platform.runtime import Runtime
from tests.integration.ledger.conftest import EXPORTER, Orgs


def test_parallel_issuers_never_share_a_leaf_or_a_status_bit(runtime: Runtime, orgs: Orgs) -> None:
    def issue_five(_: int) -> list[int]:
        out = []
        for _ in range(5):
            with runtime.uow() as uow:
                issued = service.issue(
                    uow, orgs.ctx, org_id=EXPORTER[0], kind="certificate_of_origin", subject=origin_subject()
                )
                uow.commit()
            out.append(issued.log_index)
        return out

    with ThreadPoolExecutor(4) as pool:
        positions = [i for chunk in pool.map(issue_five, range(4)) for i in chunk]
    assert sorted(positions) == list(range(20))
    with runtime.uow(readonly=True) as uow:
        indexes = list(
            uow.conn.execute(store.credentials.select().with_only_columns(store.credentials.c.status_index)).scalars()
        )
        assert sorted(indexes) == list(range(20))
        check = log.verify_all(uow)
        assert check.ok and check.entries == 20 and check.signed_size == 20, check.problems
