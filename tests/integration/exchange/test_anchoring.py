"""Tree heads anchored on a shared EVM chain and checked by the partner: against a real JSON-RPC node (Hardhat
Network from the npm registry, started here on loopback) and against the in-process EVM."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from clearway.exchange import service, sharing
from clearway.ledger import identity, log
from tests.integration.exchange.conftest import Side

NODE_DIR = Path(__file__).resolve().parents[3] / ".ci" / "evm-node"
HARDHAT = NODE_DIR / "node_modules" / ".bin" / "hardhat"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def hardhat_url() -> Iterator[str]:
    """A Hardhat Network JSON-RPC node on loopback; skipped when node/npm or the install is missing."""
    if shutil.which("node") is None:
        pytest.skip("the JSON-RPC anchoring test needs Node.js (node) to run Hardhat Network")
    if not HARDHAT.exists():
        pytest.skip(f"Hardhat is not installed: run 'npm install' in {NODE_DIR} (.ci/run does it)")
    port = _free_port()
    proc = subprocess.Popen(
        [str(HARDHAT), "node", "--hostname", "127.0.0.1", "--port", str(port)],
        cwd=NODE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                r = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}, timeout=2)
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail("the Hardhat node exited at start")
            time.sleep(0.3)
        else:
            pytest.fail("the Hardhat node did not answer JSON-RPC within 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _grow(side: Side, n: int) -> None:
    body = {"trader_id": "CL1", "trader_name": "Trader", "status": "granted", "effective_from": date.today().isoformat(),
            "reason": "audit"}  # fmt: skip
    for _ in range(n):
        assert side.client.post("/api/v1/ledger/aeo", headers=side.admin, json=body).status_code == 201


def _run(cl: Side, pe: Side, cl_chain: object, pe_chain: object) -> None:
    ctx = service.context(cl.runtime)
    _grow(cl, 3)
    with cl.runtime.uow() as uow:
        assert sharing.share_head(uow, ctx, chain=cl_chain)  # type: ignore[arg-type]
        uow.commit()
    cl.drain(pe)
    _grow(cl, 2)
    with cl.runtime.uow() as uow:
        sharing.share_head(uow, ctx, chain=cl_chain)  # type: ignore[arg-type]
        uow.commit()
    cl.drain(pe)
    heads = pe.client.get("/api/v1/exchange/heads?country=CL", headers=pe.officer).json()["heads"]
    assert len(heads) == 2 and all(h["consistent"] for h in heads), heads
    assert heads[0]["tree_size"] > heads[1]["tree_size"]
    with pe.runtime.uow(readonly=True) as uow:
        verdicts = sharing.check_partner_anchors(uow, pe_chain, country="CL")  # type: ignore[arg-type]
    assert [v["verdict"] for v in verdicts] == ["matches the chain", "matches the chain"]

    # CL (or whoever holds its key) rewrites its log: same size, another root. PE notices.
    with cl.runtime.uow() as uow:
        head = log.latest_head(uow.conn)
        assert head is not None
        fake = bytes(32)
        who = identity.signer(uow, ctx, ctx.administration)
        body = {**head.as_json(), "sha256_root_hash": base64.b64encode(fake).decode(), "previous_size": head.tree_size,
                "consistency": [],
                "tree_head_signature": base64.b64encode(
                    who.key.sign(log.tree_head_data(head.timestamp_ms, head.tree_size, fake))).decode()}  # fmt: skip
        service.enqueue(uow, country="PE", kind="tree_head", body=json.loads(json.dumps(body)))
        uow.commit()
    cl.drain(pe)
    newest = pe.client.get("/api/v1/exchange/heads?country=CL", headers=pe.officer).json()["heads"][0]
    assert newest["consistent"] is False and "rewritten" in newest["problem"]


def test_anchored_heads_checked_on_a_json_rpc_node(paired: tuple[Side, Side], hardhat_url: str) -> None:
    pytest.importorskip("web3", reason="anchoring needs the 'evm' extra")
    from clearway.ledger import anchor

    cl, pe = paired
    cl_chain = anchor.connect(hardhat_url)
    pe_chain = anchor.connect(hardhat_url, account=cl_chain.w3.eth.accounts[1])
    _run(cl, pe, cl_chain, pe_chain)


def test_anchored_heads_checked_in_process(paired: tuple[Side, Side]) -> None:
    pytest.importorskip("eth_tester", reason="the in-process EVM needs the 'evm' extra")
    from clearway.ledger import anchor

    cl, pe = paired
    cl_chain = anchor.connect(anchor.IN_PROCESS)
    pe_chain = anchor.Chain(w3=cl_chain.w3, account=cl_chain.w3.eth.accounts[1], network=anchor.IN_PROCESS)
    _run(cl, pe, cl_chain, pe_chain)
