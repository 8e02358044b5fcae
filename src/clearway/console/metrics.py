"""Prometheus gauges for monitoring: queue depths, lane counts, risk model versions."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector

from clearway.declarations import dashboard
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)
_REGISTERED: weakref.WeakKeyDictionary[CollectorRegistry, bool] = weakref.WeakKeyDictionary()


class ClearanceCollector(Collector):
    """Reads queue depths, lanes and model versions from the database at each scrape."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily | InfoMetricFamily]:
        """Yields the gauges; on a database error yields nothing (the scrape still succeeds)."""
        depth = GaugeMetricFamily(
            "clearway_queue_depth",
            "Declarations awaiting customs, by office, status and lane",
            labels=["office", "status", "lane"],
        )
        lanes = GaugeMetricFamily("clearway_declarations_by_lane", "Declarations by lane", labels=["lane"])
        models = InfoMetricFamily("clearway_risk_model", "Risk model versions in recent lane assignments", labels=[])
        try:
            with self.runtime.uow(readonly=True) as uow:
                for office, status, lane, n in dashboard.queue_depths(uow):
                    depth.add_metric([office, status, lane or "none"], n)
                for lane, n in dashboard.lane_counts(uow):
                    lanes.add_metric([lane or "none"], n)
                versions = dashboard.model_versions(uow)
        except Exception as exc:  # monitoring must not fail because the database is down
            log.warning("clearance metrics unavailable: %s", exc)
            return
        yield depth
        yield lanes
        for source, version in sorted(versions.items()):
            models.add_metric([], {"source": source, "version": version})
        yield models


def register(runtime: Runtime) -> None:
    """Adds the clearance gauges to the app's metrics (the platform calls this on each scrape)."""

    def collect(registry: CollectorRegistry) -> None:
        if registry not in _REGISTERED:
            registry.register(ClearanceCollector(runtime))
            _REGISTERED[registry] = True

    collectors = runtime.caches.setdefault("platform.metrics_collectors", [])
    collectors.append(collect)
