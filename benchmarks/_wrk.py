"""Drives a server with wrk (Debian's HTTP load generator) when it is installed: less client overhead than Python."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

LUA = r"""
local counter = 0
local template = [==[%(body)s]==]
local token = "%(token)s"
local threads = {}
setup = function(thread)
  thread:set("thread_id", #threads + 1)  -- a global of that thread's own Lua state
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local body = template:gsub("__LRN__", "%(prefix)s" .. thread_id .. "-" .. counter)
  local headers = {["Content-Type"] = "application/json"}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", "%(path)s", headers, body)
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests": %%d, "seconds": %%f, "p50_ms": %%f, '
    .. '"p99_ms": %%f, "errors": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def available() -> bool:
    """Tells whether wrk is installed."""
    return shutil.which("wrk") is not None


def run(
    base: str, path: str, body_template: str, token: str, *, seconds: int, connections: int, prefix: str
) -> dict[str, Any]:
    """Posts bodies (``__LRN__`` replaced by a unique reference) for a number of seconds; returns the figures."""
    script = LUA % {"body": body_template, "token": token, "path": path, "prefix": prefix}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", fh.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(fh.name).unlink()
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    figures: dict[str, Any] = json.loads(line.removeprefix("WRKJSON "))
    figures["per_second"] = round(figures["requests"] / figures["seconds"], 1)
    return figures
