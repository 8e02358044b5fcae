"""Demo seed: the small nomenclature written for the project."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from clearway.platform.capability import DemoContext
from clearway.reference import service


def demo_nomenclature_path() -> Path:
    """Returns the path of the demo nomenclature shipped with Clearway."""
    return Path(str(resources.files("clearway.demo").joinpath("data/demo_hs.csv")))


def seed_demo(ctx: DemoContext) -> None:
    """Loads the demo nomenclature."""
    with ctx.runtime.uow() as uow:
        count = service.load_hs_file(uow, demo_nomenclature_path())
        uow.commit()
    ctx.say(f"reference: loaded {count} HS lines (demo nomenclature)")
