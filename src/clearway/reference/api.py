"""Reference data routes: look up the loaded HS nomenclature."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from clearway.platform.deps import PrincipalDep, RuntimeDep
from clearway.reference import service

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])


class HsOut(BaseModel):
    """A nomenclature line."""

    code: str
    description: str
    level: int
    parent: str | None


@router.get("/hs", response_model=list[HsOut], summary="Search the loaded HS nomenclature by code prefix")
def search_hs(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    prefix: Annotated[str, Query(min_length=2, max_length=10, pattern=r"^\d+$")],
) -> list[HsOut]:
    del principal
    with runtime.uow(readonly=True) as uow:
        return [
            HsOut(code=e.code, description=e.description, level=e.level, parent=e.parent)
            for e in service.search(uow, prefix)
        ]
