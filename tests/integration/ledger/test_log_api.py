"""Partners read the transparency log through RFC 9162's messages; clearance decisions land in it; tampering is found."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from clearway.declarations.examples import example_declaration
from clearway.ledger import cli, credentials, log, merkle, store
from clearway.ledger.keys import b64url_decode
from clearway.platform.cli_support import set_runtime_factory_result
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens


def _lodge(client: TestClient, tokens: Tokens, n: int) -> list[str]:
    mrns = []
    for i in range(n):
        r = client.post("/api/v1/declarations", json=example_declaration(f"LOG-{i}"), headers=tokens.broker)
        assert r.status_code == 201, r.text
        mrns.append(r.json()["mrn"])
    return mrns


def test_released_declarations_are_logged_signed_by_the_administration(client: TestClient, tokens: Tokens) -> None:
    mrns = _lodge(client, tokens, 3)
    sth = client.get("/api/v1/ledger/get-sth", headers=tokens.broker).json()
    assert sth["tree_size"] == 3
    entries = client.get("/api/v1/ledger/get-entries", params={"start": 0, "end": 2}, headers=tokens.officer).json()[
        "entries"
    ]
    decisions = []
    for e in entries:
        token = base64.b64decode(e["leaf_input"]).decode()
        header, payload = credentials.inspect(token)  # type: ignore[misc]
        assert header["kid"].endswith("pe-customs#key-1")
        decisions.append((payload["mrn"], payload["decision"]))
    assert decisions == [(m, "release") for m in mrns]
    # an officer's later decision is logged too
    r = client.post(
        f"/api/v1/declarations/{mrns[0]}/decisions",
        json={"decision": "clear", "reason": "post-release checks done"},
        headers=tokens.officer,
    )
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/ledger/get-sth", headers=tokens.broker).json()["tree_size"] == 4


def test_consistency_proofs_between_every_pair_of_sizes_verify(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    _lodge(client, tokens, 6)
    with runtime.uow(readonly=True) as uow:
        roots = {n: log.root_at(uow.conn, n) for n in range(1, 7)}
    for first in range(1, 7):
        for second in range(first, 7):
            r = client.get(
                "/api/v1/ledger/get-sth-consistency", params={"first": first, "second": second}, headers=tokens.officer
            )
            assert r.status_code == 200, r.text
            proof = [base64.b64decode(p) for p in r.json()["consistency"]]
            assert merkle.verify_consistency(first, second, roots[first], roots[second], proof)
            if proof:
                assert not merkle.verify_consistency(first, second, roots[first], roots[second], proof[1:])


def test_bad_log_requests_get_clear_4xx(client: TestClient, tokens: Tokens) -> None:
    _lodge(client, tokens, 2)
    h = tokens.officer
    assert client.get("/api/v1/ledger/get-sth").status_code == 401
    cases = [
        ("/api/v1/ledger/get-sth-consistency", {"first": 3, "second": 9}, 422, "TREE_SIZE"),
        ("/api/v1/ledger/get-sth-consistency", {"first": 2, "second": 1}, 422, "TREE_SIZE"),
        ("/api/v1/ledger/get-sth-consistency", {"first": "x", "second": 1}, 422, None),
        ("/api/v1/ledger/get-proof-by-hash", {"hash": "not base64!", "tree_size": 2}, 422, "HASH_INVALID"),
        (
            "/api/v1/ledger/get-proof-by-hash",
            {"hash": base64.b64encode(b"short").decode(), "tree_size": 2},
            422,
            "HASH_INVALID",
        ),
        (
            "/api/v1/ledger/get-proof-by-hash",
            {"hash": base64.b64encode(bytes(32)).decode(), "tree_size": 2},
            404,
            "NOT_FOUND",
        ),
        ("/api/v1/ledger/get-entries", {"start": 5, "end": 9}, 422, "ENTRY_RANGE"),
        ("/api/v1/ledger/get-entries", {"start": 1, "end": 0}, 422, "ENTRY_RANGE"),
        ("/api/v1/ledger/dids/nobody/did.json", {}, 404, "NOT_FOUND"),
    ]
    for path, params, status, code in cases:
        r = client.get(path, params=params, headers=h)
        assert r.status_code == status, (path, params, r.text)
        if code:
            assert r.json()["errors"][0]["code"] == code


def test_verify_names_the_first_tampered_entry(client: TestClient, tokens: Tokens, runtime: Runtime) -> None:
    _lodge(client, tokens, 5)
    set_runtime_factory_result(runtime)
    ok = CliRunner().invoke(cli.app, ["verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output and "5 entries" in ok.output
    with runtime.uow() as uow:
        row = uow.conn.execute(store.entries.select().where(store.entries.c.idx == 2)).one()
        forged = bytes(row.leaf_input).replace(b".", b".x", 1)
        uow.conn.execute(update(store.entries).where(store.entries.c.idx == 2).values(leaf_input=forged))
        uow.commit()
    bad = CliRunner().invoke(cli.app, ["verify"])
    assert bad.exit_code == 1
    assert "first tampered entry is 2" in bad.output


def test_a_rewritten_entry_with_a_matching_hash_is_still_caught(
    client: TestClient, tokens: Tokens, runtime: Runtime
) -> None:
    _lodge(client, tokens, 4)
    assert (
        client.get("/api/v1/ledger/get-sth", headers=tokens.officer).json()["tree_size"] == 4
    )  # a partner saw this head
    with runtime.uow() as uow:
        row = uow.conn.execute(store.entries.select().where(store.entries.c.idx == 1)).one()
        header, payload, sig = bytes(row.leaf_input).decode().split(".")
        altered = b64url_decode(payload).replace(b"release", b"detain!")
        from clearway.ledger.keys import b64url

        forged = f"{header}.{b64url(altered)}.{sig}".encode()
        # the forger also recomputes the leaf hash; only signatures and signed heads can catch this
        uow.conn.execute(
            update(store.entries)
            .where(store.entries.c.idx == 1)
            .values(leaf_input=forged, leaf_hash=merkle.leaf_hash(forged))
        )
        uow.commit()
    with runtime.uow(readonly=True) as uow:
        result = log.verify_all(uow)
    assert not result.ok
    assert result.first_bad_entry == 1
    assert any("no valid signature" in p for p in result.problems)
    assert any("tree head" in p for p in result.problems)
