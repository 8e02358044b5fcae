"""A registry of typed ports: objects that capabilities provide and use cases look up by protocol.

The platform knows no capability and no port: a use case names the protocol it needs (for example
``clearway.declarations.ports.ReleaseGate``) and gets every registered object that implements it, in the order
the bootstrap registered them. Protocols are ``runtime_checkable``.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

T = TypeVar("T")


class Ports:
    """Holds the port objects of every capability; answers which implement a protocol."""

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._by_type: dict[type[Any], list[Any]] = {}

    def add(self, obj: Any) -> None:
        """Registers a port object (it may implement several protocols)."""
        self._items.append(obj)
        self._by_type.clear()

    def all(self, protocol: type[T]) -> list[T]:
        """Returns every registered object that implements the protocol, in registration order."""
        found = self._by_type.get(protocol)
        if found is None:
            found = [o for o in self._items if isinstance(o, protocol)]
            self._by_type[protocol] = found
        return cast(list[T], found)
