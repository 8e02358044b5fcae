"""Helpers the command-line entrypoints share: open the runtime on a migrated database."""

from __future__ import annotations

from clearway.platform import cli_i18n
from clearway.platform.migrate import upgrade
from clearway.platform.runtime import Runtime
from clearway.platform.settings import get_settings

_RUNTIME: list[Runtime] = []


def set_runtime_factory_result(runtime: Runtime) -> None:
    """Installs the runtime the CLI uses (the bootstrap builds it with every capability subscribed)."""
    _RUNTIME[:] = [runtime]


def open_runtime() -> Runtime:
    """Returns the CLI's runtime, its database migrated to the latest schema."""
    if not _RUNTIME:
        _RUNTIME.append(Runtime.build(get_settings()))
    runtime = _RUNTIME[0]
    if not runtime.caches.get("platform.migrated"):
        upgrade(runtime.engine)
        runtime.caches["platform.migrated"] = True
    return runtime


def _(message: str) -> str:
    """Translates a message the CLI prints into its language (``--lang``, ``CLEARWAY_LANG``, ``LANG``)."""
    return cli_i18n.gettext(message)


def N_(message: str) -> str:
    """Marks a message for extraction without translating it (it is translated where it is printed)."""
    return message
