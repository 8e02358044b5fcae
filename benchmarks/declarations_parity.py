"""Parity of a refactor: what ``validation.check`` and ``interchange.mapping.parse`` answer, one JSON line a case.

Cases: the shipped example declaration, empty/non-object/broken/too-deep bodies, and five mutations at every path
of the example (deleted, an int, a 600-character string, -1, an object), each checked with party ids off, warn and
refuse, with and without a nomenclature; then every WCO DM XML sample under ``../shared/data/wco-dms/samples``.
Run it on two source trees and compare the outputs byte for byte::

    PYTHONPATH=/work/main/src python benchmarks/declarations_parity.py [SAMPLES] > before.jsonl
    PYTHONPATH=src python benchmarks/declarations_parity.py [SAMPLES] > after.jsonl && cmp before.jsonl after.jsonl
"""

from __future__ import annotations

import copy
import glob
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from clearway.core.codes import HsEntry, Nomenclature
from clearway.core.ids import CheckDigits
from clearway.core.issues import ValidationFailed
from clearway.declarations import codec, validation
from clearway.declarations.examples import example_declaration
from clearway.interchange import mapping

TODAY = date(2026, 12, 7)
# The WCO DM samples: ../shared/data/wco-dms/samples beside the checkout, or the folder given as the argument.
SAMPLES = (
    Path(sys.argv[1])
    if len(sys.argv) > 1
    else Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wco-dms" / "samples"
)
NOM = Nomenclature.of(HsEntry(c, "x", len(c)) for c in ("851713", "847130", "610910"))


def dump(res: validation.Checked) -> Any:
    return {
        "ok": res.ok,
        "issues": [[i.code, i.message, i.pointer] for i in res.issues],
        "warnings": [[i.code, i.message, i.pointer] for i in res.warnings],
        "derived": [d.as_dict() for d in res.derived],
        "category": res.category.id if res.category else None,
        "data": codec.to_json(res.data) if res.data else None,
        "draft": codec.to_json(res.draft) if res.draft else None,
    }


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += paths(v, (*prefix, i))
    return out


def setp(doc: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> None:
    node = doc
    for p in path[:-1]:
        node = node[p]
    if delete:
        if isinstance(node, dict):
            node.pop(path[-1])
        else:
            node[path[-1]] = None
    else:
        node[path[-1]] = value


base = example_declaration("LRN-DIFF-1")
cases: list[tuple[str, Any]] = [
    ("base", base),
    ("empty", ""),
    ("notobj", "[1]"),
    ("badjson", "{"),
    ("deep", json.dumps(json.loads("[" * 14 + "]" * 14))),
]
for p in paths(base):
    for label, val, delete in (
        ("del", None, True),
        ("int", 12345, False),
        ("str", "x" * 600, False),
        ("neg", -1, False),
        ("obj", {"a": 1}, False),
    ):
        d = copy.deepcopy(base)
        setp(d, p, val, delete)
        cases.append((f"{label}:{'/'.join(map(str, p))}", d))
for name, raw in cases:
    pids: tuple[CheckDigits, ...] = ("off", "warn", "refuse")
    for pid in pids:
        for nom in (None, NOM):
            ctx = validation.CheckContext(nom, today=TODAY, party_ids=pid)
            body = raw if isinstance(raw, str) else json.dumps(raw)
            try:
                out = dump(validation.check(body, ctx))
            except Exception as exc:
                out = {"raised": type(exc).__name__, "msg": str(exc)}
            print(
                json.dumps({"case": name, "pid": pid, "nom": nom is not None, "out": out}, sort_keys=True, default=str)
            )
for f in sorted(glob.glob(str(SAMPLES / "**" / "*.xml"), recursive=True)):
    for nom in (None, NOM):
        try:
            data, sources = mapping.parse(Path(f).read_bytes(), today=TODAY, nomenclature=nom, party_ids="warn")
            parsed: Any = {"data": codec.to_json(data), "sources": sources}
        except ValidationFailed as exc:
            parsed = {"issues": [[i.code, i.message, i.pointer] for i in exc.issues]}
        except Exception as exc:
            parsed = {"raised": type(exc).__name__, "msg": str(exc)[:200]}
        print(json.dumps({"xml": f, "nom": nom is not None, "out": parsed}, sort_keys=True, default=str))
