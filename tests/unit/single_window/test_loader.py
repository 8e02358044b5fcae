"""Requirements files: YAML and CSV read the same way, and every problem is reported with where it is."""

from __future__ import annotations

from datetime import date

import pytest

from clearway.core.issues import ValidationFailed
from clearway.single_window import loader, seed

CSV = """id,agency,agency_name,agency_domain,automated_decisions,hs,origins,needs,auto
SENASA-FRUIT,SENASA,Servicio Nacional de Sanidad Agraria,plant health,true,08|0709,CL|AR,certificate:phytosanitary certificate|inspection:plant health inspection,standing_licence
"""


def test_the_demo_yaml_file_reads_into_agencies_and_rules() -> None:
    doc = loader.parse_yaml(seed.demo_requirements_text())
    assert [a.code for a in doc.agencies] == ["SENASA", "DIGEMID", "MTC", "SUCAMEC"]
    assert doc.effective_from == date(2026, 1, 1)
    fruit = next(r for r in doc.requirements if r.id == "SENASA-PHYTO-FRESH-FRUIT")
    req, issues = loader.requirement_from(fruit.id, fruit, default_from=date(2026, 3, 1), at="")
    assert issues == [] and req is not None
    assert req.effective_from == date(2026, 3, 1)  # the file's default is applied by the loader's caller
    assert [str(s) for s in req.hs] == ["08"]


def test_a_csv_row_becomes_an_agency_and_a_rule() -> None:
    doc = loader.parse_csv(CSV)
    assert doc.agencies[0].automated_decisions is True
    rule = doc.requirements[0]
    assert rule.hs == ["08", "0709"]
    assert rule.origins == ["CL", "AR"]
    assert [(n.kind, n.name) for n in rule.needs] == [
        ("certificate", "phytosanitary certificate"),
        ("inspection", "plant health inspection"),
    ]


def test_csv_problems_point_at_the_row_and_column() -> None:
    with pytest.raises(ValidationFailed) as exc:
        loader.parse_csv(CSV.replace("certificate:phytosanitary certificate", "phytosanitary"))
    assert [(i.code, i.pointer) for i in exc.value.issues] == [("NEED_FORMAT", "/rows/2/needs")]
    with pytest.raises(ValidationFailed) as exc:
        loader.parse_csv("agency,hs\nX,08\n")
    assert exc.value.issues[0].code == "CSV_COLUMNS"


def test_yaml_problems_are_reported_with_pointers() -> None:
    with pytest.raises(ValidationFailed) as exc:
        loader.parse_yaml("requirements:\n  - {id: R1, agency: SENASA, hs: ['08'], needs: [{kind: wish, name: x}]}\n")
    assert exc.value.issues[0].pointer == "/requirements/0/needs/0/kind"
    with pytest.raises(ValidationFailed):
        loader.parse_yaml("- just a list")
    with pytest.raises(ValidationFailed) as exc:
        loader.parse_file("rules.json", "{}")
    assert exc.value.issues[0].code == "FILE_TYPE"


def test_a_bad_hs_spec_is_reported_per_entry() -> None:
    doc = loader.parse_yaml(
        "requirements:\n  - {id: R1, agency: SENASA, hs: ['08', '8x'], needs: [{kind: permit, name: p}]}\n"
    )
    req, issues = loader.requirement_from(
        "R1", doc.requirements[0], default_from=date(2026, 1, 1), at="/requirements/0"
    )
    assert req is None
    assert [(i.code, i.pointer) for i in issues] == [("HS_SPEC", "/requirements/0/hs/1")]
