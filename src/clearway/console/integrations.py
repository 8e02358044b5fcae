"""Optional capabilities the console shows when they are installed: tariff assessment, single window."""

from __future__ import annotations

import importlib
import logging
from types import ModuleType
from typing import Any

from clearway.core.issues import DomainError
from clearway.declarations.model import Declaration
from clearway.platform.auth import Principal
from clearway.platform.db import UnitOfWork

log = logging.getLogger(__name__)


def optional_service(package: str) -> ModuleType | None:
    """Returns ``clearway.<package>.service`` when that capability is installed, else None."""
    try:
        return importlib.import_module(f"clearway.{package}.service")
    except ImportError:
        return None


def assessment(uow: UnitOfWork, decl: Declaration) -> Any | None:
    """Returns the tariff assessment of a declaration when the tariff capability is installed and has one."""
    tariff = optional_service("tariff")
    get = getattr(tariff, "get_assessment", None) if tariff else None
    if get is None:
        return None
    try:
        return get(uow, decl.mrn)
    except DomainError:
        return None


def agency_queue(uow: UnitOfWork, principal: Principal) -> list[Any] | None:
    """Returns the agency's single-window queue, or None when the single window is not installed."""
    sw = optional_service("single_window")
    fetch = getattr(sw, "agency_queue", None) if sw else None
    if fetch is None:
        return None
    result: list[Any] = list(fetch(uow, principal))
    return result
