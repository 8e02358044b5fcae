"""E-commerce screening: screen a manifest end to end (whole or streamed), store it, and record findings.

The recall list and the brand register it screens against are loaded in ``lists``."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import polars as pl
from sqlalchemy import func, select

from clearway.classification import service as classification
from clearway.core.issues import Issue, NotFound, ValidationFailed
from clearway.ecommerce import (
    config,
    decide,
    hs_check,
    hs_history,
    hs_history_store,
    ingest,
    lists,
    screening,
    store,
    stream,
)
from clearway.ecommerce.model import Flag, Outcome
from clearway.ecommerce.stream import SCREENED
from clearway.platform.db import UnitOfWork

FRAUD_FLAGS = (Flag.SPLIT_SHIPMENT, Flag.UNDERVALUATION, Flag.RECALLED_PRODUCT, Flag.IP_INFRINGEMENT)


@dataclass
class ScreenReport:
    """The per-manifest report: rows read, accepted, rejected (with reasons), outcomes and flags."""

    manifest_id: str
    country: str
    rows_read: int
    accepted: int
    rejected: int
    duplicates: int
    decisions: dict[str, int]
    flags: dict[str, int]
    rejects: list[ingest.Rejected]
    seconds: dict[str, float] = field(default_factory=dict)
    decided: pl.DataFrame | None = None

    def summary(self) -> dict[str, Any]:
        """Returns the report's figures as stored with the manifest."""
        return {"decisions": self.decisions, "flags": self.flags, "seconds": self.seconds}


# The flags of a parcel whose confirmed finding is about its declared code only (``seller_profiles``).
CLASSIFICATION_ONLY = (Flag.HS_IMPLAUSIBLE.value,)


def seller_profiles(uow: UnitOfWork, party: str | None) -> pl.DataFrame:
    """Returns the seller evidence that may weigh on a party's parcels: seller_id, heading, parcels, flagged,
    confirmed.

    Rows without a heading are the party's own history of the seller: ``parcels``/``flagged`` come from that
    party's own earlier manifests only (another party's manifests, fake or not, do not count). Rows with a
    heading count officers' ``confirmed`` findings on the seller's parcels declared under that HS heading (the
    first 4 digits of the confirmed parcel's declared code), from any party: the only evidence that crosses
    parties, and it weighs on the seller's later parcels of that heading only — a marketplace seller caught
    twice on phone cases is not thereby suspect on everything else it ships. A finding that confirms a
    classification problem alone (a parcel held for ``hs_implausible`` and nothing else) corrects the declared
    code — the declarant's choice, not the seller's conduct — and does not count against the seller.
    """
    h = store.seller_history
    own = uow.conn.execute(select(h.c.seller_id, h.c.parcels, h.c.flagged).where(h.c.party == (party or ""))).all()
    f, p = store.findings, store.parcels
    hs6 = func.substr(p.c.hs_code, 1, 6)
    confirmed = uow.conn.execute(
        select(f.c.seller_id, hs6, func.count())
        .select_from(f.join(p, (p.c.manifest_id == f.c.manifest_id) & (p.c.parcel_id == f.c.parcel_id)))
        .where(f.c.confirmed.is_(True), f.c.seller_id.is_not(None), p.c.flags.not_in(CLASSIFICATION_ONLY))
        .group_by(f.c.seller_id, hs6)
    ).all()
    a = pl.DataFrame(
        [tuple(r) for r in own], schema={"seller_id": pl.String, "parcels": pl.Int64, "flagged": pl.Int64}, orient="row"
    ).with_columns(heading=pl.lit(None, pl.String), confirmed=pl.lit(0, pl.Int64))
    b = (
        pl.DataFrame(
            [tuple(r) for r in confirmed],
            schema={"seller_id": pl.String, "hs6": pl.String, "confirmed": pl.Int64},
            orient="row",
        )
        .filter(pl.col("hs6").str.contains(r"^\d{6}$"))  # as ``screening.prepare``: no valid code, no heading
        .group_by("seller_id", heading=pl.col("hs6").str.slice(0, 4))
        .agg(pl.col("confirmed").sum())
        .with_columns(parcels=pl.lit(0, pl.Int64), flagged=pl.lit(0, pl.Int64))
    )
    return pl.concat([a, b], how="diagonal").select(list(screening.PROFILE_SCHEMA))


