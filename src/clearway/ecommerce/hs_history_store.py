"""Where the classification history comes from: a CSV of past parcels (title or description, HS code, optionally
how many parcels) an administration loads, validated, bounded and audited; read back as the HS check's model.

``clearway ecommerce history load FILE.csv`` and ``POST /api/v1/ecommerce/hs-history`` (supervisors and
administrators) add the file's parcels to the stored counts (``store.hs_history``); ``clear`` removes them.
Screening (stored and streaming) reads the model through :func:`current`, rebuilt only when the stored counts
change; with nothing loaded it returns None and screening behaves as without a history.

Officers feed it too: an HS code an officer verified on a parcel review (``review.decide``) adds that parcel's
title under the verified code (:func:`verify`), once per parcel — a second review of the parcel with another
code moves its one parcel to the new code — unless ``CLEARWAY_ECOMMERCE_HISTORY_FROM_REVIEWS`` is off.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import polars as pl
from sqlalchemy import BigInteger, cast, delete, func, select, update

from clearway.core.issues import Issue, ValidationFailed
from clearway.ecommerce import hs_history, store
from clearway.platform import audit
from clearway.platform.db import UnitOfWork
from clearway.reference import service as reference

MAX_BYTES = 256 * 1024 * 1024
MAX_ROWS = 2_000_000
# (title, HS6) pairs the stored history may hold: the model's memory follows them (about 13 KB a pair at worst,
# distinct random titles; the benchmark's 6,910 pairs build in 0.3 s)
MAX_PAIRS = 300_000
MAX_PARCELS_A_ROW = 1_000_000
MAX_ISSUES = 200  # row problems reported (all are counted)
TITLE_LIMIT = 300
LOADERS = ("supervisor", "admin", audit.CLI_ROLE)
_HS = re.compile(r"^\d{6}(\d{2}){0,2}$")
_HS6 = re.compile(r"[0-9]{6}")
REVIEW_SOURCE = "officer review"
_CACHE_KEY = "ecommerce.hs_history"


@dataclass
class HistoryLoad:
    """What loading a history file did: rows read, rows kept, (title, HS6) pairs, rows refused (some listed)."""

    rows: int
    loaded: int
    pairs: int
    rejected: int
    issues: list[Issue]
    total_parcels: int = 0


def _refuse(code: str, message: str) -> ValidationFailed:
    return ValidationFailed([Issue(code, message, "")])


def load_csv(uow: UnitOfWork, path: Path, *, actor: str, role: str, source: str = "", reason: str = "") -> HistoryLoad:
    """Loads a history CSV file (see :func:`load_stream`)."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _refuse("FILE_TOO_LARGE", f"the history file is {size:,} bytes; at most {MAX_BYTES:,}")
    with path.open("rb") as f:
        return load_stream(uow, f, actor=actor, role=role, source=source or path.name, reason=reason)


def load_stream(
    uow: UnitOfWork, stream: IO[bytes], *, actor: str, role: str, source: str, reason: str = ""
) -> HistoryLoad:
    """Adds the past parcels of a CSV (``title`` or ``description``, ``hs_code``, optional ``parcels``) to the
    stored history, in the caller's transaction, with an audit entry. Rows without a title or with an HS code
    that is not 6, 8 or 10 digits are refused and reported; the rest are kept. A file that is too large, has too
    many rows, lacks the columns, keeps no row or would take the history over ``MAX_PAIRS`` is refused whole
    (the caller must not commit then). Only supervisors, administrators and the
    server's operator may load."""
    if role not in LOADERS:
        raise _refuse("ROLE_FORBIDDEN", f"the role '{role}' may not load a classification history")
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise _refuse("FILE_EMPTY", "the history file is empty") from None
    except csv.Error as exc:
        raise _refuse("CSV_MALFORMED", f"the header cannot be read: {exc}") from None
    title_col = next((header.index(c) for c in ("title", "description") if c in header), None)
    issues: list[Issue] = []
    if title_col is None:
        issues.append(Issue("HEADER", "the header lacks 'title' (or 'description')", "/header/title"))
    if "hs_code" not in header:
        issues.append(Issue("HEADER", "the header lacks 'hs_code'", "/header/hs_code"))
    if issues:
        raise ValidationFailed(issues)
    assert title_col is not None
    hs_col, count_col = header.index("hs_code"), header.index("parcels") if "parcels" in header else None
    titles: list[str] = []
    codes: list[str] = []
    counts: list[int] = []
    rows = rejected = 0
    line = 1
    try:
        for record in reader:
            line += 1
            if not any(cell.strip() for cell in record):
                continue
            rows += 1
            if rows > MAX_ROWS:
                raise _refuse("TOO_MANY_ROWS", f"at most {MAX_ROWS:,} rows per history file")
            problem = _row_problem(record, len(header), title_col, hs_col, count_col)
            if problem is not None:
                rejected += 1
                if len(issues) < MAX_ISSUES:
                    issues.append(Issue(problem[0], f"line {line}: {problem[1]}", f"/{line}"))
                continue
            titles.append(record[title_col][: TITLE_LIMIT * 2])
            codes.append(re.sub(r"[.\s]", "", record[hs_col])[:6])
            counts.append(int(record[count_col]) if count_col is not None and record[count_col].strip() else 1)
    except csv.Error as exc:
        raise _refuse("CSV_MALFORMED", f"line {line}: {exc}") from None
    frame = pl.DataFrame(
        {"title": titles, "hs6": codes, "parcels": counts},
        schema={"title": pl.String, "hs6": pl.String, "parcels": pl.Int64},
    )
    pairs = (
        frame.with_columns(desc_norm=hs_history.normalise(pl.col("title")).str.slice(0, TITLE_LIMIT))
        .filter(pl.col("desc_norm") != "")
        .group_by("desc_norm", "hs6")
        .agg(pl.col("parcels").sum())
    )
    if pairs.is_empty():
        raise ValidationFailed(
            [Issue("NOTHING_LOADED", "no row of the history file could be kept", ""), *issues[: MAX_ISSUES - 1]]
        )
    now = uow.clock()
    source = (source or "upload")[:100]
    batch: list[dict[str, Any]] = []
    for d, h, n in pairs.iter_rows():
        batch.append({"desc_norm": d, "hs6": h, "parcels": int(n), "source": source, "loaded_at": now})
        if len(batch) >= 5000:
            store.add_hs_history(uow.conn, batch)
            batch = []
    store.add_hs_history(uow.conn, batch)
    held = summary(uow)
    if held["pairs"] > MAX_PAIRS:  # raised before the caller commits: nothing of this file is kept
        raise _refuse(
            "HISTORY_TOO_LARGE",
            f"the history would hold {held['pairs']:,} titles and codes; at most {MAX_PAIRS:,} (clear it or load less)",
        )
    report = HistoryLoad(rows, rows - rejected, pairs.height, rejected, issues, held["parcels"])
    audit.record(
        uow,
        actor=actor,
        role=role,
        action="ecommerce.hs_history.load",
        target=f"hs_history:{source}",
        after={"rows": rows, "loaded": report.loaded, "pairs": report.pairs, "rejected": rejected},
        reason=reason,
    )
    return report


