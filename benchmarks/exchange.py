"""Exchange throughput between two real Clearway servers (CL and PE, separate SQLite files, loopback ports).

Measures: messages signed per second (this administration's ledger key, compact JWS) and verified per second
(every inbox check: partner key, signature, key validity, addressee, time window) in-process on each server's
database; then, end to end, N exports released in CL whose summaries the sender thread delivers to PE, where
each is verified, deduplicated, stored and matched against an import lodged beforehand (by UCR) with its gaps
recorded in the import's history: delivered-and-matched messages per second, from the first export lodged to
the last match. Writes benchmarks/results/exchange.json.

    python benchmarks/exchange.py [--messages 200] [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from clearway import bootstrap
from clearway.exchange import messages, service
from clearway.ledger import identity, keys
from clearway.ledger.config import LedgerSettings
from clearway.mandates import seed as mandates_seed
from clearway.platform import auth
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import Settings
from clearway.reference import seed as reference_seed
from clearway.reference import service as reference_service

RESULTS = Path(__file__).parent / "results"
SRC = Path(__file__).resolve().parents[1] / "src"
EXPORTER = {"id": "CL760864285", "name": "Viñedos de los Andes SpA", "country": "CL"}
CONSIGNEE = {"id": "PE20512345671", "name": "Importaciones Pacífico SAC", "country": "PE"}
BROKER = {"CL": "CL760864285", "PE": "PE20100047218"}


def declaration(kind: str, lrn: str, value: str, ucr: str) -> dict[str, Any]:
    """A wine shipment from CL to PE, as the export (FOB) or the import (CIF)."""
    imp = kind == "IM"
    return {
        "type": kind,
        "additional_type": "A",
        "lrn": lrn,
        "office": "PECLL" if imp else "CLVAP",
        "declarant": {"id": BROKER["PE" if imp else "CL"], "name": "Broker", "country": "PE" if imp else "CL"},
        "importer": CONSIGNEE,
        "exporter": EXPORTER,
        "consignment": {"transport_mode": 1, "means_id": "MSCU1234565", "means_nationality": "PA",
                        "loading_place": "CLVAP", "discharge_place": "PECLL", "arrival_date": "2026-12-01"},
        "invoice": {"incoterm": "CIF" if imp else "FOB", "currency": "USD", "total_amount": value,
                    **({"freight": "600.00", "insurance": "100.00"} if imp else {})},
        "goods_items": [{"sequence": 1, "description": "Red wine of fresh grapes in bottles of 0.75 l",
                         "commodity_code": "220421", "origin_country": "CL", "quantity": "12000", "unit": "H87",
                         "net_mass": "9000", "gross_mass": "10500", "invoice_amount": value, "invoice_currency": "USD",
                         "valuation_method": "1", "procedure_code": "4000" if imp else "1000",
                         "packages": {"count": 1000, "kind": "CT"}}],
        "documents": [{"type": "UCR", "reference": ucr}, {"type": "N705", "reference": f"BL-{ucr}"}],
    }  # fmt: skip


class Server:
    """One administration's ``clearway serve`` process."""

    def __init__(self, country: str, tmp: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.country = country
        self.db = tmp / f"{country.lower()}.db"
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
            "CLEARWAY_ENV": "test",
            "CLEARWAY_DATABASE_URL": f"sqlite:///{self.db}",
            "CLEARWAY_COUNTRY": country,
            "CLEARWAY_SECRET_KEY": f"bench-{country}",
            "CLEARWAY_SELECTIVITY_RED_RATE": "0",
            "CLEARWAY_SELECTIVITY_YELLOW_RATE": "0",
            "CLEARWAY_LEDGER_DID_DOMAIN": f"127.0.0.1:{self.port}",
            "CLEARWAY_EXCHANGE_PUBLIC_URL": self.url,
            "CLEARWAY_EXCHANGE_SENDER_INTERVAL": "0.1",
            "CLEARWAY_EXCHANGE_HEAD_INTERVAL": "0",
        }
        self.env.pop("CLEARWAY_CAPABILITIES", None)
        self.proc: subprocess.Popen[bytes] | None = None
        rt = self.runtime()
        upgrade(rt.engine)
        with rt.uow() as uow:
            reference_service.load_hs_file(uow, reference_seed.demo_nomenclature_path())
            mandates_seed.grant_demo_mandates(uow)  # the importer mandates the broker who lodges for it
            self.admin = {"Authorization": "Bearer " + auth.create_token(uow, user="admin", role="admin")}
            self.broker = {
                "Authorization": "Bearer "
                + auth.create_token(uow, user="broker", role="declarant", party_id=BROKER[country])
            }
            uow.commit()
        rt.engine.dispose()

    def runtime(self) -> Runtime:
        settings = Settings(
            env="test", database_url=f"sqlite:///{self.db}", secret_key=f"bench-{self.country}", country=self.country
        )
        rt = bootstrap.build_runtime(settings)
        rt.caches["platform.migrated"] = True
        rt.caches["ledger.settings"] = LedgerSettings(did_domain=f"127.0.0.1:{self.port}")
        return rt

    def start(self) -> None:
        self.proc = subprocess.Popen(  # our own interpreter and module
            [sys.executable, "-m", "clearway", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait(lambda: _up(self.url), 180)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def wait(check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.05)


def rate(fn: Callable[[int], None], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn(n)
        n += 1
    return n / elapsed


def batch(server: Server, docs: list[dict[str, Any]]) -> None:
    r = httpx.post(server.url + "/api/v1/declarations/batch", headers=server.broker, json={"declarations": docs},
                   timeout=600)  # fmt: skip
    r.raise_for_status()
    refused = [x for x in r.json()["results"] if "mrn" not in x]
    if refused:  # a benchmark that measures nothing must say so, not wait for matches that cannot come
        raise SystemExit(f"{server.country}: {len(refused)} declarations refused, e.g. {refused[0]}")


def main() -> None:
    """Runs the benchmark and writes benchmarks/results/exchange.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    bootstrap.import_tables()
    with tempfile.TemporaryDirectory() as tmp:
        cl, pe = Server("CL", Path(tmp)), Server("PE", Path(tmp))
        try:
            cl.start()
            pe.start()
            for me, other in ((cl, pe), (pe, cl)):
                ident = httpx.get(other.url + "/api/v1/exchange/identity", timeout=10).json()
                body = {"country": other.country, "url": other.url, "did": ident["did"], "kinds": ["export_summary"]}
                httpx.post(
                    me.url + "/api/v1/exchange/partners", headers=me.admin, json=body, timeout=20
                ).raise_for_status()
            pe_did = httpx.get(pe.url + "/api/v1/exchange/identity", timeout=10).json()["did"]

            crt, prt = cl.runtime(), pe.runtime()
            ctx_cl, ctx_pe = service.context(crt), service.context(prt)
            body = {"mrn": "X", "date": "2026-12-01"}
            bare_key = keys.generate()
            bare = rate(lambda i: bare_key.sign(b"x" * 600), args.seconds)
            with crt.uow(readonly=True) as uow:
                who = identity.signer(uow, ctx_cl, ctx_cl.administration)
                signed = rate(lambda i: messages.sign(uow, ctx_cl, message_id=str(i), kind="export_summary",
                                                      body=body, to_did=pe_did, signer=who), args.seconds)  # fmt: skip
                tokens = [messages.sign(uow, ctx_cl, message_id=str(uuid.uuid4()), kind="export_summary", body=body,
                                        to_did=pe_did) for _ in range(200)]  # fmt: skip
            with prt.uow(readonly=True) as uow:
                verified = rate(lambda i: messages.verify(uow, ctx_pe, tokens[i % 200], window=timedelta(minutes=5)),
                                args.seconds)  # fmt: skip
            crt.engine.dispose()
            prt.engine.dispose()

            n = args.messages
            batch(pe, [declaration("IM", f"IM-{i}", "19200.00", f"UCR-{i}") for i in range(n)])
            start = time.perf_counter()
            batch(cl, [declaration("EX", f"EX-{i}", "48000.00", f"UCR-{i}") for i in range(n)])
            lodged = time.perf_counter() - start

            def matched() -> bool:
                r = httpx.get(pe.url + "/api/v1/exchange/deliveries?limit=1000", headers=pe.admin, timeout=10).json()
                return sum(m["outcome"].startswith("mirror match") for m in r["received"]) >= n

            wait(matched, 600)
            total = time.perf_counter() - start
        finally:
            cl.stop()
            pe.stop()
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "bare_ed25519_sign_per_s": round(bare),
        "signed_per_s": round(signed),
        "verified_per_s": round(verified),
        "end_to_end": {
            "messages": n,
            "export_lodge_seconds": round(lodged, 2),
            "seconds_to_last_match": round(total, 2),
            "delivered_verified_matched_per_s": round(n / total, 1),
        },
    }
    for k, v in results.items():
        print(f"{k}: {v}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "exchange.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
