"""Validates WCO DM response documents against the DMS response schema in ../shared/data/wco-dms."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from tests.conftest import shared_data


@lru_cache(maxsize=1)
def _schema(root: Path) -> etree.XMLSchema:
    notification = root / "schemas" / "wco" / "notification"
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
                 schemaLocation="{(notification / "DocumentMetaData_2_DMS.xsd").as_uri()}"/>
      <xs:import namespace="urn:wco:datamodel:WCO:RES-DMS:2"
                 schemaLocation="{(notification / "WCO_RES_2_DMS.xsd").as_uri()}"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


def assert_valid_response(body: bytes) -> None:
    """Fails with the schema's messages when the document is not a valid WCO DM RES document."""
    schema = _schema(shared_data("wco-dms"))
    doc = etree.fromstring(body)
    if not schema.validate(doc):
        raise AssertionError("\n".join(str(e) for e in schema.error_log))
