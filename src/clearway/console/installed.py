"""Tells whether a capability is installed on this server: its API router is mounted on the app."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request


def api_mounted(request: Request, router: APIRouter) -> bool:
    """Returns True when the app serves the given capability router."""
    paths = {str(getattr(r, "path", "")) for r in router.routes}
    return any(_serves(r, router, paths) for r in request.app.routes)


def _serves(route: Any, router: APIRouter, paths: set[str]) -> bool:
    if getattr(route, "original_router", None) is router:
        return True
    return str(getattr(route, "path", "")) in paths - {""}
