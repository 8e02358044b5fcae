"""Maps the goods items (GovernmentAgencyGoodsItem) and documents of a WCO DM declaration."""

from __future__ import annotations

from typing import Any

from clearway.core.issues import Issue
from clearway.interchange.xmlnode import Node, Reading

# Classification types (UK CDS): TSP/CN combined nomenclature (8 digits), TRC TARIC (2 more digits);
# national additional codes (TRA, GN…) are kept in the extensions, not in the commodity code.
_NOMENCLATURE_TYPES = frozenset({"TSP", "CN", "HS", ""})


def read_documents(r: Reading, nodes: list[Node], item: int | None, ptr_index: int, out: list[dict[str, Any]]) -> int:
    """Reads AdditionalDocument / PreviousDocument elements as documents, numbering them from ptr_index."""
    for node in nodes:
        kind = (node.text("CategoryCode") or "") + (node.text("TypeCode") or "")
        ref = node.text("ID")
        if not kind or ref is None:
            continue
        r.source(f"/documents/{ptr_index}/type", node.at("TypeCode"))
        r.source(f"/documents/{ptr_index}/reference", node.at("ID"))
        out.append({"type": kind[:10], "reference": ref[:70], "item_sequence": item})
        ptr_index += 1
    return ptr_index


def _commodity_code(r: Reading, item: Node, ptr: str) -> str | None:
    commodity = item.one("Commodity")
    classes = commodity.all("Classification") if commodity else []
    base: str | None = None
    taric: str | None = None
    for c in classes:
        kind = (c.text("IdentificationTypeCode") or "").upper()
        value = c.text("ID")
        if value is None:
            continue
        if kind in _NOMENCLATURE_TYPES and base is None:
            base = value
            r.source(ptr, c.at("ID"))
        elif kind == "TRC":
            taric = value
    if base is None:
        r.source(ptr, item.at("Commodity/Classification/ID"))
        r.issues.append(
            Issue(
                "REQUIRED", "the commodity code (Classification/ID) is required", item.at("Commodity/Classification/ID")
            )
        )
        return None
    if taric and len(base) == 8 and base.isdigit() and len(taric) == 2 and taric.isdigit():
        return base + taric
    return base


def _procedure(r: Reading, item: Node, ptr: str) -> str | None:
    for proc in item.all("GovernmentProcedure"):
        current, previous = proc.text("CurrentCode"), proc.text("PreviousCode")
        if current is not None and previous is not None:
            r.source(ptr, proc.at("CurrentCode"))
            return current + previous
    r.source(ptr, item.at("GovernmentProcedure/CurrentCode"))
    r.issues.append(
        Issue(
            "REQUIRED",
            "the procedure (GovernmentProcedure CurrentCode + PreviousCode) is required",
            item.at("GovernmentProcedure/CurrentCode"),
        )
    )
    return None


def _packages(r: Reading, item: Node, ptr: str) -> dict[str, Any] | None:
    packs = item.all("Packaging")
    if not packs:
        r.source(ptr, item.at("Packaging"))
        r.issues.append(
            Issue(
                "REQUIRED",
                "the packaging (number and type of packages) is required",
                item.at("Packaging/QuantityQuantity"),
            )
        )
        return None
    count = 0
    for p in packs:
        count += r.integer(p.text("QuantityQuantity"), p.at("QuantityQuantity"), "QuantityQuantity") or 0
    first = packs[0]
    r.source(f"{ptr}/count", first.at("QuantityQuantity"))
    r.source(f"{ptr}/kind", first.at("TypeCode"))
    r.source(f"{ptr}/marks", first.at("MarksNumbersID"))
    marks = "; ".join(m for m in (p.text("MarksNumbersID") for p in packs) if m) or None
    return {"count": count, "kind": first.text("TypeCode"), "marks": marks[:512] if marks else None}


