"""Ledger throughput, each figure next to the bare Ed25519 rate measured in the same run.

Measures on one core: bare Ed25519 sign and verify (cryptography); credentials signed (VC 2.0 as JWS via
joserfc) and verified (all five checks, in-memory key resolver); credentials issued through the service on
a SQLite file (sign + store + status index + log append + signed tree head, one transaction each); log appends
per second (one transaction per 1000); inclusion-proof generation from the stored log of --entries leaves
(O(log n) stored subtree reads) and from memory; proof verification. Writes benchmarks/results/ledger.json.

    python benchmarks/ledger.py [--seconds 2] [--entries 20000] [--issued 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from clearway import bootstrap
from clearway.ledger import credentials, identity, keys, log, merkle, service
from clearway.ledger.seed import origin_subject
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings

RESULTS = Path(__file__).parent / "results"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def rate(fn: Callable[[int], None], seconds: float) -> float:
    """Calls fn(i) repeatedly for about `seconds`; returns calls per second."""
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn(n)
            n += 1
    return n / elapsed


def bare_ed25519(seconds: float) -> dict[str, float]:
    """Signs and verifies 200-byte messages with cryptography's Ed25519."""
    key = keys.generate()
    pub = key.public_key()
    msg = os.urandom(200)
    sig = key.sign(msg)
    return {
        "sign_per_s": rate(lambda _: key.sign(msg), seconds),
        "verify_per_s": rate(lambda _: pub.verify(sig, msg), seconds),
    }


def credential_rates(seconds: float) -> dict[str, float]:
    """Signs and verifies certificates of origin in memory."""
    key = keys.generate()
    did = "did:web:clearway.localhost:api:v1:ledger:dids:exporter"
    record = keys.KeyRecord(f"{did}#key-1", "exporter", keys.public_raw(key), NOW - timedelta(days=1))

    def vc(i: int) -> dict[str, Any]:
        return credentials.build(
            kind="certificate_of_origin",
            credential_id=f"urn:uuid:{i}",
            issuer=did,
            issuer_name="Exporter",
            subject=origin_subject(),
            valid_from=NOW,
            valid_until=NOW + timedelta(days=90),
            status=None,
            issued_at=NOW,
        )

    tokens = [credentials.sign(vc(i), kid=record.kid, key=key) for i in range(200)]

    def verify(i: int) -> None:
        report = credentials.verify(tokens[i % 200], resolve_key=lambda _k: record, status_of=lambda _p: None, now=NOW)
        assert report.verified

    return {
        "sign_per_s": rate(lambda i: credentials.sign(vc(i), kid=record.kid, key=key), seconds),
        "verify_per_s": rate(verify, seconds),
    }


def _runtime(tmp: Path) -> Runtime:
    settings = Settings(env="test", data_dir=tmp, database_url=f"sqlite:///{tmp / 'bench.db'}", secret_key="bench")
    bootstrap.import_tables()
    rt = bootstrap.build_runtime(settings)
    upgrade(rt.engine)
    return rt


def stored_rates(rt: Runtime, entries: int, issued: int, seconds: float) -> dict[str, float]:
    """Issues credentials through the service, appends entries, and proves inclusion from the stored log."""
    ctx = service.context(rt)
    with rt.uow() as uow:
        identity.ensure_administration(uow, ctx)
        identity.create_org(uow, ctx, org_id="exporter", name="Exporter", country="CL", kind="exporter", party_id="CL1")
        uow.commit()
    start = time.perf_counter()
    for _ in range(issued):
        with rt.uow() as uow:
            service.issue(uow, ctx, org_id="exporter", kind="certificate_of_origin", subject=origin_subject())
            uow.commit()
    issue_rate = issued / (time.perf_counter() - start)
    have = issued
    start = time.perf_counter()
    while have < entries:
        with rt.uow() as uow:
            for _ in range(min(1000, entries - have)):
                log.append(uow, kind="bench", ref=str(have), leaf_input=f"entry {have}".encode())
                have += 1
            log.seal(uow, ctx)
            uow.commit()
    append_rate = (entries - issued) / (time.perf_counter() - start)
    rng = random.Random(7)
    with rt.uow(readonly=True) as uow:
        head = log.latest_head(uow.conn)
        assert head is not None and head.tree_size == entries
        leaves = {i: merkle.leaf_hash(f"entry {i}".encode()) for i in range(issued, entries)}
        picks = [rng.randrange(issued, entries) for _ in range(4000)]
        proofs: dict[int, list[bytes]] = {}

        def prove(i: int) -> None:
            idx, path = log.proof_by_hash(uow.conn, leaves[picks[i % 4000]], entries)
            proofs[idx] = path

        prove_rate = rate(prove, seconds)
    items = list(proofs.items())

    def check(i: int) -> None:
        idx, path = items[i % len(items)]
        assert merkle.verify_inclusion(leaves[idx], idx, entries, path, head.root_hash)

    return {
        "issue_via_service_per_s": issue_rate,
        "log_append_per_s": append_rate,
        "inclusion_proof_from_db_per_s": prove_rate,
        "inclusion_proof_verify_per_s": rate(check, seconds),
        "audit_path_length": float(len(items[0][1])),
    }


def memory_proofs(entries: int, seconds: float) -> dict[str, float]:
    """Proves inclusion from an in-memory tree of the same size (the ceiling of the stored log)."""
    tree = merkle.MemoryTree()
    start = time.perf_counter()
    for i in range(entries):
        tree.append(f"entry {i}".encode())
    build = entries / (time.perf_counter() - start)
    return {
        "memory_append_per_s": build,
        "inclusion_proof_in_memory_per_s": rate(
            lambda i: merkle.inclusion_path(tree, (i * 7919) % entries, entries), seconds
        ),
    }


def main() -> None:
    """Runs the benchmark and writes benchmarks/results/ledger.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--issued", type=int, default=200)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "entries": args.entries,
    }
    results["bare_ed25519"] = bare_ed25519(args.seconds)
    results["credentials"] = credential_rates(args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        rt = _runtime(Path(tmp))
        results["stored_log_sqlite"] = stored_rates(rt, args.entries, args.issued, args.seconds)
        rt.engine.dispose()
    results["memory_log"] = memory_proofs(args.entries, args.seconds)
    for section, figures in results.items():
        if isinstance(figures, dict):
            print(section)
            for name, value in figures.items():
                print(f"  {name:34s} {value:12,.0f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ledger.json").write_text(json.dumps(results, indent=2))
    print(f"written {RESULTS / 'ledger.json'}")


if __name__ == "__main__":
    main()
