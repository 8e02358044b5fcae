"""The FastAPI app factory: error handling, limits, request ids, health, metrics, capability routes."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearway import __version__
from clearway.core.issues import Conflict, DomainError, Forbidden, Issue, NotFound, ValidationFailed, pointer
from clearway.platform import api as platform_api
from clearway.platform import i18n
from clearway.platform import logging as cw_logging
from clearway.platform.auth import resolve_token
from clearway.platform.capability import Capability
from clearway.platform.migrate import pending_heads
from clearway.platform.runtime import Runtime

log = logging.getLogger(__name__)


def errors(status: int, issues: Iterable[Issue], headers: dict[str, str] | None = None) -> JSONResponse:
    """Returns the uniform error body: ``{"errors": [{code, message, pointer}]}``."""
    return JSONResponse({"errors": [i.as_dict() for i in issues]}, status_code=status, headers=headers)


def _in_language(request: Request, status: int, issues: Iterable[Issue]) -> JSONResponse:
    """Answers issues in the client's language (``Accept-Language``) when a catalogue speaks it, else in English."""
    runtime = getattr(request.app.state, "runtime", None)
    catalogues = runtime.ports.all(i18n.MessageCatalogue) if runtime is not None else []
    header = request.headers.get("accept-language")
    for catalogue in catalogues if header else []:
        lang = i18n.negotiate(header, catalogue.languages())
        if lang is not None:
            shown = issues if lang == i18n.SOURCE_LANGUAGE else i18n.localise(issues, catalogue.gettext(lang))
            return errors(status, shown, headers={"Content-Language": lang})
    return errors(status, issues)


class RequestContext:
    """The outermost layer of every request: its id, the client address, the body limit, the last resort.

    - the request id (``X-Request-Id`` or a new one) is set for logging and answered in ``x-request-id``;
    - bodies over the limit get 413, whether declared by Content-Length or streamed in chunks: the bytes are
      counted as they arrive and reading stops at the limit;
    - an unexpected error is logged with the request id and answered 500 with that id in the body.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, metrics: Metrics) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = _request_id(headers.get(b"x-request-id"))
        rid_token = cw_logging.request_id.set(rid)
        client = scope.get("client")
        addr_token = cw_logging.client_address.set(str(client[0]) if client else None)
        start = time.perf_counter()
        status = [500]
        started = [False]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                started[0] = True
                status[0] = int(message["status"])
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
            await send(message)

        declared = headers.get(b"content-length")
        try:
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
                await self._too_large(scope, receive, send_with_id)
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
                await self.app(scope, limited, send_with_id)
            except _TooLarge:
                if not started[0]:
                    await self._too_large(scope, receive, send_with_id)
            except Exception:
                log.exception("unexpected error on %s %s [request id %s]", scope.get("method"), scope.get("path"), rid)
                if not started[0]:
                    await _internal_error(rid)(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(method, path, str(status[0])).inc()
            self.metrics.latency.labels(method, path).observe(time.perf_counter() - start)
            cw_logging.client_address.reset(addr_token)
            cw_logging.request_id.reset(rid_token)

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


_RID = re.compile(r"[A-Za-z0-9._\-]{1,64}")


def _request_id(given: bytes | None) -> str:
    """Returns the caller's request id when it is a plain token of up to 64 characters, else a new one."""
    if given:
        text_ = given.decode("latin-1")
        if _RID.fullmatch(text_):
            return text_
    return uuid.uuid4().hex[:16]


def _internal_error(rid: str) -> JSONResponse:
    return errors(
        500,
        [
            Issue(
                "INTERNAL",
                f"an unexpected error occurred; it has been logged with request id {rid}",
                "",
            )
        ],
    )


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
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    metrics = Metrics()
    app.state.metrics = metrics
    app.include_router(platform_api.router)
    for cap in caps:
        for router in cap.routers:
            app.include_router(router)
    _install_error_handlers(app)
    _install_ops_routes(app, runtime, metrics)
    _install_docs(app)
    _install_openapi(app, [platform_api.DecisionIn, *openapi_models])

    app.add_middleware(RequestContext, max_bytes=runtime.settings.max_body_bytes, metrics=metrics)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ValidationFailed)
    async def _invalid(request: Request, exc: ValidationFailed) -> JSONResponse:
        return _in_language(request, 422, exc.issues)

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
        code = {
            401: "UNAUTHENTICATED",
            403: "FORBIDDEN",
            404: "NOT_FOUND",
            405: "METHOD_NOT_ALLOWED",
            413: "BODY_TOO_LARGE",
            429: "TOO_MANY_REQUESTS",
        }.get(exc.status_code, f"HTTP_{exc.status_code}")
        return errors(exc.status_code, [Issue(code, str(exc.detail), "")], headers=dict(exc.headers or {}))

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, _exc: ClientDisconnect) -> JSONResponse:
        log.info("client went away during %s %s", request.method, request.url.path)
        return errors(400, [Issue("CLIENT_DISCONNECTED", "the client closed the connection", "")])

    @app.exception_handler(OverflowError)
    async def _overflow(_: Request, _exc: OverflowError) -> JSONResponse:
        return errors(422, [Issue("NUMBER_OUT_OF_RANGE", "a number in the request is out of range", "")])

    @app.exception_handler(DataError)
    async def _data_error(_: Request, exc: DataError) -> JSONResponse:
        log.warning("value refused by the database: %s", str(exc.orig)[:200])
        return errors(422, [Issue("VALUE_OUT_OF_RANGE", "a value in the request is out of range for storage", "")])

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, _exc: Exception) -> JSONResponse:
        rid = cw_logging.request_id.get() or "-"
        log.exception("unexpected error on %s %s [request id %s]", request.method, request.url.path, rid)
        return _internal_error(rid)


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

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics (configured networks, admins, or the metrics token)",
        response_class=PlainTextResponse,
    )
    def prometheus(request: Request) -> Response:
        _check_metrics_access(request, runtime)
        for collect in runtime.caches.get("platform.metrics_collectors", []):
            collect(metrics.registry)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


def _allowed_networks(spec: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    nets = []
    for part in spec.split(","):
        if part.strip():
            try:
                nets.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                log.warning("CLEARWAY_METRICS_ALLOW: '%s' is not a network; ignored", part.strip()[:60])
    return nets


def _check_metrics_access(request: Request, runtime: Runtime) -> None:
    """Lets /metrics through for a configured client network, the metrics token, or an admin's token."""
    host = request.client.host if request.client else ""
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        addr = None
    if addr is not None and any(addr in net for net in _allowed_networks(runtime.settings.metrics_allow)):
        return
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if token:
        wanted = runtime.settings.metrics_token
        if wanted and hmac.compare_digest(token.encode(), wanted.encode()):
            return
        with runtime.uow(readonly=True) as uow:
            principal = resolve_token(uow, token, runtime.clock())
        if principal is not None and principal.role == "admin":
            return
    raise StarletteHTTPException(
        403, "metrics are served to the configured networks (CLEARWAY_METRICS_ALLOW), admins and the metrics token"
    )


STATIC = Path(__file__).parent / "static"


def _install_docs(app: FastAPI) -> None:
    """Serves Swagger UI and ReDoc with their assets from this process (no CDN: works offline)."""
    from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

    app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui-assets")
    app.mount("/redoc/assets", StaticFiles(directory=str(STATIC / "redoc")), name="redoc-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{app.title} — API",
            redoc_js_url="/redoc/assets/redoc.standalone.js",
            redoc_favicon_url="/docs/assets/favicon-32x32.png",
            with_google_fonts=False,
        )


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
