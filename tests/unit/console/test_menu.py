"""The console's menus: every role's access keys are unique and never shadow a key a page uses for its own buttons."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearway.console import render

TEMPLATES = Path(render.__file__).parent / "templates"


def page_keys() -> set[str]:
    keys: set[str] = set()
    for tpl in TEMPLATES.glob("*.html"):
        if tpl.name != "base.html":
            keys |= set(re.findall(r'accesskey="(\w)"', tpl.read_text(encoding="utf-8")))
    return keys


@pytest.mark.parametrize("role", sorted(render.NAV))
def test_each_menu_key_is_unique_and_free(role: str) -> None:
    primary, more = render.NAV[role]
    keys = [ak for _, _, _, ak in (*primary, *more)]
    assert len(keys) == len(set(keys)), f"{role}: {keys}"
    assert not set(keys) & page_keys(), f"{role}: {sorted(set(keys) & page_keys())} are used by page buttons"
    assert "s" not in keys  # the MRN search box


def test_every_staff_page_is_in_some_menu() -> None:
    reachable = {path for primary, more in render.NAV.values() for _, _, path, _ in (*primary, *more)}
    for path in ("/console/risk", "/console/crisis", "/console/exchange", "/console/training", "/console/workforce"):
        assert path in reachable
