"""Reading a WCO DM document by class/tag path, remembering where each value came from."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lxml import etree

from clearway.core.issues import Issue

# Classes that repeat: their path always carries the occurrence, e.g. GovernmentAgencyGoodsItem[2].
ALWAYS_INDEXED = frozenset({"GovernmentAgencyGoodsItem"})


class Node:
    """An element with its WCO class/tag path (e.g. /Declaration/GoodsShipment/Importer)."""

    __slots__ = ("_groups", "_nodes", "el", "path")

    def __init__(self, el: etree._Element, path: str) -> None:
        self.el = el
        self.path = path
        self._groups: dict[str, list[etree._Element]] | None = None
        self._nodes: dict[str, list[Node]] = {}

    def all(self, name: str) -> list[Node]:
        """Returns the children of that name, each with its indexed path when there are several."""
        nodes = self._nodes.get(name)
        if nodes is not None:
            return nodes
        if self._groups is None:
            self._groups = {}
            for child in self.el:
                tag = child.tag
                if isinstance(tag, str):
                    self._groups.setdefault(tag.rpartition("}")[2], []).append(child)
        found = self._groups.get(name, [])
        if len(found) > 1 or name in ALWAYS_INDEXED:
            nodes = [Node(c, f"{self.path}/{name}[{i}]") for i, c in enumerate(found, 1)]
        else:
            nodes = [Node(c, f"{self.path}/{name}") for c in found]
        self._nodes[name] = nodes
        return nodes

    def one(self, path: str) -> Node | None:
        """Returns the first element at a relative path such as 'Consignment/GoodsLocation'."""
        node: Node | None = self
        for name in path.split("/"):
            if node is None:
                return None
            children = node.all(name)
            node = children[0] if children else None
        return node

    def at(self, path: str) -> str:
        """Returns the path an element would have (for pointers to missing elements)."""
        return f"{self.path}/{path}"

    def text(self, path: str) -> str | None:
        """Returns the stripped text at a relative path, or None when absent or empty."""
        node = self.one(path)
        if node is None or node.el.text is None:
            return None
        value = node.el.text.strip()
        return value or None

    def attr(self, path: str, name: str) -> str | None:
        """Returns an attribute of the element at a relative path."""
        node = self.one(path)
        return None if node is None else node.el.get(name)


class Reading:
    """What a mapping collected: the XML source of every field, derivations, and problems."""

    def __init__(self) -> None:
        self.sources: dict[str, str] = {}
        self.derived: dict[str, str] = {}
        self.issues: list[Issue] = []

    def source(self, pointer: str, xml_path: str) -> None:
        """Records which XML element a JSON field was read from."""
        self.sources[pointer] = xml_path

    def derive(self, pointer: str, xml_path: str, how: str) -> None:
        """Records a field derived from other data, and from where."""
        self.sources[pointer] = xml_path
        self.derived[pointer] = how

    def require(self, node: Node, path: str, pointer: str, what: str) -> str | None:
        """Reads a value the domain needs, reporting it as missing at its XML path."""
        value = node.text(path)
        self.source(pointer, node.at(path))
        if value is None:
            self.issues.append(Issue("REQUIRED", f"{what} is required", node.at(path)))
        return value

    def decimal(self, raw: str | None, xml_path: str, what: str) -> Decimal | None:
        """Reads a decimal number, reporting a value that is not one."""
        if raw is None:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.issues.append(Issue("XML_VALUE", f"{what} '{raw[:40]}' is not a number", xml_path))
            return None
        if not value.is_finite():
            self.issues.append(Issue("XML_VALUE", f"{what} '{raw[:40]}' is not a finite number", xml_path))
            return None
        return value

    def integer(self, raw: str | None, xml_path: str, what: str) -> int | None:
        """Reads a whole number, reporting a value that is not one."""
        if raw is None:
            return None
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            self.issues.append(Issue("XML_VALUE", f"{what} '{raw[:40]}' is not a whole number", xml_path))
            return None
        return int(raw)
