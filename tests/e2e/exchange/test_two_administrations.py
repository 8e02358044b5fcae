"""Two real Clearway servers (CL and PE: separate SQLite databases, ``clearway serve`` on loopback ports) pair,
exchange signed messages and act on them: mirror gap, outage and catch-up, refusals, alert to watchlist, AEO."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from clearway import bootstrap
from clearway.exchange import messages, service
from clearway.ledger.config import LedgerSettings
from clearway.mandates import seed as mandates_seed
from clearway.mandates import service as mandates_service
from clearway.platform import auth
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service
from tests.integration.exchange.docs import CL_BROKER, EXPORTER, PE_BROKER, export_doc, import_doc

pytestmark = pytest.mark.e2e
SRC = Path(__file__).resolve().parents[3] / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One administration's server process, its database and its users."""

    country: str
    port: int
    db: Path
    log: Path
    env: dict[str, str]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self) -> Settings:
        return Settings(
            env="test",
            database_url=f"sqlite:///{self.db}",
            secret_key=self.env["CLEARWAY_SECRET_KEY"],
            country=self.country,
            selectivity_red_rate=0,
            selectivity_yellow_rate=0,
        )

    def runtime(self) -> Runtime:
        rt = bootstrap.build_runtime(self.settings())
        rt.caches["platform.migrated"] = True
        rt.caches["ledger.settings"] = LedgerSettings(did_domain=f"127.0.0.1:{self.port}")
        return rt

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "clearway", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: _up(self.url), what=f"{self.country} server to start (log: {self.log})", timeout=180)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def get(self, path: str, who: str = "admin") -> Any:
        r = httpx.get(self.url + path, headers=self.headers[who], timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def post(self, path: str, body: dict[str, Any], who: str = "admin", expect: int = 201) -> Any:
        r = httpx.post(self.url + path, headers=self.headers[who], json=body, timeout=20)
        assert r.status_code == expect, r.text
        return r.json()


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(check: Callable[[], Any], *, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _prepare(country: str, tmp: Path) -> Server:
    port = _free_port()
    db = tmp / f"{country.lower()}.db"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "CLEARWAY_ENV": "test",
        "CLEARWAY_DATABASE_URL": f"sqlite:///{db}",
        "CLEARWAY_DATA_DIR": str(tmp / country),
        "CLEARWAY_COUNTRY": country,
        "CLEARWAY_SECRET_KEY": f"e2e-{country}-secret",
        "CLEARWAY_SELECTIVITY_RED_RATE": "0",
        "CLEARWAY_SELECTIVITY_YELLOW_RATE": "0",
        "CLEARWAY_LEDGER_DID_DOMAIN": f"127.0.0.1:{port}",
        "CLEARWAY_EXCHANGE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CLEARWAY_EXCHANGE_SENDER_INTERVAL": "0.2",
        "CLEARWAY_EXCHANGE_BACKOFF_SECONDS": "0.2",
        "CLEARWAY_EXCHANGE_BACKOFF_MAX_SECONDS": "1",
        "CLEARWAY_EXCHANGE_TIMEOUT_SECONDS": "2",
    }
    env.pop("CLEARWAY_CAPABILITIES", None)  # every capability runs
    server = Server(country, port, db, tmp / f"{country.lower()}.log", env)
    rt = server.runtime()
    upgrade(rt.engine)
    broker = CL_BROKER if country == "CL" else PE_BROKER
    with rt.uow() as uow:
        reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
        mandates_seed.grant_demo_mandates(uow)  # the demo importers mandate the demo brokers
        if country == "PE":  # the Chilean AEO imports into Peru through the Peruvian broker
            mandates_service.grant(
                uow,
                auth.Principal(user="admin", role="admin"),
                principal_party=EXPORTER["id"],
                agent_party=PE_BROKER,
                procedures=["all"],
                valid_from=None,
                valid_to=None,
                reason="power of attorney on file (test)",
                evidence="test",
            )
        for user, role, kw in (
            ("admin", "admin", {}),
            ("broker", "declarant", {"party_id": broker}),
            ("officer", "officer", {}),
            ("supervisor", "supervisor", {}),
        ):
            server.headers[user] = {"Authorization": f"Bearer {auth.create_token(uow, user=user, role=role, **kw)}"}
        uow.commit()
    rt.engine.dispose()
    return server


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    tmp = tmp_path_factory.mktemp("exchange-e2e")
    bootstrap.import_tables()
    cl, pe = _prepare("CL", tmp), _prepare("PE", tmp)
    try:
        cl.start()
        pe.start()
        yield cl, pe
    finally:
        cl.stop()
        pe.stop()
        for server in (cl, pe):  # shown by pytest when the test failed
            print(f"--- {server.country} server log (tail) ---")
            print("\n".join(server.log.read_text(errors="replace").splitlines()[-40:]))


def lodge(server: Server, doc: dict[str, Any]) -> str:
    return str(server.post("/api/v1/declarations", doc, who="broker")["mrn"])


def history(server: Server, mrn: str) -> list[dict[str, Any]]:
    return list(server.get(f"/api/v1/declarations/{mrn}", who="officer")["history"])


def received(server: Server, kind: str) -> list[dict[str, Any]]:
    return [m for m in server.get("/api/v1/exchange/deliveries?limit=1000")["received"] if m["kind"] == kind]


def test_two_administrations(servers: tuple[Server, Server]) -> None:
    cl, pe = servers
    # Pairing: each registers the other from its published identity (fetched by the server from the URL).
    for me, other in ((cl, pe), (pe, cl)):
        ident = httpx.get(other.url + "/api/v1/exchange/identity", timeout=10).json()
        me.post("/api/v1/exchange/partners", {"country": other.country, "url": other.url, "did": ident["did"]})
    assert [p["country"] for p in pe.get("/api/v1/exchange/partners")["partners"]] == ["CL"]

    # An export released in CL reaches PE; the import lodged at 40% of the value carries the gap.
    exp = lodge(cl, export_doc("E2E-EXP-1", value="48000.00", ucr="CL26UCR-E2E-1"))
    wait_for(lambda: received(pe, "export_summary"), what="PE to receive the export summary")
    imp = lodge(pe, import_doc("E2E-IMP-1", value="19200.00", ucr="CL26UCR-E2E-1"))
    [gap] = [h for h in history(pe, imp) if h["kind"] == "mirror_gap"]
    assert f"export {exp} of CL" in gap["reason"]
    assert "exported from CL at 48,000 USD FOB, imported at 19,200 USD CIF: −61%" in gap["reason"]

    # PE is down while CL releases three more exports; back up, it receives all three, once each.
    pe.stop()
    later = [lodge(cl, export_doc(f"E2E-EXP-{i}", value="5000.00", bl=f"BL-E2E-{i}")) for i in (2, 3, 4)]
    wait_for(
        lambda: (
            all(
                m["attempts"] >= 1 and m["last_error"]
                for m in cl.get("/api/v1/exchange/deliveries")["outbox"]
                if m["status"] == "pending"
            )
            and sum(m["status"] == "pending" for m in cl.get("/api/v1/exchange/deliveries")["outbox"]) >= 3
        ),
        what="CL to fail delivering to PE while it is down",
    )
    pe.start()
    wait_for(
        lambda: len(received(pe, "export_summary")) >= 4,
        what=f"PE to catch up after its restart; CL outbox: {cl.get('/api/v1/exchange/deliveries')['outbox']}",
        timeout=120,
    )
    time.sleep(1.0)  # any duplicate delivery would land by now
    assert len(received(pe, "export_summary")) == 4
    unmatched = pe.get("/api/v1/exchange/mirror/unmatched?country=CL", who="officer")["exports"]
    assert sorted(e["export_mrn"] for e in unmatched) == sorted(later)

    # A tampered and a replayed message are refused, with their reasons in the delivery log.
    rt = cl.runtime()
    with rt.uow(readonly=True) as uow:
        pe_did = httpx.get(pe.url + "/api/v1/exchange/identity", timeout=10).json()["did"]
        token = messages.sign(
            uow, service.context(rt), message_id=str(uuid.uuid4()), kind="alert",
            body={"alert_id": str(uuid.uuid4()), "record": {"kind": "alert", "what": "test", "parties": []}},
            to_did=pe_did,
        )  # fmt: skip
    rt.engine.dispose()
    head, payload, sig = token.split(".")
    tampered = f"{head}.{payload[:-4]}{'AAAA' if payload[-4:] != 'AAAA' else 'BBBB'}.{sig}"
    inbox = pe.url + "/api/v1/exchange/inbox"
    assert httpx.post(inbox, content=token, timeout=10).status_code == 202
    replay = httpx.post(inbox, content=token, timeout=10)
    assert replay.status_code == 409 and replay.json()["errors"][0]["code"] == "REPLAYED"
    bad = httpx.post(inbox, content=tampered, timeout=10)
    assert bad.status_code in (403, 422) and bad.json()["errors"][0]["code"] in {"SIGNATURE", "MALFORMED"}
    refused = {r["code"] for r in pe.get("/api/v1/exchange/deliveries")["refused"]}
    assert "REPLAYED" in refused and refused & {"SIGNATURE", "MALFORMED"}

    # An alert published by CL becomes a watchlist hit in PE.
    suspect = {"id": "CL770000009", "name": "Comercial Sospechosa Ltda", "country": "CL"}
    cl.post(
        "/api/v1/exchange/alerts",
        {"kind": "seizure", "what": "cocaine hidden in wine bottles", "hs_code": "220421", "place": "CLVAP",
         "concealment": "dissolved in wine", "detection": "sniffer dog", "route": "CLVAP-PECLL",
         "parties": [{**suspect, "role": "exporter"}]},
        who="officer",
    )  # fmt: skip
    found = wait_for(
        lambda: pe.get("/api/v1/exchange/alerts?q=cocaine&country=CL", who="officer")["alerts"],
        what="PE to receive CL's alert",
    )
    listed = pe.post(f"/api/v1/exchange/alerts/{found[0]['id']}/watchlist", {}, who="supervisor", expect=200)
    shipment = import_doc("E2E-IMP-W", value="9000.00", bl="BL-E2E-W")
    shipment["exporter"] = suspect
    hit = lodge(pe, shipment)
    [lane] = [h for h in history(pe, hit) if h["kind"] == "lane_assigned"]
    assert f"watchlist '{listed['watchlist']}'" in lane["reason"]

    # An AEO suspended in CL loses facilitation in PE the same day.
    aeo = {"id": EXPORTER["id"], "name": EXPORTER["name"], "country": "CL"}
    today = date.today().isoformat()

    def publish(status: str) -> None:
        cl.post("/api/v1/ledger/aeo", {"trader_id": aeo["id"], "trader_name": aeo["name"], "status": status,
                                       "effective_from": today, "reason": f"{status} after audit"})  # fmt: skip

    def status_in_pe() -> str:
        r = httpx.get(f"{pe.url}/api/v1/ledger/aeo/{aeo['id']}", headers=pe.headers["officer"], timeout=10)
        return str(r.json().get("status")) if r.status_code == 200 else "unknown"

    def lane_of(lrn: str) -> dict[str, Any]:
        doc = import_doc(lrn, value="48000.00", bl=f"BL-{lrn}", importer=aeo)
        return next(h for h in history(pe, lodge(pe, doc)) if h["kind"] == "lane_assigned")

    publish("granted")
    wait_for(lambda: status_in_pe() == "granted", what="PE to learn the AEO grant")
    before = lane_of("E2E-AEO-1")  # the risk engine sees a recognised AEO (under the MRA with CL): green
    assert before["data"]["lane"] == "green" and before["data"]["scores"]["aeo"] == "granted"
    publish("suspended")
    wait_for(lambda: status_in_pe() == "suspended", what="PE to learn the AEO suspension")
    after = lane_of("E2E-AEO-2")  # same day: no facilitation, a documentary check instead
    assert after["data"]["lane"] == "yellow" and after["data"]["scores"]["aeo"] == "suspended"
    assert f"suspended since {today}" in after["reason"]
