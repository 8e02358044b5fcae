"""Realistic synthetic declarations for the demo, tests and benchmarks (written for the project)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Goods:
    """A kind of goods the generator declares, with its typical price and mass."""

    code: str
    description: str
    unit: str
    unit_price: Decimal  # USD per unit
    kg_per_unit: Decimal
    origins: tuple[str, ...]
    package_kind: str = "CT"


CATALOGUE: tuple[Goods, ...] = (
    Goods(
        "851713",
        "Smartphones, 6.1 inch, 128 GB, unlocked",
        "H87",
        Decimal("120"),
        Decimal("0.22"),
        ("CN", "VN", "KR"),
    ),
    Goods("847130", "Laptop computers, 15.6 inch, 8 GB RAM", "H87", Decimal("420"), Decimal("1.9"), ("CN", "TW")),
    Goods(
        "852872",
        "Colour LED television sets, 55 inch",
        "H87",
        Decimal("260"),
        Decimal("14.5"),
        ("MX", "CN", "KR"),
    ),
    Goods(
        "850760",
        "Lithium-ion battery packs for electric bicycles, 36 V",
        "H87",
        Decimal("85"),
        Decimal("2.6"),
        ("CN",),
    ),
    Goods(
        "841510",
        "Split air conditioners, 12000 BTU, wall type",
        "H87",
        Decimal("210"),
        Decimal("32"),
        ("CN", "TH"),
    ),
    Goods(
        "845011",
        "Front-load washing machines, 8 kg capacity",
        "H87",
        Decimal("230"),
        Decimal("62"),
        ("KR", "CN", "MX"),
    ),
    Goods(
        "610910",
        "Men's T-shirts of cotton, knitted",
        "H87",
        Decimal("2.10"),
        Decimal("0.18"),
        ("BD", "PE", "CN"),
        "BL",
    ),
    Goods(
        "620342",
        "Men's cotton denim trousers",
        "H87",
        Decimal("7.50"),
        Decimal("0.55"),
        ("BD", "CO", "CN"),
        "BL",
    ),
    Goods(
        "640411",
        "Running shoes with textile uppers and rubber soles",
        "PR",
        Decimal("11"),
        Decimal("0.8"),
        ("VN", "CN", "BR"),
    ),
    Goods("640399", "Leather dress shoes for men", "PR", Decimal("19"), Decimal("1.1"), ("BR", "IT", "CN")),
    Goods("080390", "Fresh Cavendish bananas", "KGM", Decimal("0.38"), Decimal("1"), ("EC", "CO"), "BX"),
    Goods("080510", "Fresh Valencia oranges", "KGM", Decimal("0.55"), Decimal("1"), ("CL", "US"), "BX"),
    Goods("080610", "Fresh table grapes, Red Globe", "KGM", Decimal("1.60"), Decimal("1"), ("CL",), "BX"),
    Goods(
        "090111",
        "Green Arabica coffee beans, not roasted",
        "KGM",
        Decimal("4.20"),
        Decimal("1"),
        ("CO", "BR"),
        "BG",
    ),
    Goods(
        "100590",
        "Yellow maize for animal feed",
        "KGM",
        Decimal("0.21"),
        Decimal("1"),
        ("AR", "US", "BR"),
        "VR",
    ),
    Goods("220421", "Red wine, Malbec, bottles of 750 ml", "LTR", Decimal("4.80"), Decimal("1.35"), ("AR", "CL")),
    Goods("220830", "Scotch whisky, bottles of 700 ml", "LTR", Decimal("16"), Decimal("1.4"), ("GB",)),
    Goods(
        "240220",
        "Cigarettes containing tobacco, cartons of 200",
        "H87",
        Decimal("9"),
        Decimal("0.25"),
        ("PY", "US"),
    ),
    Goods(
        "300490",
        "Paracetamol 500 mg tablets, boxes of 100",
        "H87",
        Decimal("1.30"),
        Decimal("0.07"),
        ("IN", "CO"),
    ),
    Goods(
        "300420",
        "Amoxicillin 500 mg capsules, boxes of 21",
        "H87",
        Decimal("2.40"),
        Decimal("0.04"),
        ("IN", "MX"),
    ),
    Goods(
        "330499",
        "Moisturising face cream, jars of 50 ml",
        "H87",
        Decimal("3.20"),
        Decimal("0.09"),
        ("FR", "KR", "BR"),
    ),
    Goods(
        "392690",
        "Plastic storage boxes with lids, 20 litres",
        "H87",
        Decimal("1.90"),
        Decimal("0.6"),
        ("CN",),
    ),
    Goods(
        "401110",
        "Radial tyres for passenger cars, 205/55 R16",
        "H87",
        Decimal("38"),
        Decimal("8.5"),
        ("CN", "TH", "BR"),
    ),
    Goods(
        "720851",
        "Hot-rolled non-alloy steel plates, 12 mm thick",
        "KGM",
        Decimal("0.62"),
        Decimal("1"),
        ("CN", "BR", "MX"),
        "NE",
    ),
    Goods(
        "870323",
        "Passenger cars, petrol engine 1600 cc, new",
        "H87",
        Decimal("11800"),
        Decimal("1250"),
        ("JP", "KR", "MX"),
        "NE",
    ),
    Goods(
        "870380",
        "Battery-electric passenger cars, new",
        "H87",
        Decimal("21500"),
        Decimal("1700"),
        ("CN", "US"),
        "NE",
    ),
    Goods("871120", "Motorcycles, 150 cc, petrol", "H87", Decimal("640"), Decimal("115"), ("IN", "CN"), "CR"),
    Goods(
        "901839",
        "Sterile hypodermic needles, single use",
        "H87",
        Decimal("0.04"),
        Decimal("0.002"),
        ("CN", "US"),
    ),
    Goods("910211", "Quartz wrist-watches with steel case", "H87", Decimal("14"), Decimal("0.12"), ("CN", "CH")),
    Goods(
        "950300",
        "Plastic building-block toy sets for children",
        "SET",
        Decimal("6.50"),
        Decimal("0.7"),
        ("CN",),
    ),
    Goods("950662", "Inflatable footballs, size 5", "H87", Decimal("3.40"), Decimal("0.45"), ("PK", "CN")),
)

IMPORTERS: tuple[tuple[str, str], ...] = (
    ("PE20512345671", "Importaciones Pacífico SAC"),
    ("PE20601122333", "Tecnología Andina SA"),
    ("PE20455667781", "Distribuidora Lima Norte EIRL"),
    ("PE20333444551", "Frutas del Sur SAC"),
    ("PE20987654326", "Farmacias Unidas SA"),
    ("PE20777888995", "Autos del Callao SAC"),
    ("PE20222333114", "Textiles Gamarra SAC"),
    ("PE20111000221", "Moda Express EIRL"),
)
BROKERS: tuple[tuple[str, str], ...] = (
    ("PE20100047218", "Agencia de Aduanas Andina SAC"),
    ("PE20100099889", "Despachos Rápidos del Pacífico SA"),
)
EXPORTERS: dict[str, tuple[str, str]] = {
    "CN": ("CN91440300MA5G", "Guangdong Harbour Trading Co."),
    "VN": ("VN0312345678", "Saigon Export JSC"),
    "KR": ("KR1248100998", "Busan Global Corp."),
    "TW": ("TW22099131", "Taipei Compute Ltd"),
    "MX": ("MXABC010101AB1", "Exportadora del Bajío SA de CV"),
    "TH": ("TH0105548111", "Bangkok Cooling Co."),
    "BD": ("BD000123456", "Dhaka Knitwear Ltd"),
    "PE": ("PE20500011123", "Confecciones Arequipa SAC"),
    "CO": ("CO900123455", "Exportadora Antioquia SAS"),
    "BR": ("BR12345678000195", "Comércio Santos Ltda"),
    "IT": ("IT01234567890", "Calzature Marche SRL"),
    "EC": ("EC0990011223001", "Bananera del Guayas SA"),
    "CL": ("CL761234560", "Agrícola Valle Central SpA"),
    "US": ("US954321987", "Pacific Coast Exports Inc."),
    "AR": ("AR30712345671", "Bodegas de Cuyo SA"),
    "GB": ("GB123456789000", "Highland Spirits Ltd"),
    "PY": ("PY80012345", "Tabacalera del Este SA"),
    "IN": ("IN0512345678", "Hyderabad Pharma Pvt Ltd"),
    "FR": ("FR40303265045", "Laboratoires Provence SAS"),
    "JP": ("JP7010001008844", "Nagoya Motors KK"),
    "CH": ("CHE123456789", "Jura Horlogerie SA"),
    "PK": ("PK1234567", "Sialkot Sports Works"),
}
ROUTES: dict[int, tuple[tuple[str, str], ...]] = {
    1: (
        ("CNSHA", "PECLL"),
        ("CNYTN", "PECLL"),
        ("KRPUS", "PECLL"),
        ("MXZLO", "PECLL"),
        ("CLVAP", "PECLL"),
        ("VNSGN", "PECLL"),
        ("BRSSZ", "PEPAI"),
        ("USLGB", "PECLL"),
        ("ECGYE", "PEPAI"),
        ("COBUN", "PEPAI"),
    ),
    4: (("USMIA", "PELIM"), ("CNPVG", "PELIM"), ("GBLHR", "PELIM"), ("CLSCL", "PELIM"), ("MXMEX", "PELIM")),
    3: (("CLARI", "PETCQ"), ("BOLPB", "PEDES")),
}
OFFICE_FOR_DISCHARGE = {
    "PECLL": "PECLL",
    "PEPAI": "PEPAI",
    "PELIM": "PELIM",
    "PETCQ": "PETCQ",
    "PEDES": "PEDES",
}
INCOTERMS = ("FOB", "FOB", "FOB", "CIF", "CFR", "EXW", "FCA", "DAP")
CENT = Decimal("0.01")
GRAM = Decimal("0.001")


def _money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


# SUNAT customs regimes the demo lodges, with their share: the requested procedure of procedure_code
# (regime 10 with no previous regime = 1000). See declarations/matrices/pe-sunat.yaml.
REGIMES: tuple[tuple[str, str, int], ...] = (
    ("10", "importación para el consumo", 80),
    ("20", "admisión temporal para reexportación en el mismo estado", 7),
    ("21", "admisión temporal para perfeccionamiento activo", 5),
    ("70", "depósito aduanero", 8),
)


def regime_for(lrn: str) -> str:
    """Picks the SUNAT regime of a demo declaration from its LRN (stable, and draws nothing from the rng)."""
    bucket = int(hashlib.sha256(lrn.encode()).hexdigest()[:8], 16) % 100
    for code, _name, share in REGIMES:
        if bucket < share:
            return code
        bucket -= share
    return REGIMES[0][0]


def declaration(
    rng: random.Random,
    *,
    lrn: str,
    arrival: date,
    items: int | None = None,
    importer_index: int | None = None,
) -> dict[str, Any]:
    """Generates one valid import declaration document (as the API takes it)."""
    mode = rng.choices((1, 4, 3), weights=(70, 22, 8))[0]
    loading, discharge = rng.choice(ROUTES[mode])
    origin_hint = loading[:2]
    imp_id, imp_name = (
        IMPORTERS[importer_index % len(IMPORTERS)] if importer_index is not None else rng.choice(IMPORTERS)
    )
    broker_id, broker_name = rng.choice(BROKERS)
    n_items = items or rng.choices((1, 2, 3, 4, 6), weights=(35, 25, 20, 12, 8))[0]
    goods = rng.sample(CATALOGUE, k=min(n_items, len(CATALOGUE)))
    doc_items = []
    procedure = f"{regime_for(lrn)}00"
    total = Decimal(0)
    packages_total = 0
    for seq, g in enumerate(goods, start=1):
        origin = origin_hint if origin_hint in g.origins and rng.random() < 0.7 else rng.choice(g.origins)
        qty = Decimal(rng.choice((1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000)))
        if g.unit == "KGM":
            qty = Decimal(rng.randrange(500, 25000, 50))
        if g.code.startswith("87"):
            qty = Decimal(rng.randint(1, 12))
        price = g.unit_price * Decimal(str(round(rng.uniform(0.8, 1.25), 3)))
        amount = _money(price * qty)
        net = (g.kg_per_unit * qty).quantize(GRAM)
        gross = (net * Decimal(str(round(rng.uniform(1.03, 1.18), 3)))).quantize(GRAM)
        pkgs = max(1, int(gross / Decimal(rng.choice((15, 20, 25, 500)))))
        packages_total += pkgs
        total += amount
        doc_items.append(
            {
                "sequence": seq,
                "description": g.description,
                "commodity_code": g.code,
                "origin_country": origin,
                "quantity": str(qty),
                "unit": g.unit,
                "net_mass": str(net),
                "gross_mass": str(gross),
                "invoice_amount": str(amount),
                "invoice_currency": "USD",
                "valuation_method": "1",
                "procedure_code": procedure,
                "packages": {"count": pkgs, "kind": g.package_kind},
                **({"preference": "PA"} if origin in {"CL", "CO", "MX"} and rng.random() < 0.6 else {}),
            }
        )
    incoterm = rng.choice(INCOTERMS)
    exporter_country = str(doc_items[0]["origin_country"])
    exp_id, exp_name = EXPORTERS.get(exporter_country, EXPORTERS["CN"])
    freight = (
        _money(total * Decimal(str(round(rng.uniform(0.02, 0.08), 4)))) if incoterm in {"EXW", "FCA", "FOB"} else None
    )
    insurance = _money(total * Decimal("0.005")) if incoterm in {"EXW", "FCA", "FOB", "CFR"} else None
    means = {
        1: f"IMO{rng.randint(9000000, 9899999)}",
        4: f"{rng.choice(('LA', 'AV', 'CM', 'AA'))}{rng.randint(100, 2999)}",
        3: f"{rng.choice(('CL', 'BO'))}-{rng.randint(1000, 9999)}",
    }[mode]
    invoice_number = f"INV-{rng.randint(10000, 99999)}"
    doc: dict[str, Any] = {
        "type": "IM",
        "additional_type": "A",
        "lrn": lrn,
        "office": OFFICE_FOR_DISCHARGE[discharge],
        "declarant": {"id": broker_id, "name": broker_name, "country": "PE"},
        "importer": {"id": imp_id, "name": imp_name, "country": "PE"},
        "exporter": {"id": exp_id, "name": exp_name, "country": exporter_country},
        "representative": {"id": broker_id, "name": broker_name, "country": "PE", "representation": "direct"},
        "consignment": {
            "transport_mode": mode,
            "means_id": means,
            "means_nationality": rng.choice(("PA", "LR", "MH", "PE", "CL"))
            if mode == 1
            else loading[:2]
            if mode == 3
            else "PE",
            "loading_place": loading,
            "discharge_place": discharge,
            "arrival_date": arrival.isoformat(),
        },
        "invoice": {
            "number": invoice_number,
            "incoterm": incoterm,
            "currency": "USD",
            "total_amount": str(total),
            **({"freight": str(freight)} if freight is not None else {}),
            **({"insurance": str(insurance)} if insurance is not None else {}),
        },
        "goods_items": doc_items,
        "documents": [
            {"type": "N935", "reference": invoice_number},
            {
                "type": "N705" if mode == 1 else "N740" if mode == 4 else "N730",
                "reference": f"BL{rng.randint(10**8, 10**9)}",
            },
        ],
        "total_items": len(doc_items),
        "total_packages": packages_total,
    }
    return doc


def declarations(
    rng: random.Random, count: int, *, start: date, days: int, lrn_prefix: str = "DEMO"
) -> list[tuple[date, dict[str, Any]]]:
    """Generates declarations spread over a number of days from a start date, oldest first."""
    out = []
    for i in range(count):
        day = start + timedelta(days=int(i * days / max(count, 1)))
        out.append((day, declaration(rng, lrn=f"{lrn_prefix}-{day:%y%m%d}-{i:05d}", arrival=day)))
    return out
