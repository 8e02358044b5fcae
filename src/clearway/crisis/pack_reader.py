"""Reading a crisis protocol pack from its YAML text, safely, and the stored packs read once per process.

YAML anchors and aliases are refused (no billion-laughs expansion through a pack), dates stay text so that the
pack checker (``crisis.pack_check``) reports a malformed one, and a pack is at most ``MAX_PACK_BYTES``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from clearway.core.issues import Conflict, Issue
from clearway.crisis.model import Pack
from clearway.crisis.pack_check import parse_pack

MAX_PACK_BYTES = 1_000_000


class _NoAliases(yaml.SafeLoader):
    """A YAML loader that refuses anchors and aliases (no billion-laughs expansion through a pack)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases are not allowed in a pack", event.start_mark)
        return super().compose_node(parent, index)


# Dates stay text: the pack checker reads them and reports a malformed one instead of the YAML library failing.
_NoAliases.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_pack(text: str, known_hs: Callable[[str], bool] | None = None) -> tuple[Pack | None, list[Issue]]:
    """Reads a pack from its YAML text and checks it whole: the pack, or every problem found."""
    if len(text.encode("utf-8")) > MAX_PACK_BYTES:
        return None, [Issue("PACK_TOO_LARGE", f"a pack is at most {MAX_PACK_BYTES // 1000} kB", "")]
    try:
        doc = yaml.load(text, Loader=_NoAliases)  # noqa: S506 - a SafeLoader subclass that also refuses aliases
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Issue("PACK_YAML", f"the file is not valid YAML{where}: {str(problem)[:200]}", "")]
    return parse_pack(doc, known_hs)


_PARSED: dict[tuple[str, str, str], Pack] = {}


def stored_pack(row: dict[str, Any]) -> Pack:
    """Returns a stored pack version, read once per process (a loaded version never changes)."""
    key = (row["id"], row["version"], row["sha256"])
    pack = _PARSED.get(key)
    if pack is None:
        pack, issues = read_pack(row["source_text"])
        if pack is None:  # checked when loaded; a stored pack that no longer reads is a defect, said plainly
            raise Conflict(
                f"stored pack {row['id']} {row['version']} no longer reads: {issues[:3]}", code="PACK_BROKEN"
            )
        _PARSED[key] = pack
    return pack
