"""Domain events: facts that happened, named in the past tense."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Event:
    """Base of every domain event; subscribers receive it within the same unit of work."""

    at: datetime
    actor: str
    data: dict[str, Any] = field(default_factory=dict, kw_only=True)
