"""HTTP routes under /api/v1/ledger: RFC 9162 log reads, DIDs, credentials, the AEO registry, anchors."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from clearway.core.issues import Issue, NotFound, ValidationFailed
from clearway.declarations import service as declarations
from clearway.ledger import aeo, anchor, counterfeit, identity, log, service, store
from clearway.ledger.schemas import (
    AeoImportIn,
    AeoIn,
    AeoOut,
    CheckOut,
    CredentialIn,
    IssuedOut,
    KeyRevocationIn,
    OrgIn,
    PartnerIn,
    RevokeIn,
    VerificationOut,
    VerifyIn,
)
from clearway.platform import audit
from clearway.platform.auth import CUSTOMS_STAFF, Principal
from clearway.platform.deps import MAX_INT, PrincipalDep, ReasonDep, RuntimeDep, parse_json, require_roles
from clearway.platform.runtime import Runtime

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])
OFFICIALS = CUSTOMS_STAFF


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _read(runtime: Runtime, fn: Callable[..., Any], *args: Any) -> Any:
    with runtime.uow(readonly=True) as uow:
        return fn(uow, *args)


def _write(runtime: Runtime, fn: Callable[..., Any], *args: Any) -> Any:
    with runtime.uow() as uow:
        result = fn(uow, *args)
        uow.commit()
    return result


def _audited(
    principal: Principal, action: str, target: str, fn: Callable[[Any], Any], *, reason: str = "", before: Any = None
) -> Callable[[Any], Any]:
    """Wraps an administrative change so that it is audited in the same transaction."""

    def run(uow: Any) -> Any:
        result = fn(uow)
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action=action,
            target=target,
            before=before,
            after=result,
            reason=reason,
        )
        return result

    return run


@router.get("/get-sth", summary="Latest signed tree head (RFC 9162 get-sth)")
def get_sth(runtime: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    head, size = _read(runtime, lambda uow: (log.latest_head(uow.conn), store.tree_size(uow.conn)))
    if head is None or head.tree_size < size:  # sign a head for what was appended since (an empty log too)
        ctx = service.context(runtime)
        head = _write(runtime, lambda uow: log.seal(uow, ctx))
    return dict(head.as_json())


@router.get("/get-sth-consistency", summary="Consistency proof between two tree sizes (RFC 9162)")
def get_sth_consistency(
    runtime: RuntimeDep, _: PrincipalDep, first: Annotated[int, Query(ge=1)], second: Annotated[int, Query(ge=1)]
) -> dict[str, Any]:
    proof = _read(runtime, lambda uow: log.consistency(uow.conn, first, second))
    return {"first": first, "second": second, "consistency": [_b64(p) for p in proof]}


@router.get("/get-proof-by-hash", summary="Inclusion proof of an entry by its leaf hash (RFC 9162)")
def get_proof_by_hash(
    runtime: RuntimeDep,
    _: PrincipalDep,
    hash: Annotated[str, Query(min_length=1)],
    tree_size: Annotated[int, Query(ge=1)],
) -> dict[str, Any]:
    try:
        leaf = base64.b64decode(hash, validate=True)
    except (binascii.Error, ValueError):
        leaf = b""
    if len(leaf) != 32:
        raise ValidationFailed([Issue("HASH_INVALID", "hash must be a base64 SHA-256 leaf hash (32 bytes)", "/hash")])
    idx, path = _read(runtime, lambda uow: log.proof_by_hash(uow.conn, leaf, tree_size))
    return {"leaf_index": idx, "tree_size": tree_size, "audit_path": [_b64(p) for p in path]}


@router.get(
    "/get-entries",
    summary="Entries start..end (RFC 9162): leaf hashes for all; contents for customs staff and the entry's party",
)
def get_entries(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    start: Annotated[int, Query(ge=0, le=MAX_INT)],
    end: Annotated[int, Query(ge=0, le=MAX_INT)],
) -> dict[str, Any]:
    return {"entries": _read(runtime, lambda uow: service.visible_entries(uow, principal, start, end))}


@router.get("/dids/{org_id}/did.json", summary="An organisation's DID document (did:web) with dated keys")
def get_did(org_id: str, runtime: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return dict(_read(runtime, identity.did_document, org_id))


@router.get("/orgs", summary="Organisations known to the ledger")
def get_orgs(runtime: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return {"data": _read(runtime, identity.list_orgs)}


@router.post("/orgs", status_code=201, summary="Register an organisation of this platform with a signing key")
async def post_org(
    request: Request, runtime: RuntimeDep, reason: ReasonDep, principal: Principal = require_roles("admin")
) -> dict[str, Any]:
    body = parse_json(OrgIn, await request.body())
    ctx = service.context(runtime)
    did = await run_in_threadpool(
        _write,
        runtime,
        _audited(
            principal,
            "ledger.org.create",
            f"org:{body.id}",
            lambda uow: identity.create_org(
                uow, ctx, org_id=body.id, name=body.name, country=body.country, kind=body.kind, party_id=body.party_id
            ),
            reason=reason,
        ),
    )
    return {"id": body.id, "did": did}


@router.post("/orgs/{org_id}/rotate-key", summary="Retire the current key and create the next")
def post_rotate(
    org_id: str, runtime: RuntimeDep, reason: ReasonDep, principal: Principal = require_roles("admin")
) -> dict[str, Any]:
    ctx = service.context(runtime)
    change = _audited(
        principal,
        "ledger.key.rotate",
        f"org:{org_id}",
        lambda uow: identity.rotate_key(uow, ctx, org_id),
        reason=reason,
    )
    return {"kid": _write(runtime, change)}


@router.post("/keys/revoke", summary="Revoke a key from a date")
async def post_revoke_key(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("admin")
) -> dict[str, Any]:
    body = parse_json(KeyRevocationIn, await request.body())
    at = body.at
    if at is not None and at.tzinfo is None:
        raise ValidationFailed([Issue("TIME_ZONE", "give 'at' with a time zone (e.g. Z)", "/at")])

    def revoke(uow: Any) -> Any:
        record = identity.revoke_key(uow, body.kid, reason=body.reason, at=at)
        return {"kid": record.kid, "revoked_at": record.revoked_at}

    done = await run_in_threadpool(
        _write,
        runtime,
        _audited(principal, "ledger.key.revoke", f"key:{body.kid}", revoke, reason=body.reason),
    )
    return {"kid": done["kid"], "revoked_at": done["revoked_at"]}


@router.post("/partners", status_code=201, summary="Register a partner administration from its DID document")
async def post_partner(
    request: Request, runtime: RuntimeDep, reason: ReasonDep, principal: Principal = require_roles("admin")
) -> dict[str, Any]:
    body = parse_json(PartnerIn, await request.body())
    did = await run_in_threadpool(
        _write,
        runtime,
        _audited(
            principal,
            "ledger.partner.register",
            f"org:{body.org_id}",
            lambda uow: identity.register_partner(
                uow,
                org_id=body.org_id,
                name=body.name,
                country=body.country,
                did_document=body.did_document,
                mra_since=body.mra_since,
            ),
            reason=reason,
        ),
    )
    return {"id": body.org_id, "did": did}


@router.get("/status/{org_id}", summary="An issuer's Bitstring Status List credential (revocations)")
def get_status_list(org_id: str, runtime: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    ctx = service.context(runtime)
    return {"status_list_credential": _read(runtime, lambda uow: service.status_list(uow, ctx, org_id))}


def _may_act_for(uow: Any, principal: Principal, org_id: str) -> None:
    """Lets a trader act for its own organisation, an agency user for its agency, officials for the administration."""
    org = store.get_org(uow.conn, org_id)
    allowed = (
        org is not None
        and not org.is_foreign
        and (
            (principal.is_trader and org.party_id is not None and org.party_id == principal.party_id)
            or (principal.role == "agency" and org.kind == "agency" and (principal.agency or "").lower() == org.id)
            or (principal.role in ("supervisor", "admin") and org.kind == "administration")
        )
    )
    if not allowed:
        raise NotFound(f"no organisation '{org_id}' you may sign for")


@router.post("/credentials", status_code=201, response_model=IssuedOut, summary="Issue a credential (VC 2.0 as JWS)")
async def post_credential(request: Request, runtime: RuntimeDep, principal: PrincipalDep) -> IssuedOut:
    body = parse_json(CredentialIn, await request.body())
    for name in ("valid_from", "valid_until"):
        value = getattr(body, name)
        if value is not None and value.tzinfo is None:
            raise ValidationFailed([Issue("TIME_ZONE", f"give {name} with a time zone (e.g. Z)", f"/{name}")])
    ctx = service.context(runtime)

    def run(uow: Any) -> service.Issued:
        _may_act_for(uow, principal, body.org)
        return service.issue(
            uow,
            ctx,
            org_id=body.org,
            kind=body.kind,
            subject=body.subject,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
        )

    issued = await run_in_threadpool(_write, runtime, run)
    return IssuedOut(
        id=issued.id, kind=issued.kind, jwt=issued.jwt, leaf_index=issued.log_index, leaf_hash=_b64(issued.leaf_hash)
    )


@router.post("/credentials/verify", response_model=VerificationOut, summary="Verify a presented credential")
async def post_verify(request: Request, runtime: RuntimeDep, _: PrincipalDep) -> VerificationOut:
    body = parse_json(VerifyIn, await request.body())
    ctx = service.context(runtime)
    result = await run_in_threadpool(_read, runtime, lambda uow: service.verify(uow, ctx, body.jwt))
    return verification_out(result)


def verification_out(result: service.Verification) -> VerificationOut:
    """Turns a verification into its JSON answer."""
    r = result.report
    logged = None
    if result.log_index is not None:
        logged = {
            "leaf_index": result.log_index,
            "tree_size": result.tree_size,
            "audit_path": [_b64(p) for p in result.audit_path],
        }
    return VerificationOut(
        verified=r.verified,
        reasons=r.reasons,
        format=CheckOut(ok=r.format.ok, reason=r.format.reason),
        integrity=CheckOut(ok=r.integrity.ok, reason=r.integrity.reason),
        issuer=CheckOut(ok=r.issuer.ok, reason=r.issuer.reason),
        status=CheckOut(ok=r.status.ok, reason=r.status.reason),
        validity=CheckOut(ok=r.validity.ok, reason=r.validity.reason),
        kid=r.kid,
        credential=r.credential,
        log=logged,
    )


@router.get("/credentials/{credential_id}", summary="A credential issued here (its issuer's users and officials)")
def get_credential(credential_id: str, runtime: RuntimeDep, principal: PrincipalDep) -> dict[str, Any]:
    def run(uow: Any) -> dict[str, Any]:
        row = service.get_credential(uow, credential_id)
        if principal.role not in OFFICIALS:
            _may_act_for(uow, principal, row.issuer_org)
        return {
            "id": row.id,
            "kind": row.kind,
            "issuer": row.issuer_org,
            "jwt": row.jwt,
            "leaf_index": row.log_index,
            "revoked_at": store.as_utc(row.revoked_at),
            "revocation_reason": row.revocation_reason,
        }

    try:
        return dict(_read(runtime, run))
    except NotFound:
        raise NotFound(f"no credential {credential_id}") from None


@router.post("/credentials/{credential_id}/revoke", summary="Revoke a credential (its issuer)")
async def post_revoke(
    credential_id: str, request: Request, runtime: RuntimeDep, principal: PrincipalDep
) -> dict[str, Any]:
    body = parse_json(RevokeIn, await request.body())

    def run(uow: Any) -> None:
        try:
            row = service.get_credential(uow, credential_id)
            _may_act_for(uow, principal, row.issuer_org)
        except NotFound:
            raise NotFound(f"no credential {credential_id}") from None
        service.revoke(uow, credential_id, reason=body.reason)
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="ledger.credential.revoke",
            target=f"credential:{credential_id}",
            before={"revoked": False},
            after={"revoked": True},
            reason=body.reason,
        )

    await run_in_threadpool(_write, runtime, run)
    return {"id": credential_id, "revoked": True, "reason": body.reason}


@router.get("/aeo/{trader_id}", response_model=AeoOut, summary="A trader's AEO status on a date (here or under an MRA)")
def get_aeo(
    trader_id: str, runtime: RuntimeDep, principal: PrincipalDep, on: Annotated[date | None, Query()] = None
) -> AeoOut:
    if principal.is_trader and principal.party_id != trader_id:
        raise NotFound(f"no AEO record for {trader_id} visible to you")

    def run(uow: Any) -> AeoOut:
        day = on or uow.clock().date()
        st = aeo.aeo_status(uow, trader_id, on=day)
        return AeoOut(
            trader_id=trader_id,
            on=day,
            status=st.status if st else None,
            recognised=bool(st and st.recognised),
            basis=st.basis if st else "no AEO status known",
            administration=st.administration if st else None,
            country=st.country if st else None,
            since=st.since if st else None,
            history=aeo.history(uow, trader_id),
        )

    return AeoOut.model_validate(_read(runtime, run))


@router.post("/aeo", status_code=201, summary="Publish an AEO status change of this administration")
async def post_aeo(
    request: Request, runtime: RuntimeDep, principal: Principal = require_roles("supervisor", "admin")
) -> dict[str, Any]:
    body = parse_json(AeoIn, await request.body())
    ctx = service.context(runtime)

    def publish(uow: Any) -> Any:
        before = aeo.aeo_status(uow, body.trader_id, on=body.effective_from)
        idx = aeo.publish(
            uow,
            ctx,
            trader_id=body.trader_id,
            trader_name=body.trader_name,
            status=body.status,
            effective_from=body.effective_from,
            reason=body.reason,
        )
        audit.record(
            uow,
            actor=principal.user,
            role=principal.role,
            action="ledger.aeo.publish",
            target=f"trader:{body.trader_id}",
            before={"status": before.status if before else None},
            after={"status": body.status, "effective_from": body.effective_from, "leaf_index": idx},
            reason=body.reason,
        )
        return idx

    idx = await run_in_threadpool(_write, runtime, publish)
    return {"trader_id": body.trader_id, "status": body.status, "leaf_index": idx}


@router.get("/aeo-export", summary="This administration's AEO registry, signed, for partners")
def get_aeo_export(runtime: RuntimeDep, _: Principal = require_roles(*OFFICIALS)) -> dict[str, Any]:
    ctx = service.context(runtime)
    return {"export": _write(runtime, lambda uow: aeo.export(uow, ctx))}


@router.post("/aeo-import", summary="Import a registered partner administration's signed AEO export")
async def post_aeo_import(
    request: Request,
    runtime: RuntimeDep,
    reason: ReasonDep,
    principal: Principal = require_roles("supervisor", "admin"),
) -> dict[str, Any]:
    body = parse_json(AeoImportIn, await request.body())
    ctx = service.context(runtime)
    result = await run_in_threadpool(
        _write,
        runtime,
        _audited(
            principal,
            "ledger.aeo.import",
            "aeo-registry",
            lambda uow: aeo.import_export(uow, ctx, body.export),
            reason=reason,
        ),
    )
    return {"partner": result.partner, "imported": result.imported, "already_known": result.already_known}


@router.get("/anchors", summary="Tree heads anchored on an EVM network")
def get_anchors(runtime: RuntimeDep, _: PrincipalDep) -> dict[str, Any]:
    return {"data": _read(runtime, anchor.list_anchors)}


@router.get("/counterfeit/{mrn}", summary="Anti-counterfeit check of a declaration's products")
def get_counterfeit(mrn: str, runtime: RuntimeDep, principal: PrincipalDep) -> dict[str, Any]:
    def run(uow: Any) -> dict[str, Any]:
        decl = declarations.get_visible(uow, mrn, principal)
        checked, flags = counterfeit.check(uow, decl)
        return {"mrn": decl.mrn, "checked": checked, "flags": [f.as_dict() for f in flags]}

    return dict(_read(runtime, run))
