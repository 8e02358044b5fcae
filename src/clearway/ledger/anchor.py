"""Anchoring signed tree heads on an EVM network (Besu, LACChain…) through web3.py and a small Vyper contract.

web3, vyper and eth-tester are imported inside functions: the ledger works without them (the ``evm`` extra).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import select

from clearway.core.issues import DomainError
from clearway.ledger import log, store
from clearway.ledger.identity import LedgerContext
from clearway.platform.db import UnitOfWork

IN_PROCESS = "eth-tester"


@lru_cache(maxsize=1)
def compiled() -> tuple[list[dict[str, Any]], str]:
    """Compiles the shipped anchor contract with vyper; returns its ABI and bytecode."""
    import vyper

    source = resources.files("clearway.ledger").joinpath("contracts/anchor.vy").read_text()
    out = vyper.compile_code(source, output_formats=["abi", "bytecode"])
    return out["abi"], out["bytecode"]


@dataclass
class Chain:
    """A connection to an EVM network and the anchor contract on it."""

    w3: Any
    account: str
    network: str
    contract: Any = None

    @property
    def address(self) -> str:
        """Returns the contract address."""
        return str(self.contract.address)

    def deploy(self) -> str:
        """Deploys the anchor contract; returns its address."""
        abi, bytecode = compiled()
        tx = self.w3.eth.contract(abi=abi, bytecode=bytecode).constructor().transact({"from": self.account})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        self.contract = self.w3.eth.contract(address=receipt.contractAddress, abi=abi)
        return self.address

    def at(self, address: str) -> None:
        """Uses an already deployed anchor contract."""
        abi, _ = compiled()
        self.contract = self.w3.eth.contract(address=self.w3.to_checksum_address(address), abi=abi)

    def root_of(self, tree_size: int) -> bytes:
        """Reads the root anchored for a tree size (32 zero bytes when none)."""
        return bytes(self.contract.functions.roots(tree_size).call())

    def latest_size(self) -> int:
        """Reads the largest tree size anchored."""
        return int(self.contract.functions.latest_size().call())


def connect(url: str, *, account: str | None = None, contract: str | None = None) -> Chain:
    """Connects to the network at ``url`` ('eth-tester' runs an in-process EVM) and to the contract if given."""
    try:
        from web3 import Web3
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DomainError("anchoring needs the 'evm' extra: pip install 'clearway[evm]'", code="EVM_MISSING") from exc
    if url == IN_PROCESS:
        from web3 import EthereumTesterProvider

        w3 = Web3(EthereumTesterProvider())
    else:
        w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 20}))
        if not w3.is_connected():
            raise DomainError(f"the EVM node at {url} does not answer", code="EVM_UNREACHABLE")
    chain = Chain(w3=w3, account=account or w3.eth.accounts[0], network=url)
    if contract:
        chain.at(contract)
    return chain


@dataclass(frozen=True, slots=True)
class Anchor:
    """A tree head recorded on chain."""

    tree_size: int
    root_hash: bytes
    chain_id: int
    contract: str
    tx_hash: str
    block_number: int


def anchor_latest(uow: UnitOfWork, ctx: LedgerContext, chain: Chain) -> Anchor | None:
    """Anchors the latest signed tree head, unless it is already anchored; deploys the contract on first use."""
    head = log.seal(uow, ctx)
    if head.tree_size == 0:
        return None
    if chain.contract is None:
        chain.deploy()
    if chain.latest_size() >= head.tree_size:
        return None
    fn = chain.contract.functions.anchor(head.tree_size, head.root_hash, head.timestamp_ms)
    try:
        tx = fn.transact({"from": chain.account})
        receipt = chain.w3.eth.wait_for_transaction_receipt(tx, timeout=120)
    except Exception as exc:  # web3 raises many types (revert, RPC, timeout); report them as one domain error
        raise DomainError(f"the anchor transaction failed: {exc}", code="ANCHOR_FAILED") from None
    if receipt.status != 1:
        raise DomainError(f"the anchor transaction {tx.hex()} reverted", code="ANCHOR_FAILED")
    result = Anchor(
        head.tree_size,
        head.root_hash,
        int(chain.w3.eth.chain_id),
        chain.address,
        "0x" + bytes(tx).hex(),
        int(receipt.blockNumber),
    )
    uow.conn.execute(
        store.anchors.insert().values(
            tree_size=result.tree_size,
            root_hash=result.root_hash,
            network=chain.network[:200],
            chain_id=result.chain_id,
            contract=result.contract,
            tx_hash=result.tx_hash,
            block_number=result.block_number,
            anchored_at=uow.clock(),
        )
    )
    return result


def check_anchors(uow: UnitOfWork, chain: Chain) -> list[str]:
    """Compares every stored anchor of this contract with the chain and the log; returns the problems found."""
    problems = []
    rows = uow.conn.execute(select(store.anchors).where(store.anchors.c.contract == chain.address)).all()
    for r in rows:
        on_chain = chain.root_of(int(r.tree_size))
        if on_chain != bytes(r.root_hash):
            problems.append(f"tree size {r.tree_size}: the chain holds another root than the one recorded")
        elif log.root_at(uow.conn, int(r.tree_size)) != on_chain:
            problems.append(f"tree size {r.tree_size}: the log no longer matches the root anchored on chain")
    return problems


def list_anchors(uow: UnitOfWork, limit: int = 50) -> list[dict[str, Any]]:
    """Lists the latest anchors."""
    import base64

    rows = uow.conn.execute(select(store.anchors).order_by(store.anchors.c.id.desc()).limit(limit)).all()
    return [
        {
            "tree_size": r.tree_size,
            "sha256_root_hash": base64.b64encode(bytes(r.root_hash)).decode(),
            "network": r.network,
            "chain_id": r.chain_id,
            "contract": r.contract,
            "tx_hash": r.tx_hash,
            "block_number": r.block_number,
            "anchored_at": store.as_utc(r.anchored_at),
        }
        for r in rows
    ]
