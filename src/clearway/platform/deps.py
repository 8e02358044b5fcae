"""FastAPI dependencies: the runtime, the caller, and request-body parsing with clear errors."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from clearway.core.issues import Issue, ValidationFailed, pointer
from clearway.platform.auth import TOKEN_CACHE, Principal, resolve_token
from clearway.platform.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="A token from `clearway token create` or `clearway demo`")
M = TypeVar("M", bound=BaseModel)


def get_runtime(request: Request) -> Runtime:
    """Returns the runtime the app was built with."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def current_principal(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Authenticates the bearer token (or the console's session); 401 when missing or not valid."""
    token = credentials.credentials if credentials else request.cookies.get("clearway_token")
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


def parse_json(model: type[M], body: bytes) -> M:
    """Parses and validates a JSON body strictly, reporting every problem at once."""
    if not body.strip():
        raise ValidationFailed([Issue("BODY_EMPTY", "the request body is empty; send a JSON document", "")])
    try:
        return model.model_validate_json(body)
    except PydanticValidationError as exc:
        raise ValidationFailed(issues_from_pydantic(exc)) from None
