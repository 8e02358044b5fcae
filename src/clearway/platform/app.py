"""The FastAPI app factory: error handling, limits, request ids, health, metrics, capability routes."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearway import __version__
from clearway.core.issues import Conflict, DomainError, Forbidden, Issue, NotFound, ValidationFailed, pointer
from clearway.platform import logging as cw_logging
from clearway.platform.capability import Capability
from clearway.platform.migrate import pending_heads
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)


def errors(status: int, issues: Iterable[Issue], headers: dict[str, str] | None = None) -> JSONResponse:
    """Returns the uniform error body: ``{"errors": [{code, message, pointer}]}``."""
    return JSONResponse({"errors": [i.as_dict() for i in issues]}, status_code=status, headers=headers)


class BodyLimit:
    """Refuses request bodies over the limit with 413 before they are read whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = errors(
            413,
            [
                Issue(
                    "BODY_TOO_LARGE",
                    f"the request body exceeds {self.max_bytes} bytes; split it into smaller requests",
                    "",
                )
            ],
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class Metrics:
    """Prometheus metrics of one app: requests, latencies, and whatever capabilities register."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "clearway_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "clearway_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )


def create_app(
    runtime: Runtime, capabilities: Iterable[Capability] = (), openapi_models: Iterable[type[BaseModel]] = ()
) -> FastAPI:
    """Builds the Clearway HTTP app over a runtime with the given capabilities."""
    caps = list(capabilities)
    app = FastAPI(
        title="Clearway",
        version=__version__,
        description="Customs clearance API: lodge declarations, follow them to release. Every endpoint "
        "needs a bearer token (`clearway token create` or the tokens `clearway demo` prints).",
    )
    app.state.runtime = runtime
    metrics = Metrics()
    app.state.metrics = metrics
    for cap in caps:
        for router in cap.routers:
            app.include_router(router)
    _install_error_handlers(app)
    _install_ops_routes(app, runtime, metrics)
    _install_openapi(app, list(openapi_models))

    @app.middleware("http")
    async def _request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        token = cw_logging.request_id.set(rid[:64])
        start = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            cw_logging.request_id.reset(token)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        metrics.latency.labels(request.method, path).observe(time.perf_counter() - start)
        response.headers["x-request-id"] = rid[:64]
        return response

    app.add_middleware(BodyLimit, max_bytes=runtime.settings.max_body_bytes)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ValidationFailed)
    async def _invalid(_: Request, exc: ValidationFailed) -> JSONResponse:
        return errors(422, exc.issues)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        issues = []
        for err in exc.errors():
            loc = [p for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
            code = "REQUIRED" if err.get("type") == "missing" else "SCHEMA_" + str(err.get("type", "")).upper()
            issues.append(Issue(code, str(err.get("msg", "invalid")), pointer(*loc)))
        return errors(422, issues)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return errors(404, [Issue(exc.code, exc.message, "")])

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
        return errors(409, [Issue(exc.code, exc.message, "")])

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return errors(403, [Issue(exc.code, exc.message, "")])

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return errors(422, [Issue(exc.code, exc.message, "")])

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(
            exc.status_code, f"HTTP_{exc.status_code}"
        )
        return errors(exc.status_code, [Issue(code, str(exc.detail), "")], headers=dict(exc.headers or {}))

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, _exc: ClientDisconnect) -> JSONResponse:
        log.info("client went away during %s %s", request.method, request.url.path)
        return errors(400, [Issue("CLIENT_DISCONNECTED", "the client closed the connection", "")])

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, _exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return errors(
            500,
            [
                Issue(
                    "INTERNAL",
                    "an unexpected error occurred; it has been logged with request id "
                    f"{cw_logging.request_id.get() or '-'}",
                    "",
                )
            ],
        )


def _install_ops_routes(app: FastAPI, runtime: Runtime, metrics: Metrics) -> None:
    @app.get("/healthz", tags=["operations"], summary="The process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="The database is reachable and migrated",
        responses={503: {"description": "not ready"}},
    )
    def readyz() -> JSONResponse:
        try:
            with runtime.uow(readonly=True) as uow:
                uow.conn.execute(text("SELECT 1"))
            pending = pending_heads(runtime.engine)
        except Exception as exc:
            log.warning("readiness check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        if pending:
            return JSONResponse(
                {
                    "status": "unavailable",
                    "database": "ok",
                    "migrations": f"pending: {', '.join(sorted(pending))}",
                },
                status_code=503,
            )
        return JSONResponse({"status": "ready", "database": "ok", "migrations": "current"})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    def prometheus() -> Response:
        for collect in runtime.caches.get("platform.metrics_collectors", []):
            collect(metrics.registry)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


def _install_openapi(app: FastAPI, models: list[type[BaseModel]]) -> None:
    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in models:
            js = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in js.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components[model.__name__] = js
        app.openapi_schema = schema
        return schema

    app.openapi = custom_openapi  # type: ignore[method-assign]
