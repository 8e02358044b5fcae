"""The partner verification snippet in docs/ledger.md runs as written and agrees with the RFC algorithms."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from clearway.ledger import merkle

DOC = Path(__file__).resolve().parents[3] / "docs" / "ledger.md"


def _snippet() -> Any:
    text = DOC.read_text()
    code = re.search(r"<!-- partner-snippet -->\s*```python\n(.*?)```", text, re.S)
    assert code is not None, "docs/ledger.md lost its partner snippet"
    assert len(code.group(1).splitlines()) <= 20
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)
    return namespace["verify_inclusion"]


def test_the_documented_snippet_verifies_every_leaf_and_rejects_tampering() -> None:
    verify_inclusion = _snippet()
    for n in (1, 2, 3, 7, 8, 13):
        tree = merkle.MemoryTree()
        leaves = [f"credential {i}".encode() for i in range(n)]
        for leaf in leaves:
            tree.append(leaf)
        root = base64.b64encode(tree.root()).decode()
        for i, leaf in enumerate(leaves):
            path = [base64.b64encode(p).decode() for p in merkle.inclusion_path(tree, i, n)]
            assert verify_inclusion(leaf, i, n, path, root)
            assert not verify_inclusion(leaf + b"!", i, n, path, root)
            if path:
                assert not verify_inclusion(leaf, i, n, path[:-1], root)