def _row_problem(
    record: list[str], width: int, title_col: int, hs_col: int, count_col: int | None
) -> tuple[str, str] | None:
    if len(record) != width:
        return "ROW_MALFORMED", f"{len(record)} fields where the header has {width}"
    if not re.search(r"[^\W_]", record[title_col]):
        return "TITLE_REQUIRED", "the title has no letters or digits"
    code = re.sub(r"[.\s]", "", record[hs_col])
    if not _HS.match(code):
        return "HS_INVALID", f"'{record[hs_col][:20]}' is not a 6, 8 or 10 digit HS code"
    if count_col is not None and record[count_col].strip():
        raw = record[count_col].strip()
        if not raw.isdigit() or not 0 < int(raw) <= MAX_PARCELS_A_ROW:
            return "PARCELS_INVALID", f"parcels '{raw[:20]}' is not a count from 1 to {MAX_PARCELS_A_ROW:,}"
    return None


def clear(uow: UnitOfWork, *, actor: str, role: str, reason: str = "") -> int:
    """Removes the whole stored history (audited); returns the (title, HS6) pairs removed."""
    if role not in LOADERS:
        raise _refuse("ROLE_FORBIDDEN", f"the role '{role}' may not clear the classification history")
    before = summary(uow)
    uow.conn.execute(delete(store.hs_history))
    uow.conn.execute(delete(store.hs_history_reviews))  # a parcel reviewed again after a clear counts again
    audit.record(
        uow,
        actor=actor,
        role=role,
        action="ecommerce.hs_history.clear",
        target="hs_history",
        before=before,
        reason=reason,
    )
    return int(before["pairs"])


def summary(uow: UnitOfWork) -> dict[str, Any]:
    """Returns the stored history's size: (title, HS6) pairs, parcels, last loaded."""
    h = store.hs_history
    pairs, parcels, last = uow.conn.execute(
        select(func.count(), func.coalesce(func.sum(h.c.parcels), 0), func.max(h.c.loaded_at))
    ).one()
    return {"pairs": int(pairs), "parcels": int(parcels), "loaded_at": last}


def current(uow: UnitOfWork, caches: dict[str, Any] | None) -> hs_history.HsHistory | None:
    """Returns the model of the stored history (kept in the runtime's caches until the counts change), or None
    when none is loaded."""
    version = _version(uow)
    if version[0] == 0:
        return None
    held = caches.get(_CACHE_KEY) if caches is not None else None
    if held is not None and held[0] == version:
        model: hs_history.HsHistory = held[1]
        return model
    h = store.hs_history
    rows = uow.conn.execute(select(h.c.desc_norm, h.c.hs6, h.c.parcels)).all()
    frame = pl.DataFrame(
        [tuple(r) for r in rows], schema={"desc_norm": pl.String, "hs6": pl.String, "parcels": pl.Int64}, orient="row"
    )
    model = hs_history.HsHistory.build(frame)
    if caches is not None:
        caches[_CACHE_KEY] = (version, model)
    return model


