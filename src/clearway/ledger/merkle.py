"""RFC 9162 Merkle tree algorithms: tree hash, inclusion (audit) paths and consistency proofs.

Hashes follow section 2.1: a leaf hash is SHA-256(0x00 || leaf input), an interior node hash is
SHA-256(0x01 || left || right). Proof generation reads subtree hashes through a ``NodeSource`` so
that a stored log answers in O(log n) lookups of complete, aligned subtrees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol


def leaf_hash(leaf_input: bytes) -> bytes:
    """Returns the RFC 9162 hash of a leaf: SHA-256(0x00 || leaf input)."""
    return hashlib.sha256(b"\x00" + leaf_input).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Returns the RFC 9162 hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(n: int) -> int:
    """Returns k, the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class NodeSource(Protocol):
    """Gives the hash of the complete subtree of 2**level leaves starting at leaf index * 2**level."""

    def node(self, level: int, index: int) -> bytes:
        """Returns the hash of one complete, aligned subtree."""
        ...


def range_hash(src: NodeSource, start: int, end: int) -> bytes:
    """Returns MTH(D[start:end]) for a range the RFC's recursion visits (start aligned to the range's span)."""
    n = end - start
    if n <= 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0:
        level = n.bit_length() - 1
        return src.node(level, start >> level)
    k = _split(n)
    return node_hash(range_hash(src, start, start + k), range_hash(src, start + k, end))


def inclusion_path(src: NodeSource, index: int, tree_size: int) -> list[bytes]:
    """Returns the audit path PATH(m, D[n]) of leaf ``index`` in the tree of ``tree_size`` leaves (RFC 9162 2.1.3.1)."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is outside a tree of {tree_size} leaves")
    path: list[bytes] = []
    start, end, m = 0, tree_size, index
    # Walk down from the root, collecting the sibling subtree at every split, then reverse (leaf first).
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            path.append(range_hash(src, start + k, end))
            end = start + k
        else:
            path.append(range_hash(src, start, start + k))
            start, m = start + k, m - k
    path.reverse()
    return path


def consistency_proof(src: NodeSource, first: int, second: int) -> list[bytes]:
    """Returns PROOF(m, D[n]) proving the tree of ``first`` leaves is a prefix of ``second`` (RFC 9162 2.1.4.1)."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}: need 0 < first <= second")
    if first == second:
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, second, first, True
    while True:
        n = end - start
        if m == n:
            if not whole:
                proof.append(range_hash(src, start, end))
            break
        k = _split(n)
        if m <= k:
            proof.append(range_hash(src, start + k, end))
            end = start + k
        else:
            proof.append(range_hash(src, start, start + k))
            start, m, whole = start + k, m - k, False
    proof.reverse()
    return proof


def verify_inclusion(leaf: bytes, index: int, tree_size: int, path: Sequence[bytes], root: bytes) -> bool:
    """Verifies an audit path for a leaf hash against a root hash (RFC 9162 section 2.1.3.2)."""
    if not 0 <= index < tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def path_length(index: int, tree_size: int) -> int:
    """Returns how many hashes the audit path of leaf ``index`` in a tree of ``tree_size`` leaves has."""
    length, start, end = 0, 0, tree_size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            end = start + k
        else:
            start += k
        length += 1
    return length


def inclusion_problem(leaf: bytes, index: int, tree_size: int, path: Sequence[bytes], root: bytes) -> str | None:
    """Says why an inclusion proof fails (out of range, truncated, too long, malformed hash, wrong root), or None."""
    if not 0 <= index < tree_size:
        return f"leaf index {index} is outside a tree of {tree_size} leaves"
    expected = path_length(index, tree_size)
    if len(path) < expected:
        return f"truncated proof: leaf {index} of {tree_size} needs {expected} hashes, got {len(path)}"
    if len(path) > expected:
        return f"proof too long: leaf {index} of {tree_size} needs {expected} hashes, got {len(path)}"
    if any(len(p) != 32 for p in path) or len(leaf) != 32 or len(root) != 32:
        return "malformed proof: every hash must be 32 bytes (SHA-256)"
    if not verify_inclusion(leaf, index, tree_size, path, root):
        return "the proof leads to another root: the entry is not in this tree (or was altered)"
    return None


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """Verifies a consistency proof between two tree heads (RFC 9162 section 2.1.4.2)."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first root is itself a node of the proof
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


class MemoryTree:
    """An in-memory append-only tree keeping every complete aligned subtree hash (for tests and partners)."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        """Returns the number of leaves."""
        return len(self.levels[0])

    def append_hash(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Appends a leaf hash; returns the (level, index, hash) of every subtree it completed, leaf included."""
        made = [(0, len(self.levels[0]), leaf)]
        self.levels[0].append(leaf)
        level, index = 0, len(self.levels[0]) - 1
        while index & 1:
            parent = node_hash(self.levels[level][index - 1], self.levels[level][index])
            level, index = level + 1, index >> 1
            if len(self.levels) <= level:
                self.levels.append([])
            self.levels[level].append(parent)
            made.append((level, index, parent))
        return made

    def append(self, leaf_input: bytes) -> int:
        """Appends a leaf input; returns its index."""
        self.append_hash(leaf_hash(leaf_input))
        return self.size - 1

    def node(self, level: int, index: int) -> bytes:
        """Returns a stored complete subtree hash."""
        return self.levels[level][index]

    def root(self, tree_size: int | None = None) -> bytes:
        """Returns MTH of the first ``tree_size`` leaves (all by default)."""
        return range_hash(self, 0, self.size if tree_size is None else tree_size)


def reference_mth(leaves: Sequence[bytes]) -> bytes:
    """Computes MTH(D[n]) straight from the RFC's recursive definition over leaf inputs (slow, for checking)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hash(leaves[0])
    k = _split(n)
    return node_hash(reference_mth(leaves[:k]), reference_mth(leaves[k:]))
