"""An amendment's data elements are laid over the declaration: matched by sequence or identity, else added."""

from __future__ import annotations

from lxml import etree

from clearway.interchange.amend import overlay

ORIGINAL = b"""<Declaration><InvoiceAmount currencyID="GBP">100</InvoiceAmount>
<GoodsShipment>
  <GovernmentAgencyGoodsItem><SequenceNumeric>1</SequenceNumeric>
    <AdditionalDocument><CategoryCode>N</CategoryCode><ID>INV-1</ID><TypeCode>935</TypeCode></AdditionalDocument>
    <AdditionalDocument><CategoryCode>C</CategoryCode><ID>LIC-1</ID><TypeCode>640</TypeCode>
      <LPCOExemptionCode>EA</LPCOExemptionCode></AdditionalDocument>
    <Commodity><InvoiceLine><ItemChargeAmount currencyID="GBP">60</ItemChargeAmount></InvoiceLine></Commodity>
  </GovernmentAgencyGoodsItem>
  <GovernmentAgencyGoodsItem><SequenceNumeric>2</SequenceNumeric>
    <Commodity><InvoiceLine><ItemChargeAmount currencyID="GBP">40</ItemChargeAmount></InvoiceLine></Commodity>
  </GovernmentAgencyGoodsItem>
</GoodsShipment></Declaration>"""


def test_values_are_replaced_where_sequence_and_identity_match() -> None:
    target = etree.fromstring(ORIGINAL)
    changes = etree.fromstring(b"""<Declaration><InvoiceAmount currencyID="EUR">90</InvoiceAmount><GoodsShipment>
      <GovernmentAgencyGoodsItem><SequenceNumeric>2</SequenceNumeric>
        <Commodity><InvoiceLine><ItemChargeAmount currencyID="EUR">30</ItemChargeAmount></InvoiceLine></Commodity>
      </GovernmentAgencyGoodsItem>
      <GovernmentAgencyGoodsItem><SequenceNumeric>1</SequenceNumeric>
        <AdditionalDocument><CategoryCode>C</CategoryCode><ID>LIC-1</ID><TypeCode>640</TypeCode>
          <LPCOExemptionCode>EE</LPCOExemptionCode></AdditionalDocument>
        <AdditionalDocument><CategoryCode>9</CategoryCode><ID>WKS</ID><TypeCode>WKS</TypeCode></AdditionalDocument>
      </GovernmentAgencyGoodsItem></GoodsShipment></Declaration>""")
    overlay(target, changes)
    amount = target.find("InvoiceAmount")
    assert amount is not None and (amount.text, amount.get("currencyID")) == ("90", "EUR")
    items = target.findall("GoodsShipment/GovernmentAgencyGoodsItem")
    assert len(items) == 2
    assert items[0].findtext("Commodity/InvoiceLine/ItemChargeAmount") == "60"
    assert items[1].findtext("Commodity/InvoiceLine/ItemChargeAmount") == "30"
    documents = items[0].findall("AdditionalDocument")
    assert [d.findtext("ID") for d in documents] == ["INV-1", "LIC-1", "WKS"]
    assert documents[1].findtext("LPCOExemptionCode") == "EE"


def test_a_new_goods_item_is_added() -> None:
    target = etree.fromstring(ORIGINAL)
    overlay(
        target,
        etree.fromstring(
            b"<Declaration><GoodsShipment><GovernmentAgencyGoodsItem><SequenceNumeric>3</SequenceNumeric>"
            b"</GovernmentAgencyGoodsItem></GoodsShipment></Declaration>"
        ),
    )
    assert [i.findtext("SequenceNumeric") for i in target.findall("GoodsShipment/GovernmentAgencyGoodsItem")] == [
        "1",
        "2",
        "3",
    ]