def record_finding(
    uow: UnitOfWork, manifest_id: str, parcel_id: str, *, confirmed: bool, officer: str, reason: str
) -> dict[str, Any]:
    """Records (or corrects) an officer's finding on a screened parcel after a check; returns it.

    A confirmed finding is evidence against the parcel's seller for every party's later parcels of the same HS
    heading (``seller_profiles``).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed([Issue("REASON_REQUIRED", "say what the check found", "/reason")])
    p = store.parcels
    row = uow.conn.execute(
        select(p.c.seller_id).where(p.c.manifest_id == manifest_id, p.c.parcel_id == parcel_id)
    ).first()
    if row is None:
        raise NotFound(f"no parcel {parcel_id} in manifest {manifest_id}", code="PARCEL_NOT_FOUND")
    finding = {
        "manifest_id": manifest_id,
        "parcel_id": parcel_id,
        "seller_id": row.seller_id,
        "confirmed": confirmed,
        "officer": officer[:100],
        "reason": reason[:1000],
        "recorded_at": uow.clock(),
    }
    store.upsert(uow.conn, store.findings, [finding], ["manifest_id", "parcel_id"])
    return finding


def screen_manifest(
    uow: UnitOfWork,
    stream: IO[bytes],
    *,
    source_name: str,
    country: str,
    submitted_by: str,
    submitter_party: str | None = None,
    fmt: str | None = None,
    progress: Callable[[int], None] | None = None,
    inspection_share: float | None = None,
    max_parcels: int | None = None,
    caches: dict[str, Any] | None = None,
) -> ScreenReport:
    """Ingests, screens, decides and stores a manifest; returns its report (with the decisions frame).

    With the runtime's ``caches``, the HS check uses the HS-suggestion service over the platform's loaded
    nomenclature (kept across manifests); without them, or with no nomenclature loaded, the lexicon alone. A
    loaded classification history (``hs_history_store``) is weighed too.
    """
    overrides: dict[str, float] = {}
    if inspection_share is not None:
        overrides["inspection_share"] = inspection_share
    if max_parcels is not None:
        overrides["max_parcels"] = max_parcels
    cfg = config.for_country(country, **overrides)
    received_at = uow.clock()
    manifest_id = str(uuid.uuid4())
    if fmt is None:
        head = b""
        if stream.seekable():
            head = stream.read(64)
            stream.seek(0)
        fmt = ingest.detect_format(source_name, head)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="clearway-manifest-") as tmp:
        result = ingest.ingest(stream, fmt, Path(tmp), cfg, progress)
        seconds["ingest"] = time.perf_counter() - clock
        parts = [str(p) for p in result.parts]
        parcels = pl.scan_parquet(parts).select(SCREENED).collect() if parts else pl.DataFrame()
    rejects = list(result.rejects)
    duplicates = 0
    if parcels.height:
        first = pl.col("line").min().over("parcel_id")
        dup = parcels.with_columns(first_line=first).filter(pl.col("line") != pl.col("first_line"))
        duplicates = dup.height
        for line, pid, first_line in dup.select("line", "parcel_id", "first_line").iter_rows():
            result.reject(
                ingest.Rejected(
                    line, pid, "PARCEL_ID_DUPLICATE", f"parcel {pid} was already given on line {first_line}"
                )
            )
        rejects = sorted(result.rejects, key=lambda r: r.line)
        parcels = parcels.with_columns(first_line=first).filter(pl.col("line") == pl.col("first_line"))
    clock = time.perf_counter()
    advisor = hs_advisor(uow, caches)
    history = hs_history_store.current(uow, caches) if parcels.height else None
    decided = _screen(uow, parcels, cfg, received_at, submitter_party, advisor, history) if parcels.height else None
    seconds["screen"] = time.perf_counter() - clock
    clock = time.perf_counter()
    counts = {o.value: 0 for o in Outcome}
    flags = {f.value: 0 for f in Flag}
    if decided is not None:
        counts.update(dict(decided.group_by("decision").len().iter_rows()))
        for f in Flag:
            flags[f.value] = int(decided[screening.why(f)].is_not_null().sum())
    report = ScreenReport(
        manifest_id,
        cfg.country,
        result.rows_read,
        result.accepted - duplicates,
        result.rejected,
        duplicates,
        counts,
        flags,
        rejects,
        seconds,
        decided,
    )
    _save(uow, report, decided, submitter_party, submitted_by, source_name, fmt, received_at)
    seconds["store"] = time.perf_counter() - clock
    return report


def hs_advisor(uow: UnitOfWork, caches: dict[str, Any] | None) -> hs_check.Advisor | None:
    """Returns the HS check's advisor over the platform's nomenclature, or None when none is loaded."""
    if caches is None:
        return None
    try:
        index = classification.index(uow, caches)
    except ValidationFailed:
        return None
    return hs_check.advisor_of(index, caches)


def screen_file_streaming(
    uow: UnitOfWork,
    source: Path,
    output: Path,
    *,
    country: str,
    submitter_party: str | None = None,
    caches: dict[str, Any] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    bucket_rows: int = stream.BUCKET_ROWS,
    inspection_share: float | None = None,
) -> stream.StreamReport:
    """Screens a manifest file of any size into a decisions CSV in constant memory (``stream``).

    The decisions are written to ``output``, not stored: a national day's file is screened where it lies
    and the decisions go back to the carrier as a file. Uses the recall list, brand register, the party's
    seller history and the day's inspection load already recorded.
    """
    overrides: dict[str, float] = {"max_parcels": 10**12}
    if inspection_share is not None:
        overrides["inspection_share"] = inspection_share
    cfg = config.for_country(country, **overrides)
    received_at = uow.clock()
    with tempfile.TemporaryDirectory(prefix="clearway-stream-") as tmp:
        return stream.screen_file(
            source,
            output,
            Path(tmp),
            cfg,
            recalls=lists.current_recalls(uow),
            brands=lists.current_brands(uow),
            profiles=seller_profiles(uow, submitter_party),
            received_at=received_at,
            advisor=hs_advisor(uow, caches),
            history=hs_history_store.current(uow, caches),
            progress=progress,
            bucket_rows=bucket_rows,
        )


def _screen(
    uow: UnitOfWork,
    parcels: pl.DataFrame,
    cfg: Any,
    received_at: datetime,
    party: str | None,
    advisor: hs_check.Advisor | None = None,
    history: hs_history.HsHistory | None = None,
) -> pl.DataFrame:
    prepared = screening.prepare(parcels, cfg, received_at)
    screened = screening.screen(
        prepared,
        cfg,
        recalls=lists.current_recalls(uow),
        brands=lists.current_brands(uow),
        profiles=seller_profiles(uow, party),
        advisor=advisor,
        history=history,
    )
    decided = decide.outcomes(screened).with_columns(day=pl.col("t").dt.date())
    days = decided["day"].unique().to_list()
    return decide.apply_capacity(decided, cfg, store.day_load(uow.conn, cfg.country, days))


def _save(
    uow: UnitOfWork,
    report: ScreenReport,
    decided: pl.DataFrame | None,
    submitter_party: str | None,
    submitted_by: str,
    source_name: str,
    fmt: str,
    received_at: datetime,
) -> None:
    conn = uow.conn
    conn.execute(
        store.manifests.insert().values(
            id=report.manifest_id,
            submitter_party=submitter_party,
            submitted_by=submitted_by[:100],
            country=report.country,
            source_name=source_name[:200],
            format=fmt,
            received_at=received_at,
            rows_read=report.rows_read,
            rows_accepted=report.accepted,
            rows_rejected=report.rejected,
            duplicates=report.duplicates,
            summary=report.summary(),
        )
    )
    store.bulk_insert(
        conn,
        store.rejects,
        store.REJECT_COLUMNS,
        (
            (report.manifest_id, r.line, (r.parcel_id or "")[:64] or None, r.codes[:200], r.message)
            for r in report.rejects
        ),
    )
    if decided is None:
        return
    sqlite = conn.dialect.name == "sqlite"
    rows = decided.select(
        pl.lit(report.manifest_id).alias("manifest_id"),
        "parcel_id",
        pl.lit(submitter_party, dtype=pl.String).alias("submitter_party"),
        pl.lit(report.country).alias("country"),
        pl.col("day").cast(pl.String) if sqlite else pl.col("day"),
        "seller_id",
        "marketplace",
        "consignee_id",
        pl.col("declared_value").cast(pl.String) if sqlite else pl.col("declared_value"),
        "currency",
        "hs_code",
        "origin_country",
        "decision",
        "flags",
        pl.col("dq_codes").str.slice(0, 300).alias("issues"),
        "score",
        "reasons",
        pl.col("desc_norm").str.slice(0, hs_history_store.TITLE_LIMIT),
    )
    # in key order, so the primary-key index grows at its end instead of splitting pages everywhere
    store.bulk_insert(conn, store.parcels, store.PARCEL_COLUMNS, rows.sort("parcel_id").iter_rows())
    fraud = pl.any_horizontal(*(pl.col(screening.why(f)).is_not_null() for f in FRAUD_FLAGS)).cast(pl.Int64)
    profile_rows: list[dict[str, Any]] = []
    for kind, col in (("seller", "seller_id"), ("marketplace", "marketplace")):
        agg = decided.filter(pl.col(col).is_not_null()).group_by(col).agg(parcels=pl.len(), flagged=fraud.sum())
        profile_rows.extend(
            {"kind": kind, "key": k, "parcels": int(n), "flagged": int(f), "updated_at": received_at}
            for k, n, f in agg.iter_rows()
        )
    for start in range(0, len(profile_rows), 5000):
        store.add_profile_counts(conn, profile_rows[start : start + 5000])
    agg = decided.filter(pl.col("seller_id").is_not_null()).group_by("seller_id").agg(n=pl.len(), f=fraud.sum())
    history = [
        {
            "party": submitter_party or "",
            "seller_id": k,
            "parcels": int(n),
            "flagged": int(f),
            "updated_at": received_at,
        }
        for k, n, f in agg.iter_rows()
    ]
    for start in range(0, len(history), 5000):
        store.add_seller_history(conn, history[start : start + 5000])


def write_decisions_csv(decided: pl.DataFrame | None, path: Path) -> None:
    """Writes one row per screened parcel: parcel_id, decision, flags, reasons."""
    if decided is None:
        decided = pl.DataFrame(schema=dict.fromkeys(("parcel_id", "decision", "flags", "reasons"), pl.String))
    decided.select("parcel_id", "decision", "flags", "reasons").write_csv(path)
