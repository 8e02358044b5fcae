"""Validation issues: what is wrong, where, and what to do about it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with a submission, with a stable code and a JSON pointer to the field."""

    code: str
    message: str
    pointer: str

    def as_dict(self) -> dict[str, str]:
        """Returns the issue as the API reports it."""
        return {"code": self.code, "message": self.message, "pointer": self.pointer}


class ValidationFailed(Exception):
    """Raised when a submission has one or more issues; carries all of them at once."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = list(issues)
        super().__init__(f"{len(self.issues)} validation issue(s)")


class DomainError(Exception):
    """A request the domain refuses (wrong state, not allowed); carries a stable code."""

    code = "DOMAIN"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    """The thing asked for does not exist, or the caller may not know it exists."""

    code = "NOT_FOUND"


class Conflict(DomainError):
    """Someone else changed the thing first, or the request clashes with what exists."""

    code = "CONFLICT"


class Forbidden(DomainError):
    """The caller's role may not do this."""

    code = "FORBIDDEN"


def pointer(*parts: str | int) -> str:
    """Builds an RFC 6901 JSON pointer from path parts."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "/" + "/".join(escaped) if parts else ""
