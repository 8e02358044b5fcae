"""E-commerce screening benchmark on real marketplace listings with planted fraud, screened end to end.

    .venv/bin/python benchmarks/ecommerce.py --parcels 1000000 [--shared ../shared/data] [--calibrate]
    .venv/bin/python benchmarks/ecommerce.py --parcels 10000000 --stream [--calibrate]

``--stream`` screens the manifest file into a decisions CSV by seller buckets (``ecommerce.stream``, what
``clearway ecommerce screen --stream`` runs) instead of the stored end-to-end path, and prints the peak
memory (RSS, and tracemalloc's Python-heap peak) next to the throughput. The HS check uses the
classification service's index over ``hs/harmonized-system.csv`` (loaded into the benchmark's database),
and its false flags are also measured on the 198 hand-labelled titles of
``benchmarks/data/hs_marketplace_labels.csv`` declared at their label (a truth not made by any classifier).

The ordinary parcels are the real listings of ``marketplace/flipkart-listings.csv`` (shared data) of the
**held-out** half (fixed hash of the listing id), drawn with replacement, declared at their listed price
(INR converted at the shipped reference rate, 0.012 USD); fraud is planted in them the way a fraudster would
(``clearway.ecommerce.evaluation``). The recall list and brand register include common-word brands; the
register's lowest genuine prices come from the calibration half. ``--calibrate`` first re-derives the
peer-price thresholds on a manifest of the **calibration** half and screens with them (the defaults in
``ScreeningConfig`` are what it found).

The manifest is generated in a child process, streamed to CSV in chunks (so that the peak memory printed is
screening's own), then ingested, screened, decided and stored on a fresh SQLite file (or --database-url).
Prints parcels per second, time per stage, peak memory, and per planted kind precision, recall and the
false-flag rate on ordinary parcels. Writes benchmarks/results/ecommerce.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _lists(shared: Path) -> tuple[object, list, list]:  # type: ignore[type-arg]
    import polars as pl

    from clearway.ecommerce.evaluation import marketplace, planting, registers

    listings = marketplace.load_listings(shared)
    recalls, brands = registers.reference_lists(listings.filter(pl.col("half") == "calibration"))
    planting.set_floors(brands)
    planting.set_nomenclature(shared)
    return listings, recalls, brands


def generate(folder: Path, parcels: int, seed: int, shared: Path, half: str, plant: bool) -> None:
    """Writes manifest.csv, truth.csv and the reference lists into the folder."""
    import polars as pl

    from clearway.ecommerce.evaluation import planting, registers

    listings, recalls, brands = _lists(shared)
    registers.write_lists(folder, recalls, brands)
    base = listings.filter(pl.col("half") == half)  # type: ignore[attr-defined]
    plan = planting.Plan(parcels, seed=seed, plant=plant)
    planting.write_manifest(planting.chunks(base, plan, recalls), folder / "manifest.csv", folder / "truth.csv")


def _child(folder: Path, parcels: int, seed: int, shared: Path, half: str, plant: bool) -> None:
    args = [sys.executable, __file__, "--generate-only", str(folder), "--parcels", str(parcels)]
    args += ["--seed", str(seed), "--shared", str(shared), "--half", half] + ([] if plant else ["--no-plant"])
    subprocess.run(args, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--calibrate", action="store_true", help="re-derive the thresholds on the calibration half")
    parser.add_argument("--calibration-parcels", type=int, default=200_000)
    parser.add_argument("--max-parcels", type=int, default=None, help="screening's limit per manifest")
    parser.add_argument("--stream", action="store_true", help="screen file to file by seller buckets")
    parser.add_argument("--bucket-rows", type=int, default=250_000)
    parser.add_argument(
        "--no-history",
        action="store_true",
        help="screen without the classification history (with --calibrate it is built from the calibration half)",
    )
    parser.add_argument("--generate-only", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--half", default="held_out", help=argparse.SUPPRESS)
    parser.add_argument("--no-plant", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.parcels, args.seed, args.shared, args.half, not args.no_plant)
        return
    if not (args.shared / "marketplace").exists():
        sys.exit(f"no shared data at {args.shared}: pass --shared PATH (the folder holding marketplace/)")

    import polars as pl

    from clearway import bootstrap
    from clearway.ecommerce import config, hs_check, hs_history, hs_history_store, lists, service
    from clearway.ecommerce.evaluation import marketplace, planting, scoring
    from clearway.platform import audit
    from clearway.platform.migrate import upgrade
    from clearway.platform.settings import Settings
    from clearway.reference import service as reference

    started = time.perf_counter()
    advisor = hs_check.Advisor(scoring.hs_index(args.shared))
    print(f"HS-suggestion index built in {time.perf_counter() - started:.1f} s")

    overrides: dict[str, float] = {}
    history_info: dict[str, object] = {}
    model: hs_history.HsHistory | None = None
    with tempfile.TemporaryDirectory(prefix="clearway-bench-") as tmp:
        folder = Path(tmp)
        if args.calibrate:
            cal = folder / "calibration"
            cal.mkdir()
            _child(cal, args.calibration_parcels, args.seed + 1, args.shared, "calibration", plant=False)
            work = cal / "work"
            work.mkdir()
            found = scoring.calibrate(cal / "manifest.csv", work, advisor=advisor)
            overrides.update(found)
            print(f"calibrated on {args.calibration_parcels:,} parcels of the calibration half: {found}")
            if not args.no_history:
                (cal / "work-history").mkdir()
                rows = scoring.history_rows(cal / "manifest.csv", cal / "work-history")
                planting.set_nomenclature(args.shared)  # the planted codes of the tie-break need the subheadings
                start = time.perf_counter()
                setting, out_of_fold = scoring.calibrate_history(
                    rows, cfg=config.for_country("PE", **overrides), advisor=advisor
                )
                overrides.update(setting)
                history_info = {"thresholds": setting, "out_of_fold_on_calibration_half": out_of_fold}
                print(
                    f"history thresholds cross-fitted on the calibration half in {time.perf_counter() - start:.1f} s: "
                    f"{setting}; out of fold {out_of_fold}"
                )
                rows.group_by("desc_norm", "hs6").agg(parcels=pl.len()).select(
                    title="desc_norm", hs_code="hs6", parcels="parcels"
                ).write_csv(folder / "history.csv")
                model = hs_history.HsHistory.build(rows)
            shutil.rmtree(cal)
        hand = _hand_labels(args.shared, advisor, overrides, model)
        hand_chapter = (
            _hand_labels(args.shared, advisor, {**overrides, "hs_history_level": 2}, model) if model is not None else {}
        )
        start = time.perf_counter()
        _child(folder, args.parcels, args.seed, args.shared, "held_out", plant=True)
        generated = time.perf_counter() - start
        size = (folder / "manifest.csv").stat().st_size
        print(f"generated {args.parcels:,} parcels ({size / 1e6:.0f} MB CSV) in {generated:.1f} s")

        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        bootstrap.import_tables()
        runtime = bootstrap.build_runtime(Settings(env="test", database_url=url, data_dir=folder))
        upgrade(runtime.engine)
        with runtime.uow() as uow:
            reference.load_hs_file(uow, args.shared / marketplace.NOMENCLATURE)
            loaded = [
                lists.load_recalls(uow, folder / "recalls.csv"),
                lists.load_brands(uow, folder / "brands.csv"),
            ]
            uow.commit()
        if model is not None:
            with runtime.uow() as uow:
                done_history = hs_history_store.load_csv(
                    uow, folder / "history.csv", actor="benchmark", role=audit.CLI_ROLE, source="calibration half"
                )
                uow.commit()
            print(
                f"classification history: {done_history.loaded:,} rows ({done_history.total_parcels:,} past parcels "
                f"of the calibration half) loaded"
            )
            start = time.perf_counter()
            with runtime.uow() as uow:
                hs_history_store.current(uow, runtime.caches)
            print(f"history model built in {time.perf_counter() - start:.1f} s (not counted in screening)")
        for name, done in zip(("recalls", "brands"), loaded, strict=True):
            print(f"{name}: {done.loaded} loaded" + "".join(f"; {i.message}" for i in done.issues))
            if done.issues:
                sys.exit("a reference list did not load whole")
        if overrides:
            base = config.for_country

            def patched(country: str, **kw: float) -> object:
                return base(country, **{**overrides, **kw})

            config.for_country = patched  # type: ignore[assignment]

        # The screening's HS check uses the platform's index (built from the nomenclature just loaded) kept in
        # the runtime's caches, as a running server would: built once here, before the clock starts.
        start = time.perf_counter()
        with runtime.uow() as uow:
            if service.hs_advisor(uow, runtime.caches) is None:
                sys.exit("the HS-suggestion index could not be built from the loaded nomenclature")
        print(f"platform HS index built in {time.perf_counter() - start:.1f} s (not counted in screening)")
        start = time.perf_counter()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        if args.stream:
            tracemalloc.start()
            out = folder / "decisions.csv"
            with runtime.uow() as uow:
                streamed = service.screen_file_streaming(
                    uow,
                    folder / "manifest.csv",
                    out,
                    country="PE",
                    bucket_rows=args.bucket_rows,
                    caches=runtime.caches,
                )
            heap_mb = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            decided = pl.read_csv(out, schema_overrides=dict.fromkeys(("flags", "reasons"), pl.String))
            rows_read, seconds, decisions, flags = (
                streamed.rows_read,
                streamed.seconds,
                streamed.decisions,
                streamed.flags,
            )
            extra = {
                "buckets": streamed.buckets,
                "largest_bucket": streamed.largest_bucket,
                "heap_peak_mb": round(heap_mb),
            }
        else:
            with runtime.uow() as uow, (folder / "manifest.csv").open("rb") as stream:
                report = service.screen_manifest(
                    uow,
                    stream,
                    source_name="manifest.csv",
                    country="PE",
                    submitted_by="benchmark",
                    fmt="csv",
                    max_parcels=args.max_parcels,
                    caches=runtime.caches,
                )
                uow.commit()
            assert report.decided is not None
            decided = report.decided
            rows_read, seconds, decisions, flags = report.rows_read, report.seconds, report.decisions, report.flags
            extra = {}
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        truth = pl.read_csv(folder / "truth.csv", schema_overrides={"variant": pl.String})
        quality = scoring.score(decided, truth)
        listed = pl.read_csv(folder / "manifest.csv", columns=["parcel_id", "listed_price"], infer_schema_length=0)
        j = decided.select("parcel_id", "flags").join(truth, on="parcel_id").join(listed, on="parcel_id")
        under = j.filter(pl.col("kind") == "undervalued")
        by_evidence = {
            name: round(int(part["flags"].str.contains("undervaluation").sum()) / max(1, part.height), 4)
            for name, part in (
                ("with_listing", under.filter(pl.col("listed_price").is_not_null())),
                ("without_listing", under.filter(pl.col("listed_price").is_null())),
            )
        }
        hs_by_variant = {
            str(v): {"planted": int(n), "recall": round(float(r), 4)}
            for v, n, r in j.filter(pl.col("kind") == "hs")
            .group_by("variant")
            .agg(n=pl.len(), r=pl.col("flags").str.contains("hs_implausible").mean())
            .sort("variant")
            .iter_rows()
        }
        novel: dict[str, object] = {}
        if model is not None:
            titles = pl.read_csv(folder / "manifest.csv", columns=["parcel_id", "description"], infer_schema_length=0)
            titles = titles.with_columns(desc_norm=hs_history.normalise(pl.col("description")))
            fresh = titles.filter(~pl.col("desc_norm").is_in(list(model.title_set)))["parcel_id"]
            decided_novel = decided.filter(pl.col("parcel_id").is_in(fresh.implode()))
            novel = {
                "parcels": decided_novel.height,
                "share_of_manifest": round(decided_novel.height / max(1, decided.height), 4),
                "quality": scoring.score(decided_novel, truth),
                "hs_recall_by_variant": {
                    str(v): {"planted": int(n), "recall": round(float(r), 4)}
                    for v, n, r in j.filter((pl.col("kind") == "hs") & pl.col("parcel_id").is_in(fresh.implode()))
                    .group_by("variant")
                    .agg(n=pl.len(), r=pl.col("flags").str.contains("hs_implausible").mean())
                    .sort("variant")
                    .iter_rows()
                },
            }
        runtime.engine.dispose()

    result = {
        "data": "held-out half of marketplace/flipkart-listings.csv (real listings) with planted fraud",
        "parcels": args.parcels,
        "database": url.split(":")[0],
        "thresholds": overrides or "ScreeningConfig defaults",
        "mode": "stream (file to file, seller buckets, not stored)" if args.stream else "end to end, stored",
        "seconds_end_to_end": round(elapsed, 2),
        "parcels_per_second": round(rows_read / elapsed),
        "cpu_seconds": round(cpu, 1),
        "parcels_per_cpu_second": round(rows_read / max(cpu, 1e-9)),
        "seconds_per_stage": {k: round(v, 2) for k, v in seconds.items()},
        "peak_rss_mb": round(peak_mb),
        **extra,
        "manifest_mb": round(size / 1e6),
        "decisions": decisions,
        "flags": flags,
        "quality": quality,
        "undervaluation_recall_by_evidence": by_evidence,
        "hs_recall_by_variant": hs_by_variant,
        "hs_on_hand_labelled_titles": hand,
        "hs_history": history_info or "none",
        "hs_on_hand_labelled_titles_history_per_chapter": hand_chapter or "no history",
        "novel_titles": novel or "no history",
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
    }
    print(
        f"screened {rows_read:,} parcels {result['mode']} in {elapsed:.1f} s = "
        f"{result['parcels_per_second']:,} parcels/s; {cpu:.0f} s of CPU; peak memory {peak_mb:.0f} MB "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    if extra:
        print(
            f"buckets {extra['buckets']} (largest {extra['largest_bucket']:,}); "
            f"tracemalloc heap peak {extra['heap_peak_mb']} MB"
        )
    print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()))
    print("decisions: " + ", ".join(f"{k} {v:,}" for k, v in decisions.items()))
    for kind in scoring.KIND_FLAG:
        q = quality[kind]
        assert isinstance(q, dict)
        print(
            f"  {kind:<12} planted {q['planted']:>7,}  caught {q['caught']:>7,}  precision {q['precision']:.3f}  "
            f"recall {q['recall']:.3f}  false flags on ordinary parcels {q['false_flags']:>6,} "
            f"({100 * q['false_flag_rate']:.3f}%)"
        )
    o = quality["ordinary"]
    assert isinstance(o, dict)
    print(
        f"  ordinary parcels {o['parcels']:,}: flagged for a risk {100 * o['false_flag_rate']:.3f}%, "
        f"over de minimis {100 * o['over_de_minimis_rate']:.2f}%, not released {100 * o['not_released_rate']:.2f}%"
    )
    print(f"  undervaluation recall by evidence: {by_evidence}")
    print(f"  HS recall by planted variant: {hs_by_variant}")
    print(f"  HS check on the 198 hand-labelled titles: {hand}")
    if hand_chapter:
        print(f"  the same, the history judging per chapter: {hand_chapter}")
    if novel:
        nq = novel["quality"]
        assert isinstance(nq, dict)
        print(
            f"  novel titles (not in the history): {novel['parcels']:,} parcels; hs precision "
            f"{nq['hs']['precision']:.3f} recall {nq['hs']['recall']:.3f}; ordinary flagged for a risk "
            f"{100 * nq['ordinary']['false_flag_rate']:.3f}%, hs false flags {100 * nq['hs']['false_flag_rate']:.3f}%; "
            f"by variant {novel['hs_recall_by_variant']}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ecommerce.json").write_text(json.dumps(result, indent=2))
    print(f"wrote {RESULTS / 'ecommerce.json'}")


def _hand_labels(
    shared: Path, advisor: object, overrides: dict[str, float], history: object = None
) -> dict[str, object]:
    """The HS check on hand-labelled titles: declared at their label (every flag is false), and planted."""
    import numpy as np
    import polars as pl

    from clearway.ecommerce import config, hs_check, hs_history, matching
    from clearway.ecommerce.evaluation import marketplace, planting

    assert isinstance(advisor, hs_check.Advisor)
    planting.set_nomenclature(shared)
    labels = pl.read_csv(RESULTS.parent / "data" / "hs_marketplace_labels.csv", schema_overrides={"hs6": pl.String})
    listed = marketplace.load_listings(shared).select("listing_id", category_hs="hs")
    labels = labels.join(listed, on="listing_id", how="left")
    rng = np.random.default_rng(3)
    rows = [(f"L{i}", t, h, "label") for i, (t, h) in enumerate(labels.select("title", "hs6").iter_rows())]
    # The same titles declared at the code the benchmark's ordinary parcels carry (the category tables): a flag
    # there is counted false by the benchmark; where that code's chapter is not the label's, the flag is right.
    for i, (t, h, c) in enumerate(labels.select("title", "hs6", "category_hs").iter_rows()):
        if c is not None:
            rows.append((f"C{i}", t, c, "category_code" if c[:2] == h[:2] else "category_code_wrong_chapter"))
    for v in planting.HS_VARIANTS:
        for i, (t, h) in enumerate(labels.select("title", "hs6").iter_rows()):
            code = planting.implausible_code(v, t, h, rng)
            if code is not None:
                rows.append((f"{v}{i}", t, code, v))
    df = pl.DataFrame(rows, schema=["parcel_id", "title", "hs6", "variant"], orient="row").with_columns(
        desc_norm=pl.col("title").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
    )
    df = df.join(matching.title_chapters(df["desc_norm"]), on="desc_norm", how="left")
    flagged = hs_check.implausible(df, config.for_country("PE", **overrides), advisor, "why", history)  # type: ignore[arg-type]
    df = df.join(flagged, on="parcel_id", how="left")
    out: dict[str, object] = {}
    for v, n, k in (
        df.group_by("variant").agg(n=pl.len(), k=pl.col("why").is_not_null().sum()).sort("variant").iter_rows()
    ):
        out[str(v)] = {"titles": int(n), "flagged": int(k), "share": round(int(k) / max(1, int(n)), 4)}
    if isinstance(history, hs_history.HsHistory):
        # the titles declared at their label, apart by whether the very title is in the history
        seen = df.filter(pl.col("variant") == "label").with_columns(
            seen=pl.col("desc_norm").is_in(list(history.title_set))
        )
        for flag, n, k in seen.group_by("seen").agg(n=pl.len(), k=pl.col("why").is_not_null().sum()).iter_rows():
            name = "label_title_in_history" if flag else "label_title_novel"
            out[name] = {"titles": int(n), "flagged": int(k), "share": round(int(k) / max(1, int(n)), 4)}
    # Precision at the benchmark's prevalence (0.3 % of parcels planted), from the hand-labelled shares: the
    # recall over the planted variants and the false-flag share of the titles declared at their label.
    planted = [out[v] for v in planting.HS_VARIANTS if v in out]
    recall = sum(int(p["flagged"]) for p in planted) / max(1, sum(int(p["titles"]) for p in planted))  # type: ignore[call-overload]
    false_share = float(out["label"]["share"]) if "label" in out else 0.0  # type: ignore[index]
    prevalence = planting.PLANT_SHARE["hs"]
    out["summary"] = {
        "recall_planted": round(recall, 4),
        "false_flag_share_at_label": round(false_share, 4),
        # With no false flag among n titles, the share is below 3/n at 95 % (the rule of three): 200 titles
        # cannot tell a false-flag rate of 0.1 % from one of 1 %.
        "false_flag_share_upper_95": round(max(false_share, 3 / max(1, int(out.get("label", {}).get("titles", 1)))), 4),  # type: ignore[call-overload, attr-defined]
        "precision_at_benchmark_prevalence": round(
            recall * prevalence / max(1e-12, recall * prevalence + false_share * (1 - prevalence)), 3
        ),
    }
    return out


if __name__ == "__main__":
    main()
