"""Streaming manifest intake: CSV or JSON lines read in chunks, each row typed or rejected with reasons.

Accepted rows are written chunk by chunk to Parquet parts in a work folder, so a manifest of any size
is never held in memory as text; screening then scans those parts.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import polars as pl
import pyarrow as pa

from clearway.core.issues import Issue, ValidationFailed
from clearway.ecommerce import quality
from clearway.ecommerce.model import MANIFEST_COLUMNS, ScreeningConfig

COLUMNS = MANIFEST_COLUMNS
REQUIRED_COLUMNS = ("parcel_id", "declared_value", "currency")
CHUNK_ROWS = 100_000
BLOCK_BYTES = 16 * 1024 * 1024
MAX_RECORD_BYTES = 64 * 1024 * 1024  # one record (a row, with its quoted line breaks) can be no longer
MAX_REJECT_DETAIL = 100_000  # rejected rows kept with their reasons; beyond that only counted
Progress = Callable[[int], None]


@dataclass
class Rejected:
    """A manifest row that could not be screened, and why."""

    line: int
    parcel_id: str | None
    codes: str
    message: str


@dataclass
class IngestResult:
    """What intake produced: Parquet parts of accepted rows and the rejected rows with reasons."""

    parts: list[Path] = field(default_factory=list)
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    rejects: list[Rejected] = field(default_factory=list)

    def reject(self, item: Rejected) -> None:
        """Counts a rejected row and keeps its detail while under the limit."""
        self.rejected += 1
        if len(self.rejects) < MAX_REJECT_DETAIL:
            self.rejects.append(item)


def detect_format(name: str, head: bytes) -> str:
    """Tells whether a manifest is 'jsonl' or 'csv' from its name, else from its first byte."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    return "jsonl" if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "csv"


class _Counter:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.pending = 0

    def flush(self) -> None:
        if self.progress is not None and self.pending:
            self.progress(self.pending)
        self.pending = 0


RowItem = tuple[int, list[str | None] | None, str | None]


def _header(names_row: list[str]) -> list[str]:
    names: list[str] = []
    for h in names_row:
        name = h.strip().lstrip("\ufeff").lower()
        names.append(name if name not in names else f"{name}#{len(names)}")  # a repeated column is kept aside
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ValidationFailed(
            [Issue("MANIFEST_HEADER", f"the header lacks the column '{c}'", f"/header/{c}") for c in missing]
        )
    return names


def _blocks(stream: IO[bytes], block_bytes: int, *, quoted: bool = True) -> Iterator[bytes]:
    """Yields pieces of the file that end at a record boundary (a newline outside quotes)."""
    pending = b""
    lines = 0
    while True:
        data = stream.read(block_bytes)
        if not data:
            if pending:
                yield pending
            return
        pending += data

        cut = pending.rfind(b"\n")
        while quoted and cut >= 0 and pending.count(b'"', 0, cut) % 2:
            cut = pending.rfind(b"\n", 0, cut)
        if cut < 0 and len(pending) > MAX_RECORD_BYTES:
            message = f"line {lines + 1} runs over {MAX_RECORD_BYTES:,} bytes without ending (an unclosed quote?)"
            raise ValidationFailed([Issue("ROW_TOO_LONG", message, f"/{lines + 1}")])
        if cut >= 0:
            lines += pending.count(b"\n", 0, cut + 1)
            yield pending[: cut + 1]
            pending = pending[cut + 1 :]


def _lines(block: bytes) -> pl.Series:
    """The lines of a block as a Polars series, split natively (a Python list of a block's lines costs more)."""
    if b"\x1f" not in block:
        try:
            return pl.read_csv(
                block,
                has_header=False,
                separator="\x1f",
                quote_char=None,
                schema={"line": pl.String},
                empty_string_is_null=False,
                encoding="utf8-lossy",
            )["line"]
        except (pl.exceptions.PolarsError, ValueError):
            pass
    text = block.decode("utf-8", "replace")
    return pl.Series(text[:-1].split("\n") if text.endswith("\n") else text.split("\n"))


