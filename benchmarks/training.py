"""Risk-training simulator on the real KCS declarations: import time, the engine on the cases, course scores.

Imports the KCS files (a path you give; default ../shared/data/kcs) into a fresh SQLite database as a case
bank — the latest 20% of the controlled declarations become cases, scored by the risk engine's model trained
on everything before them — then, per course, draws exercises and answers them as three scripted trainees:

- ``engine``: the engine's own lanes (scores as the engine: a check that the comparison is consistent);
- ``unit value``: red and yellow for the lowest unit values against their HS6 × origin median (a careful
  beginner reading one signal);
- ``random``: random lanes within the budget (the yardstick the debrief states as an expectation).

Prints and writes benchmarks/results/training.json: import seconds, the engine's precision on the top 10% of
cases, each course's eligible frauds, mean points of the engine, the exact random expectation and each
scripted trainee, and the time to start and answer an exercise. Figures are floors on a shared machine.

    python benchmarks/training.py [--kcs FILE ...] [--exercises 30] [--trees 150]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from clearway import bootstrap
from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.migrate import upgrade
from clearway.platform.settings import Settings
from clearway.training import case_banks, packs, service
from clearway.training.model import Answer

RESULTS = Path(__file__).parent / "results"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "kcs"


def _lanes(view: dict[str, Any], trainee: str, rng: random.Random) -> list[Answer]:
    cases, budget = view["cases"], view["budget"]
    if trainee == "random":
        order = rng.sample(cases, len(cases))
    else:
        order = sorted(cases, key=lambda c: c["history"].get("uv_ratio__hs6_origin") or 0.0)
    lanes = {c["id"]: "green" for c in cases}
    for i, c in enumerate(order[: budget["red"] + budget["yellow"]]):
        lanes[c["id"]] = "red" if i < budget["red"] else "yellow"
    return [Answer(k, v, "scripted trainee" if v == "red" else "") for k, v in lanes.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kcs", type=Path, nargs="*", default=sorted(SHARED.glob("*.csv")))
    parser.add_argument("--exercises", type=int, default=30)
    parser.add_argument("--trees", type=int, default=150)
    args = parser.parse_args()
    if not args.kcs:
        raise SystemExit("no KCS files: give --kcs PATH (the shared data is not present here)")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/training.db"
        engine = create_engine(url)
        upgrade(engine)
        engine.dispose()
        bootstrap.import_tables()
        runtime = bootstrap.build_runtime(
            Settings(env="test", database_url=url, data_dir=Path(tmp), secret_key="bench-secret")
        )
        runtime.caches["platform.migrated"] = True
        start = time.perf_counter()
        with runtime.uow() as uow:
            bank = case_banks.import_bank(
                uow,
                Principal(user="bench", role=audit.CLI_ROLE),
                source="kcs",
                secret="bench-secret",
                paths=args.kcs,
                trees=args.trees,
            )
            uow.commit()
        import_s = time.perf_counter() - start
        officer = Principal(user="bench.officer", role="officer")
        rng = random.Random(7)
        with runtime.uow(readonly=True) as uow:
            availability = {c["id"]: c["banks"] for c in service.courses(uow, officer)}
        courses: dict[str, Any] = {}
        timings: list[float] = []
        for course in packs.shipped():
            if not availability[course.id]:
                courses[course.id] = {"available": False}
                continue
            scores: dict[str, list[float]] = {"engine": [], "random expectation": [], "unit value": [], "random": []}
            for i in range(args.exercises):
                for trainee in ("engine", "unit value", "random"):
                    t0 = time.perf_counter()
                    with runtime.uow() as uow:
                        view = service.start(uow, officer, course.id, seed=i)
                        if trainee == "engine":
                            from clearway.training import store
                            from clearway.training.service import _truths

                            row = store.get_exercise(uow.conn, view["id"])
                            assert row is not None
                            from clearway.training.model import Budget, engine_lanes

                            lanes = engine_lanes(_truths(uow, row), Budget(**view["budget"]))
                            answers = [Answer(k, v, "engine" if v == "red" else "") for k, v in lanes.items()]
                        else:
                            answers = _lanes(view, trainee, rng)
                        result = service.answer(uow, officer, view["id"], answers)["result"]
                        uow.commit()
                    timings.append(time.perf_counter() - t0)
                    scores[trainee].append(result["points"])
                    if trainee == "engine":
                        scores["random expectation"].append(result["random_points"])
            courses[course.id] = {
                "available": True,
                "eligible_frauds": availability[course.id][0]["frauds"],
                "mean_points": {k: round(statistics.mean(v), 1) for k, v in scores.items()},
            }
        runtime.engine.dispose()
    out = {
        "data": [p.name for p in args.kcs],
        "machine": platform.platform(),
        "import_seconds": round(import_s, 1),
        "cases": bank["cases"],
        "frauds": bank["frauds"],
        "engine_precision_at_10pct_of_cases": bank["model"]["engine_precision_at_10pct"],
        "history_to": bank["model"].get("history_to"),
        "exercises_per_course_and_trainee": args.exercises,
        "courses": courses,
        "start_and_answer_ms_median": round(statistics.median(timings) * 1000, 1),
        "start_and_answer_ms_p95": round(sorted(timings)[int(0.95 * (len(timings) - 1))] * 1000, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "training.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
