"""``clearway exchange``: print the identity, register a partner from its identity file, list, send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearway.cli import app
from clearway.platform.settings import get_settings


def run(monkeypatch: pytest.MonkeyPatch, tmp: Path, country: str, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("CLEARWAY_DATA_DIR", str(tmp / country))
    monkeypatch.setenv("CLEARWAY_COUNTRY", country)
    monkeypatch.setenv("CLEARWAY_ENV", "test")
    monkeypatch.setenv("CLEARWAY_EXCHANGE_PUBLIC_URL", f"http://127.0.0.1:9/{country.lower()}")
    monkeypatch.delenv("CLEARWAY_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, list(args))
    get_settings.cache_clear()
    return result.exit_code, result.output


def test_identity_partner_add_list_and_send(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, out = run(monkeypatch, tmp_path, "PE", "exchange", "identity")
    assert code == 0, out
    ident = json.loads(out[out.index("{") :])  # log lines may come first
    assert ident["country"] == "PE" and ident["did"].endswith(":pe-customs")
    assert ident["did_document"]["id"] == ident["did"]
    doc = tmp_path / "pe.json"
    doc.write_text(json.dumps(ident["did_document"]))
    code, out = run(
        monkeypatch, tmp_path, "CL", "exchange", "partner", "add", "PE", "--url", ident["url"], "--did", ident["did"],
        "--did-document", str(doc), "--share", "alert,aeo_status",
    )  # fmt: skip
    assert code == 0, out
    assert "shares alert" in out and "shares export_summary" not in out
    code, out = run(monkeypatch, tmp_path, "CL", "exchange", "partner", "list")
    assert code == 0 and "PE" in out
    wrong = run(
        monkeypatch, tmp_path, "CL", "exchange", "partner", "add", "BO", "--url", "http://x", "--did", "did:web:other",
        "--did-document", str(doc),
    )  # fmt: skip
    assert wrong[0] == 1 and "DID_MISMATCH" in wrong[1]
    code, out = run(monkeypatch, tmp_path, "CL", "exchange", "send", "--now")
    assert code == 0 and "sent 0" in out  # nothing published yet, nothing to send
