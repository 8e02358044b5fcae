"""`clearway ledger anchor` records the tree head on an EVM network; nothing new means nothing to anchor."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearway.declarations.examples import example_declaration
from clearway.ledger import anchor, cli, log, service
from clearway.ledger.config import LedgerSettings
from clearway.platform.cli_support import set_runtime_factory_result
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens


def test_anchoring_needs_configuration(runtime: Runtime) -> None:
    set_runtime_factory_result(runtime)
    runtime.caches["ledger.settings"] = LedgerSettings(anchor_url=None)
    result = CliRunner().invoke(cli.app, ["anchor"])
    assert result.exit_code == 2
    assert "CLEARWAY_LEDGER_ANCHOR_URL" in result.output


def test_the_cli_anchors_on_the_in_process_evm(client: TestClient, tokens: Tokens, runtime: Runtime) -> None:
    pytest.importorskip("web3")
    assert (
        client.post("/api/v1/declarations", json=example_declaration("ANCHOR-1"), headers=tokens.broker).status_code
        == 201
    )
    set_runtime_factory_result(runtime)
    result = CliRunner().invoke(cli.app, ["anchor", "--url", "eth-tester"])
    assert result.exit_code == 0, result.output
    assert "Anchored tree size 1" in result.output
    with runtime.uow(readonly=True) as uow:
        rows = anchor.list_anchors(uow)
        head = log.latest_head(uow.conn)
    assert head is not None and rows[0]["tree_size"] == head.tree_size == 1
    assert rows[0]["tx_hash"].startswith("0x") and len(rows[0]["tx_hash"]) == 66


def test_the_contract_refuses_a_shrinking_tree_and_anchoring_is_idempotent(runtime: Runtime) -> None:
    pytest.importorskip("web3")
    ctx = service.context(runtime)
    chain = anchor.connect(anchor.IN_PROCESS)
    with runtime.uow() as uow:
        service.record_clearance(uow, ctx, mrn="26PE000000000001", decision="release", status="08", office="PECLL")
        first = anchor.anchor_latest(uow, ctx, chain)
        assert first is not None
        assert anchor.anchor_latest(uow, ctx, chain) is None  # already on chain
        uow.commit()
    fn = chain.contract.functions.anchor(1, b"\x00" * 32, 0)
    with pytest.raises(Exception, match="tree size must grow"):
        fn.transact({"from": chain.account})
    other = chain.w3.eth.accounts[1]
    with pytest.raises(Exception, match="only the administration anchors"):
        chain.contract.functions.anchor(99, b"\x01" * 32, 0).transact({"from": other})
