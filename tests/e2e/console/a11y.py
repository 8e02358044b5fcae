"""axe-core in the browser: every console page the journeys visit is checked; serious or critical violations fail.

axe-core comes from the npm registry, pinned in ``.ci/axe/package.json`` (+ lock) and installed by ``.ci/run``
(``cd .ci/axe && npm ci``). Without it the journeys still run, unchecked, and ``test_axe_is_installed`` says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[3] / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
MISSING = "axe-core is not installed: run `cd .ci/axe && npm ci` (.ci/run does) to check the pages' accessibility"


class Accessibility:
    """Runs axe-core on a page and fails on any serious or critical violation, naming rule, help and elements."""

    def __init__(self, script: Path = AXE) -> None:
        self.script = script if script.exists() else None
        self.checked: list[str] = []

    def check(self, page: Any, name: str) -> None:
        """Checks the page as it is now (the browser context must bypass the page's CSP to inject axe)."""
        if self.script is None:
            return
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(self.script))
        result = page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})); }"
        )
        bad = [v for v in result if v["impact"] in FAILING_IMPACTS]
        self.checked.append(name)
        assert not bad, f"axe-core on {name} ({page.url}):\n" + "\n".join(
            f"- {v['impact']} {v['id']}: {v['help']} — {', '.join(v['nodes'])}" for v in bad
        )
