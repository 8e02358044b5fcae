"""A mandate is in force from its start until its end or its revocation, for the procedures it names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clearway.mandates.model import Mandate, valid_party_id, valid_procedure

T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _mandate(**kw: object) -> Mandate:
    values: dict[str, object] = {
        "id": "m1",
        "principal_id": "PE20512345671",
        "agent_id": "PE20100047218",
        "procedures": ("40",),
        "valid_from": T0,
        "valid_to": T0 + timedelta(days=30),
        "granted_by": "importer.pacifico",
        "granted_role": "declarant",
        "granted_at": T0,
        "reason": "broker appointed",
    }
    values.update(kw)
    return Mandate(**values)  # type: ignore[arg-type]


def test_in_force_between_start_and_end_only() -> None:
    m = _mandate()
    assert not m.in_force(T0 - timedelta(seconds=1)) and m.status(T0 - timedelta(seconds=1)) == "pending"
    assert m.in_force(T0) and m.status(T0) == "active"
    assert not m.in_force(T0 + timedelta(days=30)) and m.status(T0 + timedelta(days=30)) == "expired"


def test_revocation_ends_it_from_that_moment() -> None:
    m = _mandate(revoked_at=T0 + timedelta(days=2), revoked_by="importer.pacifico", revoke_reason="broker changed")
    assert m.in_force(T0 + timedelta(days=1))
    assert not m.in_force(T0 + timedelta(days=2)) and m.status(T0 + timedelta(days=3)) == "revoked"


def test_procedures_match_by_prefix_and_all_covers_every_one() -> None:
    m = _mandate()
    assert m.covers("4000") and m.covers("40") and m.covers(None)
    assert not m.covers("5100") and not m.covers("4")
    assert _mandate(procedures=("all",)).covers("5100")


def test_party_ids_and_procedure_codes_are_plain_ascii() -> None:
    assert valid_party_id("PE20512345671")
    for bad in ("", "P", "pe20512345678", "PE2051234567\u0410", "PE205\x00123", "PE\u202e2051", "A" * 41):
        assert not valid_party_id(bad), bad
    assert valid_procedure("all") and valid_procedure("40") and valid_procedure("4000")
    assert not valid_procedure("400") and not valid_procedure("4O") and not valid_procedure("ALL")


def test_the_party_acted_for_is_the_exporter_only_on_exports() -> None:
    from clearway.mandates.service import is_export

    assert is_export("EX", ["1000"])
    assert not is_export("IM", ["1000"]), "SUNAT regime 10 is import for consumption"
    assert is_export("CO", ["1000", "1100"])
    assert not is_export("CO", ["4000"])
