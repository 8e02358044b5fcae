"""Comparing and merging criteria documents: by name, with defaults, numbers written differently are equal."""

from __future__ import annotations

from clearway.risk import criteria

RULE = {"name": "a", "lane": "red", "conditions": [{"field": "origin", "op": "eq", "value": "CN"}]}


def test_removed_added_changed_and_settings_are_named() -> None:
    current = {"rules": [RULE, {**RULE, "name": "b"}], "watchlists": [{"name": "w", "severity": "high", "parties": []}],
               "random_red": "0.10"}  # fmt: skip
    proposed = {"rules": [{**RULE, "lane": "yellow"}, {**RULE, "name": "c"}], "random_red": 0.1, "red_capacity": "0.2"}
    d = criteria.diff(current, proposed, 4)
    assert [(c.kind, c.name) for c in d.removed] == [("rule", "b"), ("watchlist", "w")]
    assert [c.name for c in d.of("added")] == ["c"]
    assert [(c.name, c.fields) for c in d.of("changed")] == [("a", ["lane"])]
    assert d.settings == [("red_capacity", "0.10", "0.2")]  # 0.10 and 0.1 are the same share
    assert d.as_dict()["base_version"] == 4 and not d.empty


def test_a_field_left_to_its_default_is_no_change() -> None:
    stored = {"rules": [RULE]}
    from_form = {"rules": [{**RULE, "weight": 1, "description": "", "active": True, "mandatory": False}]}
    d = criteria.diff(stored, from_form)
    assert d.empty and d.unchanged == 1


def test_merge_keeps_what_the_file_does_not_name() -> None:
    current = {"rules": [RULE, {**RULE, "name": "b"}], "watchlists": [{"name": "w", "severity": "low", "parties": []}],
               "random_yellow": "0.05"}  # fmt: skip
    merged = criteria.merge(current, {"rules": [{**RULE, "name": "b", "lane": "green"}], "random_red": "0.01"})
    assert [(r["name"], r["lane"]) for r in merged["rules"]] == [("a", "red"), ("b", "green")]
    assert merged["watchlists"] == current["watchlists"]
    assert merged["random_yellow"] == "0.05" and merged["random_red"] == "0.01"
    assert not criteria.diff(current, merged).removed
