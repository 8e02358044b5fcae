"""Finding 4: the transparency log's contents are for their parties and customs staff; everyone else gets only
the leaf hashes, proofs and signed tree heads that RFC 9162 verification needs, and can still verify."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from clearway.ledger import merkle
from clearway.ledger.seed import origin_subject
from tests.conftest import Tokens
from tests.integration.ledger.conftest import EXPORTER, Orgs


def test_only_parties_and_customs_staff_read_log_entries_and_others_still_verify(
    client: TestClient, tokens: Tokens, orgs: Orgs
) -> None:
    issued = client.post(
        "/api/v1/ledger/credentials",
        json={"org": EXPORTER[0], "kind": "certificate_of_origin", "subject": origin_subject()},
        headers=orgs.exporter,
    )
    assert issued.status_code == 201, issued.text
    r = client.post(
        "/api/v1/ledger/aeo",
        json={
            "trader_id": "PE20100047218",
            "trader_name": "Andina",
            "status": "suspended",
            "effective_from": "2026-01-01",
            "reason": "audit findings",
        },
        headers=tokens.supervisor,
    )
    assert r.status_code == 201, r.text
    sth = client.get("/api/v1/ledger/get-sth", headers=tokens.broker).json()
    size = sth["tree_size"]

    def entries(headers: dict[str, str]) -> list[dict[str, object]]:
        got = client.get("/api/v1/ledger/get-entries", params={"start": 0, "end": size - 1}, headers=headers)
        assert got.status_code == 200, got.text
        return list(got.json()["entries"])

    full = entries(tokens.officer)
    assert all("leaf_input" in e for e in full)
    kinds = {e["kind"] for e in full}
    assert "credential" in kinds
    # another trader, an agency: no contents, no kinds, no references
    for outsider in (orgs.brand, tokens.agency, tokens.other_broker):
        seen = entries(outsider)
        assert all(set(e) == {"leaf_index", "leaf_hash"} for e in seen), seen
        text = str(seen)
        assert issued.json()["id"] not in text and "PE20100047218" not in text
    # the parties see their own entries
    exporter_view = entries(orgs.exporter)
    assert [e["ref"] for e in exporter_view if "ref" in e] == [issued.json()["id"]]
    broker_view = entries(tokens.broker)
    assert [e["ref"] for e in broker_view if "ref" in e] == ["PE20100047218"]
    # a partner (an outsider) still verifies every entry's inclusion against the signed tree head
    root = base64.b64decode(sth["sha256_root_hash"])
    for e in entries(orgs.brand):
        proof = client.get(
            "/api/v1/ledger/get-proof-by-hash",
            params={"hash": e["leaf_hash"], "tree_size": size},
            headers=orgs.brand,
        ).json()
        path = [base64.b64decode(p) for p in proof["audit_path"]]
        leaf = base64.b64decode(str(e["leaf_hash"]))
        assert merkle.verify_inclusion(leaf, int(proof["leaf_index"]), size, path, root)