def _version(uow: UnitOfWork) -> tuple[Any, ...]:
    """The stored counts' version: their size, last change and a checksum of codes, which changes when a
    reviewed parcel moves from one code to another even where pairs, parcels and time stay the same."""
    h = store.hs_history
    # hs6 is six digits by construction (``load_stream`` and ``verify`` are its only writers)
    checksum = func.coalesce(func.sum(h.c.parcels * cast(h.c.hs6, BigInteger)), 0)
    pairs, parcels, last, codes = uow.conn.execute(
        select(func.count(), func.coalesce(func.sum(h.c.parcels), 0), func.max(h.c.loaded_at), checksum)
    ).one()
    return int(pairs), int(parcels), last, int(codes)


def verified_form(code: str) -> str:
    """Returns a verified HS code stripped of surrounding blanks when it is six digits (0-9) and nothing else;
    refuses it otherwise (``HS_INVALID``): no dots, letters, national lines or chapters."""
    code = code.strip()
    if not _HS6.fullmatch(code):
        raise ValidationFailed(
            [Issue("HS_INVALID", f"'{code[:20]}' is not a 6-digit HS subheading (digits only)", "/verified_hs")]
        )
    return code


def check_verified_hs(uow: UnitOfWork, code: str) -> str:
    """Returns an officer's verified HS code as the 6-digit subheading, or refuses it: six digits and nothing
    else, and, when a nomenclature is loaded (``clearway reference load``), one of its subheadings. Without a
    nomenclature only the form is checked."""
    code = verified_form(code)
    if reference.count(uow) and not any(e.code == code for e in reference.search(uow, code)):
        raise ValidationFailed(
            [Issue("HS_UNKNOWN", f"{code} is not a subheading of the loaded nomenclature", "/verified_hs")]
        )
    return code


def verify(
    uow: UnitOfWork,
    manifest_id: str,
    parcel_id: str,
    hs6: str,
    *,
    actor: str,
    role: str,
    reason: str = "",
) -> str:
    """Adds a reviewed parcel's title under the HS code an officer verified, in the caller's transaction, audited
    (``ecommerce.hs_history.verified``); returns what happened:

    * ``added``: the parcel's title now counts one parcel under ``hs6``;
    * ``unchanged``: the parcel already counted under ``hs6`` (a parcel never counts twice);
    * ``replaced``: the parcel counted under another code, and now counts under ``hs6`` instead (the latest
      verification wins, the old code loses the parcel's one count);
    * ``no_title``: the parcel has no stored title (screened before titles were kept): nothing to add;
    * ``full``: the history holds ``MAX_PAIRS`` pairs and this would add one: nothing added.

    The caller checks the role, the parcel and the code (``check_verified_hs``)."""
    p, r, h = store.parcels, store.hs_history_reviews, store.hs_history
    # the parcel's row is locked (PostgreSQL; SQLite has one writer): two reviews of a parcel count it once
    title = uow.conn.execute(
        select(p.c.desc_norm).where(p.c.manifest_id == manifest_id, p.c.parcel_id == parcel_id).with_for_update()
    ).scalar()
    if not title:
        return "no_title"
    title = str(title)[:TITLE_LIMIT]
    key = (r.c.manifest_id == manifest_id) & (r.c.parcel_id == parcel_id)
    earlier = uow.conn.execute(select(r.c.desc_norm, r.c.hs6).where(key)).first()
    if earlier is not None and earlier.hs6 == hs6 and earlier.desc_norm == title:
        return "unchanged"
    exists = uow.conn.execute(select(h.c.parcels).where(h.c.desc_norm == title, h.c.hs6 == hs6)).first()
    if exists is None and summary(uow)["pairs"] >= MAX_PAIRS:
        return "full"
    now = uow.clock()
    if earlier is not None:  # the parcel's one count leaves its old code
        old = (h.c.desc_norm == earlier.desc_norm) & (h.c.hs6 == earlier.hs6)
        uow.conn.execute(delete(h).where(old, h.c.parcels <= 1))
        uow.conn.execute(update(h).where(old).values(parcels=h.c.parcels - 1, loaded_at=now))
    store.add_hs_history(
        uow.conn, [{"desc_norm": title, "hs6": hs6, "parcels": 1, "source": REVIEW_SOURCE, "loaded_at": now}]
    )
    row = {
        "manifest_id": manifest_id,
        "parcel_id": parcel_id,
        "desc_norm": title,
        "hs6": hs6,
        "officer": actor[:100],
        "recorded_at": now,
    }
    store.upsert(uow.conn, r, [row], ["manifest_id", "parcel_id"])
    audit.record(
        uow,
        actor=actor,
        role=role,
        action="ecommerce.hs_history.verified",
        target=f"parcel:{manifest_id}/{parcel_id}",
        before={"hs6": earlier.hs6} if earlier is not None else None,
        after={"title": title, "hs6": hs6, "heading": hs6[:4]},
        reason=reason,
    )
    return "replaced" if earlier is not None else "added"
