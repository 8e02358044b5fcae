"""The transparency log in the platform database: appends, signed tree heads, proofs, full verification."""

from __future__ import annotations

import base64
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography.exceptions import InvalidSignature
from sqlalchemy import Connection, select

from clearway.core.issues import DomainError, NotFound
from clearway.ledger import credentials, identity, merkle, phrases, store
from clearway.ledger.identity import LedgerContext
from clearway.platform.db import UnitOfWork


class _DbNodes:
    """Reads complete subtree hashes from the nodes table, remembering what it read."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[tuple[int, int], bytes] = {}

    def load(self, wanted: set[tuple[int, int]]) -> None:
        """Reads many subtree hashes in one query."""
        by_level: dict[int, list[int]] = {}
        for level, idx in sorted(wanted - self.cache.keys()):
            by_level.setdefault(level, []).append(idx)
        if not by_level:
            return
        # One "level = L AND idx IN (...)" term per level, each served by the primary key index. The SQL is
        # written out (integers only, formatted by Python) because building the expression costs more than the query.
        terms = " OR ".join(
            f"(level = {int(level)} AND idx IN ({','.join(str(int(i)) for i in idxs)}))"
            for level, idxs in by_level.items()
        )
        rows = self.conn.exec_driver_sql(f"SELECT level, idx, hash FROM {store.nodes.name} WHERE {terms}")  # noqa: S608
        self.cache.update({(int(level), int(idx)): bytes(value) for level, idx, value in rows})

    def node(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self.cache:
            value = store.node(self.conn, level, index)
            if value is None:
                raise DomainError(f"the log lacks subtree ({level}, {index})", code="LOG_CORRUPT")
            self.cache[key] = value
        return self.cache[key]


class _Recorder:
    """Notes which subtree hashes an algorithm asks for, answering with placeholders."""

    def __init__(self) -> None:
        self.wanted: set[tuple[int, int]] = set()

    def node(self, level: int, index: int) -> bytes:
        self.wanted.add((level, index))
        return b""


T = TypeVar("T")


def _with_nodes(conn: Connection, compute: Callable[[merkle.NodeSource], T]) -> T:
    """Runs a tree algorithm once to learn the subtrees it needs, loads them in one query, then runs it for real."""
    recorder = _Recorder()
    compute(recorder)
    source = _DbNodes(conn)
    source.load(recorder.wanted)
    return compute(source)


def append(uow: UnitOfWork, *, kind: str, ref: str, leaf_input: bytes) -> int:
    """Appends an entry and the subtree hashes it completes; returns its leaf index."""
    conn = uow.conn
    store.lock_log(conn)
    idx = store.tree_size(conn)
    h = merkle.leaf_hash(leaf_input)
    conn.execute(
        store.entries.insert().values(
            idx=idx, kind=kind, ref=ref[:200], leaf_input=leaf_input, leaf_hash=h, appended_at=uow.clock()
        )
    )
    made = [{"level": 0, "idx": idx, "hash": h}]
    siblings = _DbNodes(conn)
    siblings.load(
        {(lv, (idx >> lv) - 1) for lv in range(idx.bit_length()) if (idx >> lv) & 1 and (idx + 1) % (2 << lv) == 0}
    )
    level, index, current = 0, idx, h
    while index & 1:  # a right child completes its parent
        left = siblings.node(level, index - 1)
        current = merkle.node_hash(left, current)
        level, index = level + 1, index >> 1
        made.append({"level": level, "idx": index, "hash": current})
    conn.execute(store.nodes.insert(), made)
    return idx


def root_at(conn: Connection, tree_size: int) -> bytes:
    """Returns the root hash of the log's first ``tree_size`` entries."""
    return _with_nodes(conn, lambda src: merkle.range_hash(src, 0, tree_size))


