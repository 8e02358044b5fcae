"""Any mutation of a WCO DM declaration maps, or is rejected with pointers; it never crashes."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from clearway.core.codes import HsEntry, Nomenclature
from clearway.core.issues import ValidationFailed
from clearway.declarations import rules
from clearway.declarations.examples import example_declaration
from clearway.interchange import example, mapping

BASE = example.declaration_xml(example_declaration("FUZZ-1"))
NOMENCLATURE = Nomenclature.of([HsEntry("851713", "Smartphones", 6), HsEntry("847130", "Laptops", 6)])
VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", " ", "-1", "1E+999999", "NaN", "Infinity", "²", "0", "9" * 30, "1.23456789", "XX"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_declarations_never_crash(data: st.DataObject) -> None:
    root = etree.fromstring(BASE)
    elements = [e for e in root.iter() if e is not root]
    for _ in range(data.draw(st.integers(1, 6))):
        target = data.draw(st.sampled_from(elements))
        if data.draw(st.booleans()):
            parent = target.getparent()
            if parent is not None and target in list(parent):
                parent.remove(target)
        else:
            text = data.draw(VALUES)
            target.text = "".join(ch for ch in text if ch.isprintable())
    body = etree.tostring(root)
    try:
        decl, _ = mapping.parse(body, today=date(2026, 11, 28))
    except ValidationFailed as exc:
        assert exc.issues
        assert all(i.pointer.startswith("/") and i.message for i in exc.issues)
        return
    for issue in rules.validate(decl, rules.RuleContext(NOMENCLATURE)):
        assert issue.pointer.startswith("/")
