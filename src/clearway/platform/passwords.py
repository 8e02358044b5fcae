"""Sign-in passwords: scrypt hashes checked in constant cost, and the throttle on failed sign-ins."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

from fastapi import HTTPException


def hash_password(password: str) -> str:
    """Hashes a password with scrypt and a random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


# A hash of a random password: checked against when the user is unknown or has no password, so that the
# answer takes as long as for a known user and does not reveal which names exist.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def check_password(password: str, stored: str | None) -> bool:
    """Tells whether the password matches the stored scrypt hash (same cost when there is none)."""
    real = bool(stored) and str(stored).startswith("scrypt$") and str(stored).count("$") == 2
    _, salt_hex, digest_hex = (str(stored) if real else _DUMMY_HASH).split("$")
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        salt, real = b"\0" * 16, False
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex) and real


class LoginThrottled(HTTPException):
    """Too many failed sign-ins for this account or from this address: 429 with ``Retry-After``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            f"Too many failed sign-in attempts: sign-in is locked for {retry_after} seconds. "
            "Try again later, or ask an administrator to reset your password.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class _Throttle:
    """Failed sign-ins per key in a sliding window; past the limit the key is locked for a while.

    Kept in this process's memory: several processes behind a load balancer each count on their own.
    """

    def __init__(self, *, max_failures: int = 5, window_s: float = 900.0, lock_s: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.lock_s = lock_s
        self._fails: dict[str, list[float]] = {}
        self._locked: dict[str, float] = {}
        self._lock = threading.Lock()

    def limit_for(self, key: str) -> int:
        # An address may carry many users (a broker's office behind one NAT): allow it more attempts.
        return self.max_failures * 4 if key.startswith("addr:") else self.max_failures

    def check(self, keys: list[str], now: float) -> None:
        with self._lock:
            until = max((self._locked.get(k, 0.0) for k in keys), default=0.0)
        if until > now:
            raise LoginThrottled(int(until - now) + 1)

    def fail(self, keys: list[str], now: float) -> None:
        with self._lock:
            if len(self._fails) > 100_000:
                self._fails.clear()
            for key in keys:
                recent = [t for t in self._fails.get(key, []) if t > now - self.window_s]
                recent.append(now)
                self._fails[key] = recent
                if len(recent) >= self.limit_for(key):
                    self._locked[key] = now + self.lock_s
                    self._fails[key] = []

    def succeed(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)

    def reset(self) -> None:
        with self._lock:
            self._fails.clear()
            self._locked.clear()


THROTTLE = _Throttle()
