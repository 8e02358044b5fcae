"""Fixtures of the WCO DM tests: one platform per module with the real HS nomenclature."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearway import bootstrap
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import service as reference_service
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def uk_runtime(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """One SQLite runtime for all samples, with the real HS nomenclature so UK codes' subheadings exist."""
    hs = shared_data("hs", "harmonized-system.csv")
    folder = tmp_path_factory.mktemp("uk")
    shutil.copy(sqlite_template, folder / "clearway.db")
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{folder / 'clearway.db'}",
        data_dir=folder,
        secret_key="test-secret",
        selectivity_red_rate=0,
        selectivity_yellow_rate=0,
    )
    bootstrap.import_tables()
    rt = bootstrap.build_runtime(settings)
    rt.caches["platform.migrated"] = True
    with rt.uow() as uow:
        reference_service.load_hs_file(uow, hs)
        uow.commit()
    yield rt
    rt.engine.dispose()
