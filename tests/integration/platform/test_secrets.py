"""Production refuses weak secret keys; ``clearway ledger keys rewrap`` moves signing keys to a new secret."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from typer.testing import CliRunner

from clearway.ledger import cli as ledger_cli
from clearway.ledger import keys, store
from clearway.platform import audit, cli_support
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from tests.integration.ledger.conftest import Orgs
from tests.integration.ledger.conftest import orgs as orgs


@pytest.mark.parametrize(
    "weak",
    ["", "a", "CHANGETHIS", "changethis", "x" * 64, "0123456789abcdef" * 2, "correct horse battery staple", "Ab1" * 30],
)
def test_production_refuses_a_weak_secret_key(weak: str) -> None:
    with pytest.raises(ValidationError, match="CLEARWAY_SECRET_KEY is refused in production"):
        Settings(env="production", secret_key=weak)


@pytest.mark.parametrize(
    "make", [lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(32)], ids=["urlsafe", "hex"]
)
def test_production_takes_32_random_bytes(make: Any) -> None:
    strong = make()
    assert Settings(env="production", secret_key=strong).secret_key == strong


def test_rewrap_moves_every_signing_key_to_the_new_secret(runtime: Runtime, orgs: Orgs, tmp_path: Path) -> None:
    old = runtime.settings.secret_key
    new = secrets.token_urlsafe(32)
    (tmp_path / "old").write_text(old + "\n")
    with runtime.uow(readonly=True) as uow:
        before = uow.conn.execute(select(store.keys.c.kid, store.keys.c.private_key)).all()
    assert before
    runtime.settings.secret_key = new
    cli_support.set_runtime_factory_result(runtime)
    wrong = tmp_path / "wrong"
    wrong.write_text(secrets.token_urlsafe(32))
    refused = CliRunner().invoke(ledger_cli.app, ["keys", "rewrap", "--old-secret-file", str(wrong)])
    assert refused.exit_code == 1 and "OLD_SECRET_WRONG" in refused.output
    result = CliRunner().invoke(
        ledger_cli.app, ["keys", "rewrap", "--old-secret-file", str(tmp_path / "old"), "--reason", "yearly rotation"]
    )
    assert result.exit_code == 0, result.output
    with runtime.uow(readonly=True) as uow:
        after = uow.conn.execute(select(store.keys.c.kid, store.keys.c.private_key)).all()
        entries = audit.entries(uow, action="ledger.keys.rewrap")
    for row in after:
        if row.private_key is None:
            continue
        keys.decrypt_private(new, row.kid, bytes(row.private_key))  # opens with the new secret
        with pytest.raises(Exception):  # noqa: B017 - AES-GCM refuses the old secret
            keys.decrypt_private(old, row.kid, bytes(row.private_key))
    assert len(entries) == 1 and entries[0].reason == "yearly rotation"
