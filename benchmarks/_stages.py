"""Where the time of one lodgement goes: each step of ``declarations/lodging.py`` timed in process (µs).

The database is seeded as ``clearway demo --seed-only`` seeds it (tariff schedule, agencies, risk criteria,
ledger), so every port does its real work. Each port object is wrapped in a timer; the rest is timed around the
functions lodging calls.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from clearway import bootstrap
from clearway.declarations import api as declarations_api
from clearway.declarations import codec, lodging
from clearway.declarations.schemas import DeclarationIn
from clearway.demo import generator
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork
from clearway.platform.settings import Settings

STAGES = ("parse", "validate", "assess", "route", "supply_chain", "lane", "release_gate", "save", "events", "commit")


class _Timed:
    """Wraps a port object: every method call adds its time to the stage the method belongs to."""

    _STAGE: ClassVar[dict[str, str]] = {
        "assess": "assess",
        "route": "route",
        "check": "supply_chain",
        "propose": "lane",
        "blockers": "release_gate",
    }

    def __init__(self, inner: Any, times: dict[str, float]) -> None:
        self._inner = inner
        self._times = times
        for name in self._STAGE:
            if hasattr(inner, name):
                setattr(self, name, self._wrap(name, getattr(inner, name)))
        if hasattr(inner, "precedence"):
            self.precedence = inner.precedence

    def _wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        stage = self._STAGE[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._times[stage] += time.perf_counter() - t

        return timed


def _patch(module: Any, name: str, stage: str, times: dict[str, float]) -> None:
    fn = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            times[stage] += time.perf_counter() - t

    setattr(module, name, timed)


def profile(lodgements: int, data_dir: Path) -> dict[str, Any]:
    """Seeds a demo database in ``data_dir``, lodges ``lodgements`` declarations and returns µs per stage."""
    env = {**os.environ, "CLEARWAY_DATA_DIR": str(data_dir), "CLEARWAY_LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "-m", "clearway", "demo", "--seed-only"], env=env, check=True, capture_output=True)
    runtime = bootstrap.build_runtime(Settings(data_dir=data_dir, log_level="WARNING"))
    per: list[dict[str, float]] = []
    times: dict[str, float] = defaultdict(float)
    runtime.ports._items = [_Timed(p, times) for p in runtime.ports._items]
    runtime.ports._by_type.clear()
    _patch(lodging.validation, "check", "validate", times)
    _patch(lodging.store, "insert", "save", times)
    _patch(lodging.store, "add_version", "save", times)
    original_publish = UnitOfWork.publish

    def publish(self: UnitOfWork, event: Any) -> None:
        t = time.perf_counter()
        try:
            original_publish(self, event)
        finally:
            times["events"] += time.perf_counter() - t

    UnitOfWork.publish = publish  # type: ignore[method-assign]
    rng = random.Random(11)
    docs = [
        generator.declaration(rng, lrn=f"PROF-{time.time_ns()}-{i}", arrival=date.today(), items=3, importer_index=i)
        for i in range(lodgements)
    ]
    totals: list[float] = []
    try:
        for doc in docs:
            times.clear()
            body = json.dumps(doc).encode()
            start = time.perf_counter()
            data = codec.to_domain(DeclarationIn.model_validate_json(body))
            times["parse"] += time.perf_counter() - start
            principal = Principal(user="bench", role="declarant", party_id=data.declarant.id)
            with runtime.uow() as uow:
                lodging.lodge(uow, data, principal=principal, ctx=declarations_api.lodge_context(runtime, uow))
                t = time.perf_counter()
                uow.commit()
                times["commit"] += time.perf_counter() - t
            totals.append(time.perf_counter() - start)
            per.append(dict(times))
    finally:
        UnitOfWork.publish = original_publish  # type: ignore[method-assign]
        runtime.engine.dispose()
    warm = per[10:] if len(per) > 20 else per
    out: dict[str, Any] = {stage: round(statistics.median([p.get(stage, 0.0) for p in warm]) * 1e6) for stage in STAGES}
    out["total"] = round(statistics.median(totals[len(totals) - len(warm) :]) * 1e6)
    out["other"] = out["total"] - sum(out[s] for s in STAGES)
    return out


def print_profile(result: dict[str, Any]) -> None:
    """Prints the per-stage medians as a small table."""
    print("one lodgement, median µs per stage (in process, demo data, all capabilities):")
    for stage in (*STAGES, "other", "total"):
        print(f"  {stage:>13}: {result[stage]:>7}")
