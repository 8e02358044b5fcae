"""E-commerce feedback loop: officers' verified HS codes on parcel reviews feeding the classification history.

    PYTHONPATH=src .venv/bin/python benchmarks/ecommerce_feedback.py [--days 5] [--parcels 100000]
        [--review 200] [--history calibration|none] [--no-calibrate] [--no-feedback] [--shared ../shared/data]

Simulates ``--days`` days of screening on one SQLite file through the stored service path
(``service.screen_manifest``, what ``clearway ecommerce screen`` runs), each day a manifest of ``--parcels``
parcels drawn from the **held-out** half of the real listings with fraud planted in it (``benchmarks/ecommerce.py``'s
evaluation manifest, a different seed each day). The initial classification history is the benchmark's (the
ordinary parcels of a manifest of the **calibration** half, loaded through ``hs_history_store.load_csv``) or none.
Unless ``--no-calibrate``, the thresholds are re-derived on the calibration half exactly as
``benchmarks/ecommerce.py --calibrate`` does (``scoring.calibrate`` and ``scoring.calibrate_history``); nothing
is tuned on the held-out half, and the thresholds stay the same for every day.

After screening day d, officers review up to ``--review`` held parcels flagged ``hs_implausible``, riskiest
first (score, then parcel id: the order of ``review.held_parcels``), through ``review.decide`` with
``CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS=on``. The officer is **simulated** (``officer_verdict``): an ordinary
parcel is released and its declared code verified — the listing's own category-path code, taken as correct by
the construction of the benchmark (an assumption: on the hand-labelled titles that code agrees with the label at
chapter level for about 7 in 10); a parcel with a planted implausible code is kept on hold and verified at the
code its listing has (the planting does not record it: it is read back from the held-out listings by title,
and left out where the title's listings carry several codes); a parcel of another planted kind is kept on hold
and its declared code verified (the listing's or the register's code, not a planted one). Day d+1 is screened
with the history as the reviews left it. ``--no-feedback`` is the control: the same days and reviews with the
setting off (the codes are audited, the history is left alone).

Prints and writes (benchmarks/results/ecommerce_feedback.json) per day: ``hs_implausible`` precision, recall, the
false-flag rate on ordinary parcels, parcels reviewed (ordinary / planted HS / other), what the verified codes did
(added / unchanged / replaced) and the history rows (title, HS6 pairs) and parcels added.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OFFICER = "officer-sim"


def officer_verdict(kind: str, declared_hs: str | None, true_hs: str | None) -> tuple[bool, str | None]:
    """What the simulated officer does with a held parcel flagged ``hs_implausible``: (release, verified code).

    An ordinary parcel is released with its declared code verified (the listing's code, correct by the
    benchmark's construction); a planted implausible code is kept on hold, verified at the listing's true code
    when known; another planted kind is kept on hold (it is fraud of that kind) with its declared code verified.
    A code that is not six digits is never verified."""

    def six(code: str | None) -> str | None:
        code = (code or "").strip()[:6]
        return code if len(code) == 6 and code.isdigit() else None

    if kind == "ordinary":
        return True, six(declared_hs)
    if kind == "hs":
        return False, six(true_hs)
    return False, six(declared_hs)


def true_codes(titles: list[str], codes: list[str | None]) -> dict[str, str]:
    """The listing's code for each title whose listings all carry one and the same code (others left out)."""
    seen: dict[str, set[str | None]] = {}
    for t, c in zip(titles, codes, strict=True):
        seen.setdefault(t, set()).add(c)
    return {t: next(iter(c)) for t, c in seen.items() if len(c) == 1 and next(iter(c))}  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--parcels", type=int, default=100_000, help="parcels per day")
    parser.add_argument("--review", type=int, default=200, help="held hs_implausible parcels reviewed a day")
    parser.add_argument("--history", choices=("calibration", "none"), default="calibration")
    parser.add_argument("--no-calibrate", action="store_true", help="ScreeningConfig defaults, no re-derivation")
    parser.add_argument("--calibration-parcels", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument(
        "--no-feedback",
        action="store_true",
        help="the control: officers review the same way with CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS=off",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "ecommerce_feedback.json")
    args = parser.parse_args()
    if not (args.shared / "marketplace").exists():
        sys.exit(f"no shared data at {args.shared}: pass --shared PATH (the folder holding marketplace/)")
    os.environ["CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS"] = "off" if args.no_feedback else "on"

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import polars as pl
    from sqlalchemy import desc, select

    import ecommerce as bench  # benchmarks/ecommerce.py: its manifests and reference lists
    from clearway import bootstrap
    from clearway.core.issues import ValidationFailed
    from clearway.ecommerce import config, hs_check, hs_history_store, lists, review, service, store
    from clearway.ecommerce.evaluation import marketplace, planting, registers, scoring
    from clearway.platform import audit
    from clearway.platform.migrate import upgrade
    from clearway.platform.principal import Principal
    from clearway.platform.settings import Settings
    from clearway.reference import service as reference

    started = time.perf_counter()
    advisor = hs_check.Advisor(scoring.hs_index(args.shared))
    held_out = marketplace.load_listings(args.shared).filter(pl.col("half") == "held_out")
    truth_code = true_codes(held_out["title"].to_list(), held_out["hs"].to_list())
    overrides: dict[str, float] = {}
    history_info: dict[str, object] = {"initial": args.history}
    days: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="clearway-feedback-") as tmp:
        folder = Path(tmp)
        if not args.no_calibrate or args.history == "calibration":
            cal = folder / "calibration"
            cal.mkdir()
            bench._child(cal, args.calibration_parcels, args.seed + 1, args.shared, "calibration", plant=False)
            if not args.no_calibrate:
                (cal / "work").mkdir()
                overrides.update(scoring.calibrate(cal / "manifest.csv", cal / "work", advisor=advisor))
            if args.history == "calibration":
                (cal / "work-history").mkdir()
                rows = scoring.history_rows(cal / "manifest.csv", cal / "work-history")
                if not args.no_calibrate:
                    planting.set_nomenclature(args.shared)
                    setting, out_of_fold = scoring.calibrate_history(
                        rows, cfg=config.for_country("PE", **overrides), advisor=advisor
                    )
                    overrides.update(setting)
                    history_info["out_of_fold_on_calibration_half"] = out_of_fold
                rows.group_by("desc_norm", "hs6").agg(parcels=pl.len()).select(
                    title="desc_norm", hs_code="hs6", parcels="parcels"
                ).write_csv(folder / "history.csv")
            shutil.rmtree(cal)
        print(f"thresholds: {overrides or 'ScreeningConfig defaults'} ({time.perf_counter() - started:.0f} s)")
        if overrides:
            base = config.for_country

            def patched(country: str, **kw: float) -> object:
                return base(country, **{**overrides, **kw})

            config.for_country = patched  # type: ignore[assignment]

        url = f"sqlite:///{folder / 'feedback.db'}"
        bootstrap.import_tables()
        runtime = bootstrap.build_runtime(Settings(env="test", database_url=url, data_dir=folder))
        upgrade(runtime.engine)
        lists_folder = folder / "lists"
        lists_folder.mkdir()
        _, recalls, brands = bench._lists(args.shared)
        registers.write_lists(lists_folder, recalls, brands)
        with runtime.uow() as uow:
            reference.load_hs_file(uow, args.shared / marketplace.NOMENCLATURE)
            lists.load_recalls(uow, lists_folder / "recalls.csv")
            lists.load_brands(uow, lists_folder / "brands.csv")
            if args.history == "calibration":
                hs_history_store.load_csv(
                    uow, folder / "history.csv", actor="benchmark", role=audit.CLI_ROLE, source="calibration half"
                )
            uow.commit()
        with runtime.uow() as uow:
            service.hs_advisor(uow, runtime.caches)
            before = hs_history_store.summary(uow)
        history_info.update(rows=before["pairs"], parcels=before["parcels"])
        print(f"initial history: {before['pairs']:,} (title, HS6) rows, {before['parcels']:,} parcels")
        officer = Principal(user=OFFICER, role="officer")
        p = store.parcels
        verified_titles: set[str] = set()  # titles an officer verified a code on, on an earlier day
        for day in range(1, args.days + 1):
            work = folder / f"day{day}"
            work.mkdir()
            bench._child(work, args.parcels, args.seed + 1000 * day, args.shared, "held_out", plant=True)
            start = time.perf_counter()
            with runtime.uow() as uow, (work / "manifest.csv").open("rb") as stream:
                report = service.screen_manifest(
                    uow,
                    stream,
                    source_name=f"day{day}.csv",
                    country="PE",
                    submitted_by="benchmark",
                    fmt="csv",
                    caches=runtime.caches,
                )
                uow.commit()
            screened = time.perf_counter() - start
            assert report.decided is not None
            truth = pl.read_csv(work / "truth.csv", schema_overrides={"variant": pl.String})
            quality = scoring.score(report.decided, truth)
            hs_q, ordinary = quality["hs"], quality["ordinary"]
            assert isinstance(hs_q, dict) and isinstance(ordinary, dict)
            kinds = dict(truth.select("parcel_id", "kind").iter_rows())
            manifest = pl.read_csv(work / "manifest.csv", columns=["parcel_id", "description"], infer_schema_length=0)
            titles = dict(manifest.iter_rows())
            false_hs = (
                report.decided.select("parcel_id", "flags")
                .join(truth, on="parcel_id")
                .filter((pl.col("kind") == "ordinary") & pl.col("flags").str.contains("hs_implausible"))["parcel_id"]
            )
            on_ordinary = report.decided.select("parcel_id", "flags").join(
                truth.filter(pl.col("kind") == "ordinary"), on="parcel_id"
            )["flags"]
            by_flag = {f: int(on_ordinary.str.contains(f).sum()) for f in scoring.RISK_FLAGS}
            false_codes = (
                report.decided.select("parcel_id", "flags", "hs_code")
                .join(truth.filter(pl.col("kind") == "ordinary"), on="parcel_id")
                .filter(pl.col("flags").str.contains("hs_implausible"))
                .group_by(hs6=pl.col("hs_code").str.slice(0, 6))
                .len()
                .sort(["len", "hs6"], descending=[True, False])
                .head(5)
            )
            on_verified = sum(titles.get(pid, "") in verified_titles for pid in false_hs)
            start = time.perf_counter()
            with runtime.uow() as uow:
                queue = uow.conn.execute(
                    select(p.c.parcel_id, p.c.hs_code)
                    .where(
                        p.c.manifest_id == report.manifest_id,
                        p.c.decision.in_(review.HELD),
                        p.c.flags.contains("hs_implausible"),
                    )
                    .order_by(desc(p.c.score), p.c.parcel_id)
                    .limit(args.review)
                ).all()
            reviewed = {"ordinary": 0, "hs": 0, "other": 0}
            effects: dict[str, int] = {}
            refused: set[str] = set()
            for parcel_id, declared in queue:
                kind = kinds.get(parcel_id, "ordinary")
                release, code = officer_verdict(kind, declared, truth_code.get(titles.get(parcel_id, "")))
                reviewed[kind if kind in reviewed else "other"] += 1
                if code is not None:
                    verified_titles.add(titles.get(parcel_id, ""))
                with runtime.uow() as uow:
                    if code is not None:
                        try:
                            hs_history_store.check_verified_hs(uow, code)
                        except ValidationFailed:  # not a subheading of the loaded nomenclature: no code given
                            refused.add(code)
                            code = None
                    done = review.decide(
                        uow,
                        report.manifest_id,
                        parcel_id,
                        release=release,
                        principal=officer,
                        reason="simulated check",
                        verified_hs=code,
                    )
                    uow.commit()
                effects[str(done["history"])] = effects.get(str(done["history"]), 0) + 1
            with runtime.uow() as uow:
                after = hs_history_store.summary(uow)
            row = {
                "day": day,
                "parcels": report.rows_read,
                "hs_planted": hs_q["planted"],
                "hs_caught": hs_q["caught"],
                "hs_false_flags": hs_q["false_flags"],
                "hs_precision": hs_q["precision"],
                "hs_recall": hs_q["recall"],
                "hs_false_flag_rate_ordinary": hs_q["false_flag_rate"],
                "hs_false_flags_on_titles_verified_earlier": on_verified,
                "ordinary_flagged_for_any_risk_rate": ordinary["false_flag_rate"],
                "ordinary_flags_by_flag": by_flag,
                "hs_false_flags_top_declared_codes": dict(false_codes.iter_rows()),
                "hs_flagged": int(report.decided["flags"].str.contains("hs_implausible").sum()),
                "reviewed": sum(reviewed.values()),
                "reviewed_by_truth": reviewed,
                "verified_effects": effects,
                "verified_codes_refused": sorted(refused),
                "history_rows_added": after["pairs"] - before["pairs"],
                "history_parcels_added": after["parcels"] - before["parcels"],
                "history_rows": after["pairs"],
                "seconds_screen": round(screened, 1),
                "seconds_review": round(time.perf_counter() - start, 1),
            }
            days.append(row)
            before = after
            print(
                f"day {day}: hs precision {row['hs_precision']:.3f} recall {row['hs_recall']:.3f} false flags "
                f"{row['hs_false_flags']} ({100 * row['hs_false_flag_rate_ordinary']:.3f}%); reviewed "
                f"{row['reviewed']} {reviewed}; history +{row['history_rows_added']} rows "
                f"+{row['history_parcels_added']} parcels {effects} ({screened:.0f} s screen)"
            )
            shutil.rmtree(work)
        runtime.engine.dispose()

    result = {
        "data": "held-out half of marketplace/flipkart-listings.csv (real listings) with planted fraud, "
        "one manifest a day",
        "officer": "simulated: ordinary parcels released and verified at their declared (listing) code; planted HS "
        "kept on hold, verified at the listing's code where the title's listings carry one code",
        "days": args.days,
        "parcels_per_day": args.parcels,
        "review_capacity": args.review,
        "feedback": "off (control)" if args.no_feedback else "on",
        "thresholds": overrides or "ScreeningConfig defaults",
        "history": history_info,
        "per_day": days,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "seconds_total": round(time.perf_counter() - started),
    }
    print(
        f"\n{'day':>3} {'precision':>9} {'recall':>7} {'false flags':>12} {'rate %':>7} {'reviewed':>8} "
        f"{'ord/hs/other':>13} {'rows +':>7} {'parcels +':>9} {'any risk %':>10}"
    )
    for r in days:
        b = r["reviewed_by_truth"]
        print(
            f"{r['day']:>3} {r['hs_precision']:>9.3f} {r['hs_recall']:>7.3f} {r['hs_false_flags']:>12,} "
            f"{100 * r['hs_false_flag_rate_ordinary']:>7.3f} {r['reviewed']:>8} "
            f"{b['ordinary']:>5}/{b['hs']}/{b['other']:<5} {r['history_rows_added']:>7} "
            f"{r['history_parcels_added']:>9} "
            f"{100 * r['ordinary_flagged_for_any_risk_rate']:>10.3f}"
        )
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
