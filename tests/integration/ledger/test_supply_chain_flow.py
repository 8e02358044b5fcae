"""Done when: an exporter issues a certificate of origin, the importing administration verifies it and its
inclusion in the log, a tampered copy is rejected with the reason, a foreign AEO's status is checked, and
the tree head is anchored on the in-process EVM."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from clearway.ledger import anchor, log, merkle, service
from clearway.ledger.keys import b64url, b64url_decode
from clearway.ledger.partner import PartnerAdministration
from clearway.ledger.seed import origin_subject
from clearway.platform.runtime import Runtime
from tests.conftest import Tokens
from tests.integration.ledger.conftest import EXPORTER, Orgs


def _tamper(jwt: str) -> str:
    header, payload, sig = jwt.split(".")
    body = b64url_decode(payload).replace(b'"originCountry":"CL"', b'"originCountry":"PE"')
    return ".".join([header, b64url(body), sig])


def test_certificate_of_origin_from_issue_to_anchor(
    client: TestClient, tokens: Tokens, orgs: Orgs, runtime: Runtime
) -> None:
    # 1. the Chilean exporter issues a certificate of origin
    r = client.post(
        "/api/v1/ledger/credentials",
        json={
            "org": EXPORTER[0],
            "kind": "certificate_of_origin",
            "subject": origin_subject(),
            "valid_until": (datetime.now(UTC) + timedelta(days=180)).isoformat(),
        },
        headers=orgs.exporter,
    )
    assert r.status_code == 201, r.text
    issued = r.json()

    # 2. the importing administration verifies it, and its inclusion in the log
    v = client.post("/api/v1/ledger/credentials/verify", json={"jwt": issued["jwt"]}, headers=tokens.officer).json()
    assert v["verified"] is True, v
    assert v["issuer"]["reason"].endswith(EXPORTER[0])
    assert v["credential"]["credentialSubject"]["originCountry"] == "CL"
    sth = client.get("/api/v1/ledger/get-sth", headers=tokens.officer).json()
    leaf = merkle.leaf_hash(issued["jwt"].encode())
    proof = client.get(
        "/api/v1/ledger/get-proof-by-hash",
        params={"hash": base64.b64encode(leaf).decode(), "tree_size": sth["tree_size"]},
        headers=tokens.officer,
    ).json()
    assert proof["leaf_index"] == issued["leaf_index"] == v["log"]["leaf_index"]
    root = base64.b64decode(sth["sha256_root_hash"])
    path = [base64.b64decode(p) for p in proof["audit_path"]]
    assert merkle.verify_inclusion(leaf, proof["leaf_index"], sth["tree_size"], path, root)
    did = client.get(
        f"/api/v1/ledger/dids/{runtime.settings.country.lower()}-customs/did.json", headers=tokens.officer
    ).json()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    pub = Ed25519PublicKey.from_public_bytes(b64url_decode(did["verificationMethod"][0]["publicKeyJwk"]["x"]))
    pub.verify(
        base64.b64decode(sth["tree_head_signature"]), log.tree_head_data(sth["timestamp"], sth["tree_size"], root)
    )

    # 3. a tampered copy is rejected with the reason
    bad = client.post(
        "/api/v1/ledger/credentials/verify", json={"jwt": _tamper(issued["jwt"])}, headers=tokens.officer
    ).json()
    assert bad["verified"] is False
    assert bad["integrity"]["ok"] is False
    assert bad["integrity"]["reason"].startswith("signature does not match")
    assert bad["log"] is None

    # 4. a foreign (Chilean) AEO's status is checked under the mutual recognition arrangement
    now = datetime.now(UTC)
    chile = PartnerAdministration("aduana.cl", "CL", now - timedelta(days=400))
    r = client.post(
        "/api/v1/ledger/partners",
        json={
            "org_id": "cl-customs",
            "name": "Aduana de Chile",
            "country": "CL",
            "did_document": chile.did_document(),
            "mra_since": "2024-01-01",
        },
        headers=tokens.admin,
    )
    assert r.status_code == 201, r.text
    chile.publish(EXPORTER[3], EXPORTER[1], "granted", date(2025, 6, 1), "OEA certified", now)
    r = client.post("/api/v1/ledger/aeo-import", json={"export": chile.export(now)}, headers=tokens.supervisor)
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 1
    st = client.get(f"/api/v1/ledger/aeo/{EXPORTER[3]}", headers=tokens.officer).json()
    assert st["status"] == "granted" and st["recognised"] is True
    assert "mutual recognition arrangement with CL" in st["basis"]
    assert (
        client.get(f"/api/v1/ledger/aeo/{EXPORTER[3]}", params={"on": "2025-05-31"}, headers=tokens.officer).json()[
            "status"
        ]
        is None
    )

    # 5. the tree head is anchored on the in-process EVM, and the chain holds the log's root
    pytest.importorskip("web3")
    chain = anchor.connect(anchor.IN_PROCESS)
    with runtime.uow() as uow:
        done = anchor.anchor_latest(uow, service.context(runtime), chain)
        uow.commit()
    assert done is not None
    with runtime.uow(readonly=True) as uow:
        head = log.latest_head(uow.conn)
        assert head is not None and done.tree_size == head.tree_size
        assert chain.root_of(done.tree_size) == head.root_hash
        assert anchor.check_anchors(uow, chain) == []
    listed = client.get("/api/v1/ledger/anchors", headers=tokens.broker).json()["data"]
    assert listed[0]["tx_hash"] == done.tx_hash and listed[0]["tree_size"] == done.tree_size
