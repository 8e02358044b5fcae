"""Training fixtures: a slice of the real KCS declarations (../shared/data) imported as a case bank."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clearway.platform import audit
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from clearway.training import case_banks
from tests.conftest import shared_data

ROWS = 2500
ID_COLUMNS = ("Declaration ID", "Importer ID", "Declarant ID", "Seller ID", "Courier ID")


@pytest.fixture(scope="session")
def kcs_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 2,500 real KCS declarations (2020), written to a temporary file: never copied into the project."""
    source = shared_data("kcs", "df_syn_train_eng.csv")
    out = tmp_path_factory.mktemp("kcs") / "kcs_slice.csv"
    with source.open(encoding="utf-8") as src, out.open("w", encoding="utf-8", newline="") as dst:
        for i, line in enumerate(src):
            if i > ROWS:
                break
            dst.write(line)
    return out


@pytest.fixture(scope="session")
def original_ids(kcs_slice: Path) -> set[str]:
    """Every identifier of the source rows: declarations, importers, declarants, sellers, couriers."""
    with kcs_slice.open(encoding="utf-8") as fh:
        return {row[c] for row in csv.DictReader(fh) for c in ID_COLUMNS if row[c]}


@pytest.fixture
def bank(runtime: Runtime, kcs_slice: Path) -> dict[str, object]:
    """The KCS slice imported as a bank, as the server's operator would."""
    with runtime.uow() as uow:
        record = case_banks.import_bank(
            uow,
            Principal(user="cli:test", role=audit.CLI_ROLE),
            source="kcs",
            secret=runtime.settings.secret_key,
            paths=[kcs_slice],
            trees=25,
        )
        uow.commit()
    return record
