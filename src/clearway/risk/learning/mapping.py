"""Column mappings (YAML) that turn an administration's history file into Clearway's canonical fields."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from clearway.core.issues import DomainError

# Canonical text fields every mapping may fill (a missing one is treated as empty).
TEXT_FIELDS = ("office", "declarant", "importer", "seller", "courier", "hs", "origin", "departure")
# Canonical numeric fields (a missing one is treated as 0).
NUMBER_FIELDS = ("net_mass", "value", "tax_rate")


@dataclass(frozen=True)
class Mapping:
    """Where each canonical field lives in the source file, and which columns hold the labels."""

    name: str
    id: str
    date: str
    date_format: str
    fields: dict[str, str]
    categorical: tuple[str, ...]
    numeric: tuple[str, ...]
    fraud: str
    critical: str
    critical_value: int
    # Optional: the column holding the recorded probability each row had of being inspected (its propensity).
    propensity: str = ""

    def feature_columns(self) -> list[str]:
        """Returns the source columns read when scoring (never the label columns)."""
        cols = [self.id, self.date, *(c for c in self.fields.values() if c), *self.categorical, *self.numeric]
        return list(dict.fromkeys(cols))

    def label_columns(self) -> list[str]:
        """Returns the source columns that hold the labels (read only for training and evaluation)."""
        return [c for c in (self.fraud, self.critical) if c]

    def as_dict(self) -> dict[str, Any]:
        """Returns the mapping as plain data (stored with a trained model)."""
        return {
            "name": self.name,
            "id": self.id,
            "date": self.date,
            "date_format": self.date_format,
            "fields": dict(self.fields),
            "categorical": list(self.categorical),
            "numeric": list(self.numeric),
            "labels": {
                "fraud": self.fraud,
                "critical": self.critical,
                "critical_value": self.critical_value,
                "propensity": self.propensity,
            },
        }


def shipped_names() -> list[str]:
    """Lists the mappings shipped with Clearway."""
    root = resources.files("clearway.risk.learning") / "mappings"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def load(name_or_path: str) -> Mapping:
    """Loads a shipped mapping by name, or a mapping YAML file by path."""
    if name_or_path in shipped_names():
        text = (resources.files("clearway.risk.learning") / "mappings" / f"{name_or_path}.yaml").read_text("utf-8")
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise DomainError(
                f"no mapping '{name_or_path}': give a shipped name ({', '.join(shipped_names())}) or a YAML file",
                code="MAPPING_NOT_FOUND",
            )
        text = path.read_text("utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DomainError(f"the mapping is not valid YAML: {exc}", code="MAPPING_INVALID") from None
    return from_dict(data)


def from_dict(data: Any) -> Mapping:
    """Builds a mapping from plain data, saying what is wrong when it is incomplete."""
    if not isinstance(data, dict):
        raise DomainError("a mapping is a YAML mapping with id, date and fields", code="MAPPING_INVALID")
    missing = [k for k in ("id", "date", "fields") if not data.get(k)]
    if missing:
        raise DomainError(f"the mapping lacks {', '.join(missing)}", code="MAPPING_INVALID")
    fields = data["fields"]
    if not isinstance(fields, dict):
        raise DomainError("'fields' maps canonical names to source columns", code="MAPPING_INVALID")
    unknown = sorted(set(fields) - set(TEXT_FIELDS) - set(NUMBER_FIELDS))
    if unknown:
        raise DomainError(
            f"unknown canonical field(s) {', '.join(unknown)}; known: {', '.join(TEXT_FIELDS + NUMBER_FIELDS)}",
            code="MAPPING_INVALID",
        )
    labels = data.get("labels") or {}
    return Mapping(
        name=str(data.get("name") or "custom"),
        id=str(data["id"]),
        date=str(data["date"]),
        date_format=str(data.get("date_format") or "ISO8601"),
        fields={str(k): str(v or "") for k, v in fields.items()},
        categorical=tuple(str(c) for c in data.get("categorical") or ()),
        numeric=tuple(str(c) for c in data.get("numeric") or ()),
        fraud=str(labels.get("fraud") or ""),
        critical=str(labels.get("critical") or ""),
        critical_value=int(labels.get("critical_value") or 1),
        propensity=str(labels.get("propensity") or ""),
    )
