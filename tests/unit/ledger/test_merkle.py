"""RFC 9162 tree algorithms: every proof of every small tree verifies, every tampered one fails."""

from __future__ import annotations

import hashlib

import pytest

from clearway.ledger import merkle


def _tree(n: int) -> tuple[merkle.MemoryTree, list[bytes]]:
    leaves = [f"entry {i}".encode() for i in range(n)]
    tree = merkle.MemoryTree()
    for leaf in leaves:
        tree.append(leaf)
    return tree, leaves


def test_hashes_use_the_rfc_domain_separation_prefixes() -> None:
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert merkle.MemoryTree().root() == hashlib.sha256(b"").digest()


def test_known_root_of_the_certificate_transparency_test_vector() -> None:
    # The 8-leaf vector of the Certificate Transparency reference implementation (merkle_tree_test.cc).
    leaves = [
        bytes.fromhex(h)
        for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    ]
    tree = merkle.MemoryTree()
    for leaf in leaves:
        tree.append(leaf)
    expected = {
        1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    }
    for size, root in expected.items():
        assert tree.root(size).hex() == root
        assert merkle.reference_mth(leaves[:size]).hex() == root


@pytest.mark.parametrize("n", range(1, 34))
def test_every_inclusion_proof_verifies_and_tampered_ones_fail(n: int) -> None:
    tree, leaves = _tree(n)
    root = tree.root()
    assert root == merkle.reference_mth(leaves)
    for i, leaf in enumerate(leaves):
        h = merkle.leaf_hash(leaf)
        path = merkle.inclusion_path(tree, i, n)
        assert merkle.verify_inclusion(h, i, n, path, root)
        assert not merkle.verify_inclusion(merkle.leaf_hash(leaf + b"x"), i, n, path, root)
        if n > 1:
            assert not merkle.verify_inclusion(h, (i + 1) % n, n, path, root)
            assert not merkle.verify_inclusion(h, i, n, path[:-1], root)  # truncated
            assert not merkle.verify_inclusion(h, i, n, [*path, path[0]], root)  # extended
            bad = list(path)
            bad[0] = bytes(32)
            assert not merkle.verify_inclusion(h, i, n, bad, root)


@pytest.mark.parametrize("n", range(1, 34))
def test_every_consistency_proof_verifies_and_tampered_ones_fail(n: int) -> None:
    tree, leaves = _tree(n)
    second = tree.root(n)
    for m in range(1, n + 1):
        first = tree.root(m)
        assert first == merkle.reference_mth(leaves[:m])
        proof = merkle.consistency_proof(tree, m, n)
        assert merkle.verify_consistency(m, n, first, second, proof)
        if m < n:
            assert proof
            assert not merkle.verify_consistency(m, n, first, second, proof[:-1])  # truncated
            assert not merkle.verify_consistency(m, n, merkle.leaf_hash(b"forged"), second, proof)
            assert not merkle.verify_consistency(m, n, first, merkle.leaf_hash(b"forged"), proof)
            flipped = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
            assert not merkle.verify_consistency(m, n, first, second, flipped)


def test_a_rewritten_history_is_not_consistent() -> None:
    tree, leaves = _tree(9)
    forged = merkle.MemoryTree()
    for i, leaf in enumerate(leaves):
        forged.append(b"rewritten" if i == 2 else leaf)
    proof = merkle.consistency_proof(forged, 5, 9)
    assert not merkle.verify_consistency(5, 9, tree.root(5), forged.root(9), proof)


def test_out_of_range_requests_are_refused() -> None:
    tree, _ = _tree(4)
    with pytest.raises(ValueError, match="outside"):
        merkle.inclusion_path(tree, 4, 4)
    with pytest.raises(ValueError, match="first <= second"):
        merkle.consistency_proof(tree, 5, 4)
    assert not merkle.verify_inclusion(b"x" * 32, 7, 4, [], b"y" * 32)
    assert not merkle.verify_consistency(0, 4, b"", b"", [])


def test_a_failing_inclusion_proof_says_why() -> None:
    tree, leaves = _tree(11)
    root = tree.root()
    h = merkle.leaf_hash(leaves[5])
    path = merkle.inclusion_path(tree, 5, 11)
    assert merkle.path_length(5, 11) == len(path) == 4
    assert merkle.inclusion_problem(h, 5, 11, path, root) is None
    assert merkle.inclusion_problem(h, 5, 11, path[:2], root) == "truncated proof: leaf 5 of 11 needs 4 hashes, got 2"
    assert merkle.inclusion_problem(h, 5, 11, [*path, path[0]], root).startswith("proof too long")  # type: ignore[union-attr]
    assert merkle.inclusion_problem(h, 11, 11, path, root).startswith("leaf index 11 is outside")  # type: ignore[union-attr]
    assert merkle.inclusion_problem(h, 5, 11, [path[0][:31], *path[1:]], root).startswith("malformed proof")  # type: ignore[union-attr]
    assert merkle.inclusion_problem(merkle.leaf_hash(b"forged"), 5, 11, path, root).startswith(
        "the proof leads to another root"
    )  # type: ignore[union-attr]