def tree_head_data(timestamp_ms: int, tree_size: int, root: bytes) -> bytes:
    """Returns the TLS encoding of RFC 9162's TreeHeadDataV2 (timestamp, size, root, no extensions), as signed."""
    return struct.pack(">QQB", timestamp_ms, tree_size, len(root)) + root + b"\x00\x00"


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A signed tree head."""

    tree_size: int
    root_hash: bytes
    timestamp_ms: int
    signature: bytes
    kid: str

    def as_json(self) -> dict[str, Any]:
        """Returns the get-sth answer (RFC 9162 section 4.3 fields, hashes base64)."""
        return {
            "tree_size": self.tree_size,
            "timestamp": self.timestamp_ms,
            "sha256_root_hash": base64.b64encode(self.root_hash).decode(),
            "tree_head_signature": base64.b64encode(self.signature).decode(),
            "log_id": self.kid,
        }


def seal(uow: UnitOfWork, ctx: LedgerContext) -> TreeHead:
    """Signs a tree head for the log as it stands, unless the latest one already covers it."""
    conn = uow.conn
    size = store.tree_size(conn)
    latest = latest_head(conn)
    if latest is not None and latest.tree_size == size:
        return latest
    identity.ensure_administration(uow, ctx)
    who = identity.signer(uow, ctx, ctx.administration)
    root = root_at(conn, size)
    ts = int(uow.clock().timestamp() * 1000)
    signature = who.key.sign(tree_head_data(ts, size, root))
    conn.execute(
        store.tree_heads.insert().values(
            tree_size=size, root_hash=root, timestamp_ms=ts, signature=signature, kid=who.kid
        )
    )
    return TreeHead(size, root, ts, signature, who.kid)


def _head(row: Any) -> TreeHead:
    return TreeHead(int(row.tree_size), bytes(row.root_hash), int(row.timestamp_ms), bytes(row.signature), row.kid)


def latest_head(conn: Connection) -> TreeHead | None:
    """Returns the latest signed tree head."""
    row = conn.execute(select(store.tree_heads).order_by(store.tree_heads.c.tree_size.desc()).limit(1)).first()
    return _head(row) if row is not None else None


def head_at(conn: Connection, tree_size: int) -> TreeHead | None:
    """Returns the signed tree head of a given size."""
    row = conn.execute(select(store.tree_heads).where(store.tree_heads.c.tree_size == tree_size)).first()
    return _head(row) if row is not None else None


def _check_size(conn: Connection, tree_size: int, name: str) -> None:
    size = store.tree_size(conn)
    if not 0 < tree_size <= size:
        raise DomainError(f"{name}={tree_size} is outside the log (1..{size})", code="TREE_SIZE")


def proof_by_hash(conn: Connection, leaf: bytes, tree_size: int) -> tuple[int, list[bytes]]:
    """Returns the leaf index and audit path of an entry by its leaf hash, in a tree of ``tree_size``."""
    _check_size(conn, tree_size, "tree_size")
    idx = conn.execute(
        select(store.entries.c.idx).where(store.entries.c.leaf_hash == leaf).order_by(store.entries.c.idx).limit(1)
    ).scalar()
    if idx is None or idx >= tree_size:
        raise NotFound(f"no entry with that leaf hash in the first {tree_size} entries of the log")
    return int(idx), _with_nodes(conn, lambda src: merkle.inclusion_path(src, int(idx), tree_size))


def consistency(conn: Connection, first: int, second: int) -> list[bytes]:
    """Returns the consistency proof between two tree sizes."""
    _check_size(conn, second, "second")
    if not 0 < first <= second:
        raise DomainError(f"first={first} must be between 1 and second={second}", code="TREE_SIZE")
    return _with_nodes(conn, lambda src: merkle.consistency_proof(src, first, second))


MAX_ENTRIES = 1000


def get_entries(
    conn: Connection, start: int, end: int, *, reveal: Callable[[Any], bool] | None = None
) -> list[dict[str, Any]]:
    """Returns entries start..end inclusive (at most 1000).

    An entry the caller may read (``reveal(row)``, all by default) comes with its kind, reference and leaf input
    base64; any other entry only with its index and leaf hash: what RFC 9162 verification needs (with
    get-proof-by-hash and the signed tree heads), and nothing of what it says or whom it concerns.
    """
    size = store.tree_size(conn)
    if start < 0 or end < start or start >= size:
        raise DomainError(f"start={start}, end={end} do not name entries of a log of {size}", code="ENTRY_RANGE")
    end = min(end, size - 1, start + MAX_ENTRIES - 1)
    out: list[dict[str, Any]] = []
    for r in store.iter_entries(conn, start, end + 1):
        entry: dict[str, Any] = {"leaf_index": r.idx, "leaf_hash": base64.b64encode(bytes(r.leaf_hash)).decode()}
        if reveal is None or reveal(r):
            entry.update(kind=r.kind, ref=r.ref, leaf_input=base64.b64encode(bytes(r.leaf_input)).decode())
        out.append(entry)
    return out


@dataclass
class LogCheck:
    """The outcome of checking the whole log."""

    entries: int
    heads: int
    signed_size: int
    first_bad_entry: int | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        """Tells whether the log is intact."""
        return not self.problems


def verify_all(
    uow: UnitOfWork, *, check_signatures: bool = True, progress: Callable[[int, int], None] | None = None
) -> LogCheck:
    """Recomputes every leaf and subtree hash, checks each entry's signature and each signed tree head."""
    conn = uow.conn
    size = store.tree_size(conn)
    tree = merkle.MemoryTree()
    problems: list[str] = []
    first_bad: int | None = None
    heads = {h.tree_size: h for h in map(_head, conn.execute(select(store.tree_heads)).all())}
    key_cache: dict[str, Any] = {}

    def flag(idx: int, message: str) -> None:
        nonlocal first_bad
        if first_bad is None or idx < first_bad:
            first_bad = idx
        problems.append(message)

    stored_tree = merkle.MemoryTree()  # from the stored leaf hashes: checks the stored subtree hashes
    head_bound: int | None = None
    for row in store.iter_entries(conn):
        idx, raw = int(row.idx), bytes(row.leaf_input)
        h = merkle.leaf_hash(raw)
        if h != bytes(row.leaf_hash):
            flag(idx, phrases.ALTERED(idx=idx, kind=row.kind, ref=row.ref))
        elif check_signatures and not _signed_ok(uow, raw, key_cache):
            flag(idx, phrases.UNSIGNED_ENTRY(idx=idx, kind=row.kind, ref=row.ref))
        tree.append_hash(h)
        stored_tree.append_hash(bytes(row.leaf_hash))
        n = tree.size
        head = heads.get(n)
        if head is not None:
            if tree.root() != head.root_hash:
                bound = _first_changed(conn, tree, n)
                head_bound = bound if head_bound is None else min(head_bound, bound)
                problems.append(phrases.HEAD_MISMATCH(size=n, bound=bound))
            elif not _head_signed_ok(uow, head):
                problems.append(phrases.UNSIGNED_HEAD(size=n))
        if progress is not None:
            progress(n, size)
    if first_bad is None and head_bound is not None:
        first_bad = head_bound
    for level_idx in range(len(stored_tree.levels)):
        stored = {
            int(r.idx): bytes(r.hash)
            for r in conn.execute(select(store.nodes.c.idx, store.nodes.c.hash).where(store.nodes.c.level == level_idx))
        }
        for i, value in enumerate(stored_tree.levels[level_idx]):
            if stored.get(i) != value:
                problems.append(phrases.SUBTREE(level=level_idx, index=i))
                break
    return LogCheck(size, len(heads), max(heads, default=0), first_bad, problems)


