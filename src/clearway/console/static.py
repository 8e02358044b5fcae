"""The console's own static files (stylesheet, a little JavaScript), served from the package."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from clearway.console.render import ConsoleRoute

router = APIRouter(prefix="/console/static", include_in_schema=False, route_class=ConsoleRoute)
FILES = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


@lru_cache(maxsize=8)
def read(name: str) -> bytes:
    return resources.files("clearway.console").joinpath("static", name).read_bytes()


@router.get("/{name}")
def static_file(name: str) -> Response:
    """Serves one of the console's static files; anything else is not found."""
    if name not in FILES:
        raise HTTPException(404, "there is no such file")
    return Response(read(name), media_type=FILES[name], headers={"Cache-Control": "public, max-age=3600"})