def _item(r: Reading, item: Node, index: int) -> dict[str, Any]:
    ptr = f"/goods_items/{index}"
    out: dict[str, Any] = {}
    r.source(f"{ptr}/sequence", item.at("SequenceNumeric"))
    out["sequence"] = r.integer(item.text("SequenceNumeric"), item.at("SequenceNumeric"), "SequenceNumeric")
    if out["sequence"] is None and item.text("SequenceNumeric") is None:
        r.issues.append(
            Issue("REQUIRED", "the goods item number (SequenceNumeric) is required", item.at("SequenceNumeric"))
        )
    out["description"] = r.require(item, "Commodity/Description", f"{ptr}/description", "the description of goods")
    out["commodity_code"] = _commodity_code(r, item, f"{ptr}/commodity_code")
    out["origin_country"] = r.require(item, "Origin/CountryCode", f"{ptr}/origin_country", "the country of origin")
    net_path, gross_path = (
        item.at("Commodity/GoodsMeasure/NetNetWeightMeasure"),
        item.at("Commodity/GoodsMeasure/GrossMassMeasure"),
    )
    out["net_mass"] = r.decimal(
        r.require(item, "Commodity/GoodsMeasure/NetNetWeightMeasure", f"{ptr}/net_mass", "the net mass"),
        net_path,
        "net mass",
    )
    gross_raw = item.text("Commodity/GoodsMeasure/GrossMassMeasure")
    r.source(f"{ptr}/gross_mass", gross_path)
    if gross_raw is None:
        out["gross_mass"] = out["net_mass"]
        r.derive(f"{ptr}/gross_mass", net_path, "no gross mass declared: the net mass")
    else:
        out["gross_mass"] = r.decimal(gross_raw, gross_path, "gross mass")
    qty_path = item.at("Commodity/GoodsMeasure/TariffQuantity")
    r.source(f"{ptr}/quantity", qty_path)
    r.source(f"{ptr}/unit", qty_path)
    qty_raw = item.text("Commodity/GoodsMeasure/TariffQuantity")
    if qty_raw is not None:
        out["quantity"] = r.decimal(qty_raw, qty_path, "TariffQuantity")
        out["unit"] = item.attr("Commodity/GoodsMeasure/TariffQuantity", "unitCode") or "H87"
        if item.attr("Commodity/GoodsMeasure/TariffQuantity", "unitCode") is None:
            r.derive(f"{ptr}/unit", qty_path, "supplementary units without a unitCode: pieces (H87)")
    else:
        out["quantity"], out["unit"] = out["net_mass"], "KGM"
        r.derive(f"{ptr}/quantity", net_path, "no supplementary units: the net mass in kilograms")
        r.derive(f"{ptr}/unit", net_path, "no supplementary units: kilograms")
    price_path = item.at("Commodity/InvoiceLine/ItemChargeAmount")
    r.source(f"{ptr}/invoice_amount", price_path)
    r.source(f"{ptr}/invoice_currency", price_path)
    price_raw = item.text("Commodity/InvoiceLine/ItemChargeAmount")
    currency = item.attr("Commodity/InvoiceLine/ItemChargeAmount", "currencyID")
    if price_raw is None and item.text("StatisticalValueAmount") is not None:
        price_raw = item.text("StatisticalValueAmount")
        currency = item.attr("StatisticalValueAmount", "currencyID")
        price_path = item.at("StatisticalValueAmount")
        r.derive(f"{ptr}/invoice_amount", price_path, "no item price declared: the statistical value")
        r.derive(f"{ptr}/invoice_currency", price_path, "currency of the statistical value")
    if price_raw is None:
        r.issues.append(Issue("REQUIRED", "the item price (InvoiceLine/ItemChargeAmount) is required", price_path))
    elif currency is None:
        r.issues.append(Issue("REQUIRED", "the item price needs its currencyID", price_path))
    out["invoice_amount"] = r.decimal(price_raw, price_path, "item price")
    out["invoice_currency"] = currency
    out["valuation_method"] = r.require(
        item, "CustomsValuation/MethodCode", f"{ptr}/valuation_method", "the valuation method"
    )
    out["procedure_code"] = _procedure(r, item, f"{ptr}/procedure_code")
    out["packages"] = _packages(r, item, f"{ptr}/packages")
    regimes = [f.text("DutyRegimeCode") for f in (item.one("Commodity") or item).all("DutyTaxFee")]
    claimed = next((c for c in regimes if c and not c.startswith("1")), None)
    r.source(f"{ptr}/preference", item.at("Commodity/DutyTaxFee/DutyRegimeCode"))
    out["preference"] = claimed
    return out


def read_items(r: Reading, gs: Node, doc_index: int, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reads every goods item in document order, and their documents after the header's."""
    nodes = gs.all("GovernmentAgencyGoodsItem")
    if not nodes:
        r.issues.append(
            Issue("ITEMS_REQUIRED", "a declaration needs at least one goods item", gs.at("GovernmentAgencyGoodsItem"))
        )
    items = []
    for index, node in enumerate(nodes):
        item = _item(r, node, index)
        items.append(item)
        seq = item["sequence"] if isinstance(item["sequence"], int) else None
        doc_index = read_documents(r, node.all("AdditionalDocument"), seq, doc_index, documents)
        doc_index = read_documents(r, node.all("PreviousDocument"), seq, doc_index, documents)
    return items


__all__ = ["read_documents", "read_items"]
