"""The store builds records and assignments column for field: the tables and the domain objects must agree."""

from __future__ import annotations

import dataclasses

from clearway.workforce import store
from clearway.workforce.model import Assignment, EducationRecord


def test_every_record_and_assignment_column_is_a_field_and_back() -> None:
    for table, cls in ((store.records, EducationRecord), (store.assignments, Assignment)):
        columns = [c.name for c in table.columns]
        fields = [f.name for f in dataclasses.fields(cls)]
        assert sorted(columns) == sorted(fields), table.name
