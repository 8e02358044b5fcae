"""Logging: plain for people, JSON lines for machines, each request with its id. Secrets never logged."""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_address", default=None)
# Token-shaped text: Clearway tokens (kept: the prefix and 4 characters), bearer credentials, and any run of
# 24+ URL-safe base64 characters mixing letters and digits (someone else's token, a key, a password pasted
# as a user name).
_SECRET = re.compile(
    r"(cw_[A-Za-z0-9_\-]{4})[A-Za-z0-9_\-]+"
    r"|(Bearer\s+)\S+"
    r"|(?<![A-Za-z0-9_\-])(?![0-9a-f]{8}-[0-9a-f]{4}-)(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])"
    r"[A-Za-z0-9_\-]{24,}={0,2}",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """Masks anything token-shaped in a log line."""
    return _SECRET.sub(lambda m: (m.group(1) or m.group(2) or "") + "…", text)


class _Context(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        # Redact the formatted message: secrets often come in the arguments, not the format string.
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload)


def configure(*, json_lines: bool, level: str) -> None:
    """Configures the root logger once."""
    handler = logging.StreamHandler()
    handler.addFilter(_Context())
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Alembic narrates every migration step at INFO; keep it for debugging only.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