def _first_changed(conn: Connection, tree: merkle.MemoryTree, n: int) -> int:
    # The earlier signed head that still matches bounds where the change is.
    earlier = conn.execute(
        select(store.tree_heads.c.tree_size)
        .where(store.tree_heads.c.tree_size < n)
        .order_by(store.tree_heads.c.tree_size.desc())
    ).scalars()
    for size in earlier:
        h = head_at(conn, int(size))
        if h is not None and tree.root(int(size)) == h.root_hash:
            return int(size)
    return 0


def _signed_ok(uow: UnitOfWork, raw: bytes, cache: dict[str, Any]) -> bool:
    parsed = credentials.inspect(raw.decode("ascii", errors="replace"))
    if isinstance(parsed, str):
        return False
    kid = parsed[0]["kid"]
    if kid not in cache:
        cache[kid] = identity.resolve_key(uow, kid)
    key = cache[kid]
    return key is not None and credentials.verify_signature(raw.decode(), key) is not None


def _head_signed_ok(uow: UnitOfWork, head: TreeHead) -> bool:
    key = identity.resolve_key(uow, head.kid)
    if key is None:
        return False
    try:
        key.verifier().verify(head.signature, tree_head_data(head.timestamp_ms, head.tree_size, head.root_hash))
    except InvalidSignature:
        return False
    return True
