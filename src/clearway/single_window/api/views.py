"""What the single-window routes share: the errors they answer, how a body they parse themselves is documented,
and the API views of agencies, requirements, applications and permits."""

from __future__ import annotations

from typing import Any

from clearway.single_window.model import Agency, Permit, Requirement
from clearway.single_window.schemas import AgencyOut, AppEventOut, ApplicationOut, PermitOut, RequirementOut

PREFIX = "/api/v1/single-window"


def json_body(model: str, *extra_media: str) -> dict[str, Any]:
    """Documents a JSON body the route parses itself (so the OpenAPI page and fuzzers know it)."""
    content: dict[str, Any] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}
    for media in extra_media:
        content[media] = {"schema": {"type": "string"}}
    return {"requestBody": {"required": True, "content": content}}


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token"},
    403: {"description": "Your role may not do this"},
    404: {"description": "No such thing visible to you"},
    409: {"description": "Someone else acted first, or the state does not allow it"},
    422: {"description": "Every problem with the request, with pointers"},
}


def agency_out(a: Agency) -> AgencyOut:
    """Describes an agency."""
    return AgencyOut(code=a.code, name=a.name, domain=a.domain, automated_decisions=a.automated_decisions)


def requirement_out(r: Requirement) -> RequirementOut:
    """Describes a requirement version."""
    return RequirementOut(
        id=r.rule_id,
        version=r.version,
        agency=r.agency,
        hs=[str(s) for s in r.hs],
        origins=sorted(r.origins),
        procedures=list(r.procedures),
        end_uses=sorted(r.end_uses),
        needs=[{"kind": n.kind, "name": n.name} for n in r.needs],
        auto=r.auto,
        description=r.description,
        effective_from=r.effective_from,
        effective_to=r.effective_to,
    )


def application_out(
    app: dict[str, Any], agencies: dict[str, Agency], events: list[dict[str, Any]] | None = None
) -> ApplicationOut:
    """Describes an application, with its history when given."""
    agency = agencies.get(app["agency"])
    return ApplicationOut(
        **{k: app[k] for k in ApplicationOut.model_fields if k in app and k not in {"history"}},
        agency_label=agency.label if agency else app["agency"],
        history=[AppEventOut.model_validate(e) for e in events or []],
    )


def permit_out(p: Permit, draws: list[dict[str, Any]] | None = None) -> PermitOut:
    """Describes a permit."""
    return PermitOut(
        number=p.number,
        agency=p.agency,
        holder_id=p.holder_id,
        kind=p.kind,
        standing=p.standing,
        hs=[str(s) for s in p.hs],
        valid_from=p.valid_from,
        valid_to=p.valid_to,
        unit=p.unit,
        quantity=p.quantity,
        remaining=p.remaining,
        revoked=p.revoked,
        drawdowns=draws or [],
    )