def _fast_parse(block: bytes, names: list[str]) -> pl.DataFrame | None:
    """Parses a block with Polars; None when any row is ragged or spans lines (then the csv module reads it)."""
    if b"\r" in block:
        return None
    try:
        frame = pl.read_csv(
            block,
            has_header=False,
            schema=dict.fromkeys((f"c{i}" for i in range(len(names))), pl.String),
            truncate_ragged_lines=False,
            empty_string_is_null=False,
            encoding="utf8-lossy",
            quote_char='"',
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    count = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
    if frame.height != count:
        return None  # a quoted line break, or a blank line
    lines = _lines(block)
    if lines.len() != count:
        return None
    # Polars pads short rows; count the separators outside quotes to find any row of another width.
    separators = lines.str.replace_all(r'"[^"]*"', "").str.count_matches(",", literal=True)
    if (separators != len(names) - 1).any():
        return None
    return frame


def _ingest_csv(
    stream: IO[bytes], work_dir: Path, cfg: ScreeningConfig, result: IngestResult, counter: _Counter, chunk_rows: int
) -> None:
    first = True
    names: list[str] = []
    line = 0
    for block in _blocks(stream, BLOCK_BYTES):
        counter.pending += len(block)
        if first:
            first = False
            end = block.find(b"\n")
            head = block[: end + 1] if end >= 0 else block
            try:
                names = _header(next(csv.reader([head.decode("utf-8", "replace")])))
            except (StopIteration, csv.Error):
                raise ValidationFailed([Issue("MANIFEST_EMPTY", "the manifest has no header row", "")]) from None
            line = 1
            block = block[len(head) :]
        if not block.strip():
            line += block.count(b"\n")
            continue
        frame = _fast_parse(block, names)
        if frame is not None:
            result.rows_read += frame.height
            lines = pl.int_range(line + 1, line + 1 + frame.height, eager=True)
            frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
            for start in range(0, frame.height, chunk_rows):
                piece = frame.slice(start, chunk_rows)
                _flush_frame(piece, lines.slice(start, chunk_rows), work_dir, cfg, result)
        else:
            _slow_block(block, line, names, work_dir, cfg, result, chunk_rows)
        line += block.count(b"\n")
        counter.flush()
    if first:
        raise ValidationFailed([Issue("MANIFEST_EMPTY", "the manifest has no header row", "")])


def _slow_block(
    block: bytes,
    offset: int,
    names: list[str],
    work_dir: Path,
    cfg: ScreeningConfig,
    result: IngestResult,
    chunk_rows: int,
) -> None:
    """Reads a block row by row with the csv module, rejecting each row that cannot be read."""
    reader = csv.reader(io.StringIO(block.decode("utf-8", "replace"), newline=""))
    width = len(names)
    lines: list[int] = []
    batch: list[list[str]] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.rows_read += 1
            message = f"the row cannot be read as CSV: {exc}"
            result.reject(Rejected(offset + reader.line_num, None, "ROW_MALFORMED", message))
            continue
        if len(row) != width:
            if not row:
                continue
            result.rows_read += 1
            message = f"the row has {len(row)} fields; the header has {width}"
            result.reject(Rejected(offset + reader.line_num, None, "ROW_MALFORMED", message))
            continue
        result.rows_read += 1
        lines.append(offset + reader.line_num)
        batch.append(row)
        if len(batch) >= chunk_rows:
            _flush(names, lines, batch, work_dir, cfg, result)
            lines, batch = [], []
    if batch:
        _flush(names, lines, batch, work_dir, cfg, result)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _json_rows(stream: IO[bytes]) -> Iterator[RowItem]:
    for number, raw in enumerate(stream, start=1):
        text = raw.strip()
        if not text:
            continue
        try:
            obj = json.loads(text, parse_float=str, parse_int=str)
        except (ValueError, RecursionError):
            yield number, None, "the line is not valid JSON"
            continue
        if not isinstance(obj, dict):
            yield number, None, "the line is not a JSON object"
            continue
        yield number, [_as_text(obj.get(c)) for c in COLUMNS], None


def ingest(
    stream: IO[bytes],
    fmt: str,
    work_dir: Path,
    cfg: ScreeningConfig,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestResult:
    """Reads a manifest in chunks, writes typed accepted rows to Parquet parts and reports the rejects."""
    counter = _Counter(progress)
    result = IngestResult()
    if fmt != "jsonl":
        _ingest_csv(stream, work_dir, cfg, result, counter, chunk_rows)
        return result
    line = 0
    for block in _blocks(stream, BLOCK_BYTES, quoted=False):
        counter.pending += len(block)
        count = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        frame = _fast_json(block, count)
        if frame is not None:
            lines = pl.int_range(line + 1, line + 1 + frame.height, eager=True)
            result.rows_read += frame.height
            for start in range(0, frame.height, chunk_rows):
                piece = frame.slice(start, chunk_rows)
                _flush_frame(piece, lines.slice(start, chunk_rows), work_dir, cfg, result)
        else:
            _slow_json(block, line, work_dir, cfg, result, chunk_rows)
        line += count
        counter.flush()
    return result


def _fast_json(block: bytes, count: int) -> pl.DataFrame | None:
    """Parses a block of JSON lines with Polars; None when a line is not a flat object (then read line by line)."""
    if b"\n\n" in block or block.startswith(b"\n") or b"\r" in block:
        return None
    try:
        frame = pl.read_ndjson(io.BytesIO(block), infer_schema_length=None)
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if frame.height != count:
        return None
    wanted = [c for c in COLUMNS if c in frame.columns]
    if any(frame.schema[c].is_nested() for c in wanted):
        return None
    return frame.select(pl.col(c).cast(pl.String) for c in wanted)


def _slow_json(
    block: bytes, offset: int, work_dir: Path, cfg: ScreeningConfig, result: IngestResult, chunk_rows: int
) -> None:
    """Reads a block of JSON lines one by one, rejecting each line that is not a JSON object."""
    lines: list[int] = []
    batch: list[list[str | None]] = []
    for number, row, error in _json_rows(io.BytesIO(block)):
        result.rows_read += 1
        if row is None:
            result.reject(Rejected(offset + number, None, "ROW_MALFORMED", error or "the row cannot be read"))
            continue
        lines.append(offset + number)
        batch.append(row)
        if len(batch) >= chunk_rows:
            _flush(list(COLUMNS), lines, batch, work_dir, cfg, result)
            lines, batch = [], []
    if batch:
        _flush(list(COLUMNS), lines, batch, work_dir, cfg, result)


def _flush(
    names: list[str],
    lines: list[int],
    batch: Sequence[Sequence[str | None]],
    work_dir: Path,
    cfg: ScreeningConfig,
    result: IngestResult,
) -> None:
    columns = list(zip(*batch, strict=True))
    index = {name: i for i, name in reversed(list(enumerate(names)))}
    arrays = {"line": pa.array(lines, type=pa.int64())}
    for c in COLUMNS:
        i = index.get(c)
        arrays[c] = (
            pa.array(columns[i], type=pa.large_string()) if i is not None else pa.nulls(len(lines), pa.large_string())
        )
    raw = pl.from_arrow(pa.table(arrays))
    assert isinstance(raw, pl.DataFrame)
    _write(raw, work_dir, cfg, result)


def _flush_frame(
    frame: pl.DataFrame, lines: pl.Series, work_dir: Path, cfg: ScreeningConfig, result: IngestResult
) -> None:
    """Writes a block parsed by Polars (text columns named as in the header)."""
    present = set(frame.columns)
    raw = frame.select(
        lines.cast(pl.Int64).alias("line"),
        *(pl.col(c) if c in present else pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS),
    )
    _write(raw, work_dir, cfg, result)


def _write(raw: pl.DataFrame, work_dir: Path, cfg: ScreeningConfig, result: IngestResult) -> None:
    typed = quality.type_chunk(raw, cfg)
    bad = typed.filter(pl.col("reject_codes") != "")
    for line, parcel_id, codes, text in bad.select("line", "parcel_id", "reject_codes", "reject_text").iter_rows():
        result.reject(Rejected(line, parcel_id, codes, text))
    good = typed.filter(pl.col("reject_codes") == "").drop("reject_codes", "reject_text")
    if good.height:
        path = work_dir / f"part-{len(result.parts):05d}.parquet"
        good.write_parquet(path, compression="lz4")
        result.parts.append(path)
        result.accepted += good.height
    if result.accepted > cfg.max_parcels:
        message = (
            f"the manifest has more than {cfg.max_parcels:,} parcels, more than one screening run holds; "
            "split it by day or by master waybill"
        )
        raise ValidationFailed([Issue("MANIFEST_TOO_LARGE", message, "")])
