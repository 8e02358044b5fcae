"""FastAPI dependencies: the runtime, the caller, and request-body parsing with clear errors."""

from __future__ import annotations

import hmac
import re
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from clearway.core.issues import Issue, ValidationFailed, pointer
from clearway.platform.auth import TOKEN_CACHE, Principal, csrf_for, resolve_token
from clearway.platform.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="A token from `clearway token create` or `clearway demo`")
M = TypeVar("M", bound=BaseModel)


MAX_JSON_DEPTH = 64


# A JSON string (skipped whole, brackets inside it do not count) or one structural bracket.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_too_deep(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Tells whether a JSON text nests arrays/objects deeper than ``limit`` (checked before any parser recurses).

    Parsers recurse per level; with a raised recursion limit a hostile 100,000-deep body can overflow the C stack.
    """
    data = text.encode() if isinstance(text, str) else text
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for token in _JSON_TOKENS.finditer(data):
        mark = token.group()
        if mark in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif mark in (b"]", b"}"):
            depth -= 1
    return False


def get_runtime(request: Request) -> Runtime:
    """Returns the runtime the app was built with."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


SESSION_COOKIE = "clearway_token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _check_cookie_request(request: Request, runtime: Runtime, token: str) -> None:
    """Lets the console's session cookie authenticate an API write only as a same-site JSON call with CSRF.

    A browser sends the cookie on any request a foreign page makes it send; such a request cannot read the
    CSRF token, nor (without a CORS preflight, which this API never grants) send a JSON content type.
    """
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise HTTPException(403, "cross-site request refused: the Origin is not this site")
    if request.method not in _UNSAFE:
        return  # reads: a SameSite=Strict cookie is not sent cross-site, and CORS keeps the answer from others
    submitted = request.headers.get(CSRF_HEADER, "")
    expected = csrf_for(runtime.settings.secret_key, token)
    if not submitted or not hmac.compare_digest(submitted, expected):
        raise HTTPException(
            403,
            "the session cookie is accepted on /api only with the session's X-CSRF-Token header; "
            "API clients send 'Authorization: Bearer <token>'",
        )
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise HTTPException(403, "with the session cookie, the API takes application/json bodies only")


def current_principal(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Authenticates the bearer token (or the console's session, with CSRF); 401 when missing or not valid."""
    token = credentials.credentials if credentials else None
    if token is None and (cookie := request.cookies.get(SESSION_COOKIE)):
        if request.url.path.startswith("/api"):
            _check_cookie_request(request, runtime, cookie)
        token = cookie
    if not token:
        raise HTTPException(
            401,
            "authentication required: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = TOKEN_CACHE.get(token)
    if principal is None:
        with runtime.uow(readonly=True) as uow:
            principal = resolve_token(uow, token, runtime.clock())
    if principal is None:
        raise HTTPException(401, "the token is unknown, revoked or expired", headers={"WWW-Authenticate": "Bearer"})
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str) -> Any:
    """Returns a dependency that lets only the given roles through (403 otherwise)."""

    def _check(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, f"role '{principal.role}' may not do this; needs {' or '.join(roles)}")
        return principal

    return Depends(_check)


def issues_from_pydantic(exc: PydanticValidationError, prefix: tuple[str | int, ...] = ()) -> list[Issue]:
    """Turns Pydantic errors into issues with JSON pointers and stable codes."""
    issues = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind = err["type"]
        code = {
            "missing": "REQUIRED",
            "extra_forbidden": "UNKNOWN_FIELD",
            "json_invalid": "JSON_INVALID",
        }.get(kind, "SCHEMA_" + kind.upper())
        message = err["msg"]
        if kind == "missing":
            message = f"'{loc[-1]}' is required" if loc else "a value is required"
        elif kind == "extra_forbidden":
            message = f"'{loc[-1]}' is not a field of this message"
        issues.append(Issue(code, message, pointer(*prefix, *loc)))
    return issues


def json_body(schema: str) -> dict[str, Any]:
    """Returns the ``openapi_extra`` of a route that reads its JSON body itself (:func:`parse_json`): a required
    body of the named component schema."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }


def parse_json(model: type[M], body: bytes) -> M:
    """Parses and validates a JSON body strictly, reporting every problem at once."""
    if not body.strip():
        raise ValidationFailed([Issue("BODY_EMPTY", "the request body is empty; send a JSON document", "")])
    try:
        if json_too_deep(body):
            raise ValidationFailed([Issue("JSON_INVALID", f"the body nests deeper than {MAX_JSON_DEPTH} levels", "")])
        return model.model_validate_json(body)
    except PydanticValidationError as exc:
        raise ValidationFailed(issues_from_pydantic(exc)) from None


# Bounds of integer query and path parameters: what a signed 64-bit database column can hold.
MAX_INT = 2**63 - 1
BoundedId = Annotated[int, Query(ge=0, le=MAX_INT)]
BoundedLimit = Annotated[int, Query(ge=1, le=1000)]


def change_reason(request: Request) -> str:
    """Returns the reason a caller gives for an administrative change (``X-Change-Reason`` header)."""
    return request.headers.get("x-change-reason", "").strip()[:1000]


ReasonDep = Annotated[str, Depends(change_reason)]
