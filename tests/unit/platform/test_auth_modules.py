"""``clearway.platform.auth`` split into principal, passwords and tokens: every name callers import from auth
still comes from there, and the process-wide caches are one object each (clearing one clears what sign-in uses)."""

from __future__ import annotations

from clearway.platform import auth, passwords, principal, tokens

PUBLIC = (
    "CUSTOMS_STAFF", "DEFAULT_TOKEN_DAYS", "MAX_TOKEN_DAYS", "ROLES", "THROTTLE", "TOKEN_CACHE", "TOKEN_PREFIX",
    "LoginThrottled", "Principal", "TokenInfo", "UserInfo", "authenticate_password", "check_password", "create_token",
    "csrf_for", "disable_user", "ensure_user", "get_token_info", "hash_password", "hash_token", "list_tokens",
    "list_users", "principal_for_user", "resolve_token", "revoke_token", "revoke_token_id", "revoke_tokens",
    "set_password", "user_exists",
)  # fmt: skip


def test_every_public_name_is_still_importable_from_auth() -> None:
    assert sorted(auth.__all__) == sorted(PUBLIC)
    missing = [name for name in PUBLIC if not hasattr(auth, name)]
    assert not missing


def test_the_caches_and_the_principal_are_the_same_objects_everywhere() -> None:
    assert auth.TOKEN_CACHE is tokens.TOKEN_CACHE and auth.THROTTLE is passwords.THROTTLE
    assert auth.Principal is principal.Principal and auth.ROLES == (
        "declarant",
        "officer",
        "supervisor",
        "agency",
        "admin",
    )
    someone = principal.Principal("broker.andina", "declarant", party_id="PE20100047218")
    tokens.TOKEN_CACHE.put("cw_x", someone)
    assert tokens.TOKEN_CACHE.get("cw_x") == someone
    auth.TOKEN_CACHE.clear()
    assert tokens.TOKEN_CACHE.get("cw_x") is None


def test_a_password_hash_checks_only_its_own_password() -> None:
    stored = auth.hash_password("s3cret-pass")
    assert stored.startswith("scrypt$") and "s3cret-pass" not in stored
    assert passwords.check_password("s3cret-pass", stored)
    assert not auth.check_password("s3cret-pasS", stored)
    assert not auth.check_password("s3cret-pass", None) and not auth.check_password("", "scrypt$zz$00")
