"""Lodgement over HTTP, behind the routes of ``api``: the formats other capabilities read and answer in, what
lodging needs from the runtime, reading a JSON body, lodging one declaration or a batch, and the lodge answer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from fastapi import Response
from fastapi.responses import JSONResponse

from clearway.core.issues import Issue, ValidationFailed
from clearway.declarations import lodging, service, validation
from clearway.declarations.model import Declaration, DeclarationData
from clearway.declarations.ports import ValidationRelief
from clearway.declarations.schemas import IssueOut, LodgedOut
from clearway.platform import i18n
from clearway.platform.auth import Principal
from clearway.platform.runtime import Runtime
from clearway.reference import service as reference_service

Parser = Callable[[bytes], DeclarationData]


class Renderer(Protocol):
    """Answers a lodgement in the submitter's own format (e.g. WCO DM XML responses)."""

    def accepted(self, decl: Declaration, replayed: bool) -> Response:
        """Answers an accepted (or replayed) lodgement."""
        ...

    def rejected(self, issues: list[Issue]) -> Response:
        """Answers a rejected lodgement with every issue."""
        ...


def register_renderer(runtime: Runtime, media_type: str, renderer: Renderer) -> None:
    """Lets a capability answer lodgements made in its media type in that same format."""
    runtime.caches.setdefault("declarations.renderers", {})[media_type] = renderer


def register_parser(runtime: Runtime, media_type: str, parser: Parser) -> None:
    """Lets a capability accept declarations in another format (e.g. WCO DM XML) on the lodge endpoint."""
    runtime.caches.setdefault("declarations.parsers", {})[media_type] = parser


def lodge_context(runtime: Runtime, uow: Any) -> lodging.LodgeContext:
    """Builds what lodging needs from the runtime's settings and caches."""
    s = runtime.settings
    return lodging.LodgeContext(
        nomenclature=reference_service.nomenclature(uow, runtime.caches),
        country=s.country,
        selectivity=lodging.Selectivity(s.selectivity_red_rate, s.selectivity_yellow_rate, s.secret_key),
        party_ids=s.party_id_check_digits,
    )


def _checked(body: bytes | str | dict[str, Any], runtime: Runtime) -> DeclarationData:
    """Reads a JSON declaration (schema, data requirements, derivations); the rules run on lodging.

    When reading finds problems, the rules run too, so that the answer lists every issue at once.
    """
    today = runtime.clock().date()
    party_ids = runtime.settings.party_id_check_digits
    checked = validation.check(body, validation.CheckContext(None, today=today, party_ids=party_ids))
    if checked.issues or checked.data is None:
        with runtime.uow(readonly=True) as uow:
            nomenclature = reference_service.nomenclature(uow, runtime.caches)
        full = validation.check(body, validation.CheckContext(nomenclature, today=today, party_ids=party_ids))
        raise ValidationFailed(full.issues or checked.issues)
    return checked.data


def parse_declaration(runtime: Runtime, body: bytes, content_type: str) -> DeclarationData:
    """Parses a lodged body as JSON or through a registered parser for its media type."""
    media = content_type.split(";")[0].strip().lower()
    if media in {"", "application/json"}:
        return _checked(body, runtime)
    parser = runtime.caches.get("declarations.parsers", {}).get(media)
    if parser is None:
        raise ValidationFailed(
            [
                Issue(
                    "MEDIA_TYPE",
                    f"cannot read '{media}'; send application/json"
                    + (
                        " or " + ", ".join(runtime.caches.get("declarations.parsers", {}))
                        if runtime.caches.get("declarations.parsers")
                        else ""
                    ),
                    "",
                )
            ]
        )
    data: DeclarationData = parser(body)
    return data


def lodged_out(decl: Declaration, replayed: bool, warnings: Sequence[Issue] = ()) -> LodgedOut:
    """Describes a lodged declaration in the lodge answer, with what was accepted but should be looked at."""
    return LodgedOut(
        warnings=[IssueOut(code=w.code, message=w.message, pointer=w.pointer) for w in warnings],
        mrn=decl.mrn,
        lrn=decl.data.lrn,
        status=decl.status.value,
        status_label=decl.status.label,
        lane=decl.lane.value if decl.lane else None,
        replayed=replayed,
        links={
            "self": f"/api/v1/declarations/{decl.mrn}",
            "notifications": f"/api/v1/declarations/{decl.mrn}/notifications",
        },
    )


def relief_may_apply(runtime: Runtime, content_type: str) -> bool:
    """Tells whether an incomplete JSON declaration may still be accepted provisionally (a relief port exists)."""
    if content_type.split(";")[0].strip().lower() not in {"", "application/json"}:
        return False
    with runtime.uow(readonly=True) as uow:
        return bool(uow.ports.all(ValidationRelief))


def lodge_now(
    runtime: Runtime, data: DeclarationData | bytes, principal: Principal, message: lodging.Message | None = None
) -> service.LodgeResult:
    """Lodges one declaration in its own transaction."""
    with runtime.uow() as uow:
        result = lodging.lodge(uow, data, principal=principal, ctx=lodge_context(runtime, uow), message=message)
        uow.commit()
    return result


def lodge_many(
    runtime: Runtime, items: list[Any], principal: Principal, accept_language: str | None = None
) -> Response:
    """Lodges each item on its own (a savepoint each); warnings and errors are answered in the language of
    ``Accept-Language`` as a single lodging's are (codes and pointers never change)."""

    def said(issues: Iterable[Issue]) -> list[Issue]:
        return i18n.in_language(runtime.ports, accept_language, issues)

    def rejected(index: int, issues: Iterable[Issue]) -> dict[str, Any]:
        return {"index": index, "status": "rejected", "errors": [i.as_dict() for i in said(issues)]}

    results: list[dict[str, Any]] = []
    with runtime.uow() as uow:
        ctx = lodge_context(runtime, uow)
        for index, item in enumerate(items):
            try:
                data = _checked(item if isinstance(item, dict) else _dumps(item), runtime)
            except ValidationFailed as exc:
                results.append(rejected(index, exc.issues))
                continue
            savepoint = uow.conn.begin_nested()
            try:
                result = lodging.lodge(uow, data, principal=principal, ctx=ctx)
                savepoint.commit()
            except ValidationFailed as exc:
                savepoint.rollback()
                results.append(rejected(index, exc.issues))
                continue
            except Exception as exc:
                savepoint.rollback()
                code = getattr(exc, "code", "INTERNAL")
                results.append(
                    {
                        "index": index,
                        "status": "rejected",
                        "errors": [{"code": code, "message": str(exc), "pointer": ""}],
                    }
                )
                continue
            out = lodged_out(result.declaration, result.replayed, said(result.warnings)).model_dump(mode="json")
            results.append({"index": index, **out, "status": out["status"]})
        uow.commit()
    accepted = sum(1 for r in results if "mrn" in r)
    return JSONResponse({"accepted": accepted, "rejected": len(results) - accepted, "results": results})


def _dumps(item: Any) -> str:
    return json.dumps(item)
