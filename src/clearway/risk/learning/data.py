"""Reading history files (CSV or Parquet) through a mapping into the canonical frame the models use."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearway.core.issues import DomainError
from clearway.risk.learning.mapping import NUMBER_FIELDS, TEXT_FIELDS, Mapping

if TYPE_CHECKING:
    import pandas as pd

ID, DATE, FRAUD, CRITICAL, PROPENSITY = "id", "date", "fraud", "critical", "propensity"


def _read(path: Path, columns: list[str], optional: Sequence[str] = ()) -> pd.DataFrame:
    """Reads the named columns of a file; an ``optional`` column it lacks comes back empty (unknown)."""
    import pandas as pd

    if not path.is_file():
        raise DomainError(f"input file {path} does not exist", code="INPUT_NOT_FOUND")
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            present = set(pq.read_schema(path).names)
            frame = pd.read_parquet(path, columns=[c for c in columns if c in present])
        else:
            header = pd.read_csv(path, nrows=0)
            frame = pd.read_csv(
                path,
                usecols=[c for c in columns if c in header.columns],
                dtype=str,
                keep_default_na=False,
            )
    except (ValueError, OSError) as exc:
        raise DomainError(f"cannot read {path}: {exc}", code="INPUT_UNREADABLE") from None
    for col in optional:
        if col in columns and col not in frame.columns:
            frame[col] = ""
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise DomainError(f"{path.name} lacks column(s) {', '.join(absent)} named in the mapping", code="INPUT_COLUMNS")
    return frame[columns]


def import_files(paths: Sequence[Path], mapping: Mapping, out: Path) -> dict[str, object]:
    """Checks history files against a mapping and stores their mapped columns as one Parquet file."""
    import pandas as pd

    frames = []
    for p in paths:
        labelled = mapping.fraud and mapping.fraud in _header(Path(p))
        columns = mapping.feature_columns() + (mapping.label_columns() if labelled else [])
        frames.append(_read(Path(p), columns))
    if not frames:
        raise DomainError("give at least one --input file", code="INPUT_NOT_FOUND")
    frame = pd.concat(frames, ignore_index=True)
    labelled = all(c in frame.columns for c in mapping.label_columns()) and bool(mapping.fraud)
    checked = canonical(frame[frame[mapping.fraud].astype(str) != ""] if labelled else frame, mapping, labels=labelled)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.astype(str).to_parquet(out, index=False)
    summary: dict[str, object] = {
        "rows": len(frame),
        "from": checked[DATE].min().date().isoformat(),
        "to": checked[DATE].max().date().isoformat(),
        "labelled": len(checked) if labelled else 0,
    }
    if labelled:
        summary["fraud_rate"] = float(checked[FRAUD].mean())
    return summary


def _header(path: Path) -> list[str]:
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    try:
        return list(pd.read_csv(path, nrows=0).columns)
    except (ValueError, OSError) as exc:
        raise DomainError(f"cannot read {path}: {exc}", code="INPUT_UNREADABLE") from None


def read(paths: Sequence[Path], mapping: Mapping, *, labels: bool, unlabelled: bool = False) -> pd.DataFrame:
    """Reads files into one canonical frame; label columns are read only when ``labels`` is true.

    With ``unlabelled`` the rows whose label is empty (never inspected) are kept, their ``fraud`` NaN — to be
    learned from as unlabelled, never as clean; otherwise they are left out. A mapping's ``propensity``
    column (the recorded chance each row had of being inspected) becomes the ``propensity`` column.
    """
    import pandas as pd

    columns = mapping.feature_columns() + (mapping.label_columns() if labels else [])
    if labels and mapping.propensity:
        columns.append(mapping.propensity)
    if labels and not mapping.fraud:
        raise DomainError(f"mapping '{mapping.name}' names no label column; it cannot train", code="MAPPING_NO_LABEL")
    # The recorded propensity is optional: an export written before selections were recorded has none (its
    # labelled rows then count without correction), and files may mix both.
    optional = [mapping.propensity] if labels and mapping.propensity else []
    frames = [_read(Path(p), columns, optional) for p in paths]
    if not frames:
        raise DomainError("give at least one --input file", code="INPUT_NOT_FOUND")
    frame = pd.concat(frames, ignore_index=True)
    if labels and not unlabelled:
        # Declarations never controlled have no label: left out unless the caller learns from them as unlabelled.
        frame = frame[frame[mapping.fraud].astype(str).str.strip() != ""]
    return canonical(frame, mapping, labels=labels)


def canonical(src: pd.DataFrame, mapping: Mapping, *, labels: bool) -> pd.DataFrame:
    """Renames and types the mapped columns: text as str, figures as float, the date as UTC timestamp."""
    import numpy as np
    import pandas as pd

    n = len(src)
    out: dict[str, Any] = {ID: src[mapping.id].astype(str).to_numpy()}
    fmt = None if mapping.date_format == "ISO8601" else mapping.date_format
    dates = pd.to_datetime(src[mapping.date].astype(str), format=fmt or "ISO8601", errors="coerce", utc=True)
    if dates.isna().any():
        bad = int(dates.isna().sum())
        raise DomainError(f"{bad} row(s) have a date that is not in format {mapping.date_format}", code="INPUT_DATE")
    out[DATE] = dates.reset_index(drop=True)
    for name in TEXT_FIELDS:
        col = mapping.fields.get(name, "")
        text = src[col].astype(str).to_numpy(dtype=object) if col else np.full(n, "", dtype=object)
        out[name] = np.where((text == "nan") | (text == "None"), "", text)
    for name in NUMBER_FIELDS:
        col = mapping.fields.get(name, "")
        out[name] = _number(src[col]).to_numpy() if col else np.zeros(n)
    for col in mapping.categorical:
        out[f"cat__{safe_name(col)}"] = src[col].astype(str).to_numpy(dtype=object)
    for col in mapping.numeric:
        out[f"num__{safe_name(col)}"] = _number(src[col]).to_numpy()
    if labels:
        raw = src[mapping.fraud].astype(str).str.strip()
        fraud = _number(src[mapping.fraud]).fillna(0).clip(0, 1)
        if (raw == "").any():
            # Never inspected: unknown, not clean.
            out[FRAUD] = fraud.where(raw != "").to_numpy(dtype=float)
        else:
            out[FRAUD] = fraud.astype(np.int8).to_numpy()
        if mapping.propensity and mapping.propensity in src.columns:
            out[PROPENSITY] = _number(src[mapping.propensity]).to_numpy()
        if mapping.critical:
            out[CRITICAL] = (_number(src[mapping.critical]) == mapping.critical_value).astype(np.int8).to_numpy()
        else:
            out[CRITICAL] = np.zeros(n, dtype=np.int8)
    return pd.DataFrame(out)


def safe_name(column: str) -> str:
    """Returns a source column name usable as a model feature name (letters, digits, underscores)."""
    return re.sub(r"[^0-9A-Za-z]+", "_", column).strip("_").lower()


def _number(col: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(col, errors="coerce").astype(float)
