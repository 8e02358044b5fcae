"""What generated invoices are made of: the layout families and label wordings per language (split into ``dev``
and ``eval``), country and month names, products, parties, number styles and currency symbols.

A data table: ``generator`` prints invoices from it, ``einvoice_samples`` and the demo seed borrow its products,
units and rounding.
"""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")
LANGS = ("en", "es", "pt", "fr")
LAYOUTS = {"dev": ("classic", "sidebyside", "grid"), "eval": ("boxed", "stacked", "compact")}

# Label wordings per language; index parity splits them: even → dev, odd → eval.
WORDS: dict[str, dict[str, list[str]]] = {
    "title": {
        "en": ["COMMERCIAL INVOICE", "INVOICE"],
        "es": ["FACTURA COMERCIAL", "FACTURA"],
        "pt": ["FATURA COMERCIAL", "FATURA"],
        "fr": ["FACTURE COMMERCIALE", "FACTURE"],
    },
    "number": {
        "en": ["Invoice No.", "Invoice Number", "Invoice #", "Invoice Nr"],
        "es": ["Factura N°", "Número de factura", "Factura Nro.", "No. de factura"],
        "pt": ["Fatura Nº", "Número da fatura", "Fatura No.", "Nota Fiscal"],
        "fr": ["Facture N°", "Numéro de facture", "Facture No", "N° de facture"],
    },
    "date": {
        "en": ["Date", "Invoice date", "Date of issue", "Issue date"],
        "es": ["Fecha", "Fecha de emisión", "Fecha de factura", "Fecha"],
        "pt": ["Data", "Data de emissão", "Data da fatura", "Data"],
        "fr": ["Date", "Date de facture", "Date d'émission", "Date de la facture"],
    },
    "seller": {
        "en": ["Seller", "Exporter", "Shipper", "Supplier"],
        "es": ["Vendedor", "Exportador", "Proveedor", "Emisor"],
        "pt": ["Vendedor", "Exportador", "Emitente", "Fornecedor"],
        "fr": ["Vendeur", "Exportateur", "Fournisseur", "Expéditeur"],
    },
    "buyer": {
        "en": ["Buyer", "Bill to", "Consignee", "Sold to"],
        "es": ["Comprador", "Cliente", "Importador", "Consignatario"],
        "pt": ["Comprador", "Importador", "Cliente", "Destinatário"],
        "fr": ["Acheteur", "Client", "Destinataire", "Importateur"],
    },
    "description": {
        "en": ["Description", "Description of goods", "Product", "Goods"],
        "es": ["Descripción", "Producto", "Descripción de la mercancía", "Concepto"],
        "pt": ["Descrição", "Produto", "Descrição do produto", "Mercadoria"],
        "fr": ["Désignation", "Description", "Article", "Libellé"],
    },
    "quantity": {
        "en": ["Qty", "Quantity", "Qty", "Units"],
        "es": ["Cantidad", "Cant.", "Cantidad", "Cant"],
        "pt": ["Quantidade", "Qtd.", "Qtde", "Quantidade"],
        "fr": ["Quantité", "Qté", "Quantité", "Qté"],
    },
    "unit": {
        "en": ["Unit", "UoM", "Unit", "UOM"],
        "es": ["Unidad", "U.M.", "Unidad", "Und."],
        "pt": ["Unidade", "Un.", "Unidade", "UN"],
        "fr": ["Unité", "U.", "Unité", "Unité"],
    },
    "unit_price": {
        "en": ["Unit price", "Price", "Unit value", "Unit Price"],
        "es": ["Precio unitario", "P. unit.", "Precio", "Precio unit."],
        "pt": ["Preço unitário", "Valor unitário", "Vl. unit.", "Preço"],
        "fr": ["Prix unitaire", "P.U.", "Prix unit.", "Prix"],
    },
    "amount": {
        "en": ["Amount", "Total", "Line total", "Amount"],
        "es": ["Importe", "Total", "Valor total", "Precio total"],
        "pt": ["Valor total", "Total", "Vl. total", "Valor"],
        "fr": ["Montant", "Total", "Prix total", "Montant HT"],
    },
    "net": {
        "en": ["Subtotal", "Net amount", "Sub-total", "Net total"],
        "es": ["Subtotal", "Base imponible", "Total neto", "Valor neto"],
        "pt": ["Subtotal", "Valor dos produtos", "Total dos produtos", "Valor líquido"],
        "fr": ["Total HT", "Sous-total", "Montant HT", "Total hors taxes"],
    },
    "tax": {
        "en": ["VAT", "Tax", "Sales tax", "Taxes"],
        "es": ["IVA", "IGV", "Impuestos", "IVA"],
        "pt": ["ICMS", "Impostos", "IPI", "Imposto"],
        "fr": ["TVA", "Taxes", "TVA", "Total TVA"],
    },
    "total": {
        "en": ["Total", "Grand total", "Total due", "Invoice total"],
        "es": ["Total", "Total a pagar", "Importe total", "Total general"],
        "pt": ["Total", "Valor total da nota", "Total geral", "Total a pagar"],
        "fr": ["Total TTC", "Montant total", "Net à payer", "Total à payer"],
    },
    "incoterm": {
        "en": ["Incoterm", "Terms of delivery", "Delivery terms", "Incoterms"],
        "es": ["Incoterm", "Condiciones de entrega", "Condición de venta", "Incoterms"],
        "pt": ["Incoterm", "Condições de entrega", "Condição de entrega", "Incoterms"],
        "fr": ["Incoterm", "Conditions de livraison", "Incoterms", "Conditions de livraison"],
    },
    "gross": {
        "en": ["Gross weight", "Total gross weight", "Gross wt.", "Gross weight"],
        "es": ["Peso bruto", "Peso bruto total", "Peso bruto", "Peso bruto total"],
        "pt": ["Peso bruto", "Peso bruto total", "Peso bruto", "Peso bruto total"],
        "fr": ["Poids brut", "Poids brut total", "Poids brut", "Poids brut total"],
    },
    "netw": {
        "en": ["Net weight", "Total net weight", "Net wt.", "Net weight"],
        "es": ["Peso neto", "Peso neto total", "Peso neto", "Peso neto total"],
        "pt": ["Peso líquido", "Peso líquido total", "Peso líquido", "Peso líquido total"],
        "fr": ["Poids net", "Poids net total", "Poids net", "Poids net total"],
    },
    "origin": {
        "en": ["Country of origin", "Origin", "Made in", "Country of origin"],
        "es": ["País de origen", "Origen", "Hecho en", "País de origen"],
        "pt": ["País de origem", "Origem", "Fabricado em", "País de origem"],
        "fr": ["Pays d'origine", "Origine", "Fabriqué en", "Pays d'origine"],
    },
    "currency": {
        "en": ["Currency", "Currency"],
        "es": ["Moneda", "Divisa"],
        "pt": ["Moeda", "Moeda"],
        "fr": ["Devise", "Devise"],
    },
}
COUNTRY_NAMES = {
    "CN": {"en": "China", "es": "China", "pt": "China", "fr": "Chine"},
    "US": {"en": "United States", "es": "Estados Unidos", "pt": "Estados Unidos", "fr": "États-Unis"},
    "DE": {"en": "Germany", "es": "Alemania", "pt": "Alemanha", "fr": "Allemagne"},
    "BR": {"en": "Brazil", "es": "Brasil", "pt": "Brasil", "fr": "Brésil"},
    "MX": {"en": "Mexico", "es": "México", "pt": "México", "fr": "Mexique"},
    "CO": {"en": "Colombia", "es": "Colombia", "pt": "Colômbia", "fr": "Colombie"},
    "PE": {"en": "Peru", "es": "Perú", "pt": "Peru", "fr": "Pérou"},
    "FR": {"en": "France", "es": "Francia", "pt": "França", "fr": "France"},
    "VN": {"en": "Vietnam", "es": "Vietnam", "pt": "Vietnã", "fr": "Vietnam"},
    "JP": {"en": "Japan", "es": "Japón", "pt": "Japão", "fr": "Japon"},
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "pt": [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}
PRODUCTS = [
    (
        {
            "en": "Smartphone 6.5 inch 128 GB",
            "es": "Teléfono inteligente 6,5 pulgadas 128 GB",
            "pt": "Smartphone 6,5 polegadas 128 GB",
            "fr": "Smartphone 6,5 pouces 128 Go",
        },
        "PCE",
        (90, 400),
        0.22,
    ),
    (
        {
            "en": "Laptop computer 14 inch",
            "es": "Computadora portátil 14 pulgadas",
            "pt": "Notebook 14 polegadas",
            "fr": "Ordinateur portable 14 pouces",
        },
        "PCE",
        (300, 1200),
        1.6,
    ),
    (
        {
            "en": "Cotton T-shirts, men",
            "es": "Camisetas de algodón para hombre",
            "pt": "Camisetas de algodão masculinas",
            "fr": "T-shirts en coton pour homme",
        },
        "PCE",
        (2, 9),
        0.18,
    ),
    (
        {
            "en": "Green coffee beans, arabica",
            "es": "Café verde en grano arábica",
            "pt": "Café verde em grão arábica",
            "fr": "Café vert en grains arabica",
        },
        "KGM",
        (3, 8),
        1.0,
    ),
    (
        {"en": "LED lamps 9W", "es": "Lámparas LED 9W", "pt": "Lâmpadas LED 9W", "fr": "Lampes LED 9W"},
        "PCE",
        (1, 4),
        0.06,
    ),
    (
        {
            "en": "Stainless steel screws M6",
            "es": "Tornillos de acero inoxidable M6",
            "pt": "Parafusos de aço inoxidável M6",
            "fr": "Vis en acier inoxydable M6",
        },
        "KGM",
        (4, 12),
        1.0,
    ),
    (
        {"en": "Leather handbags", "es": "Bolsos de cuero", "pt": "Bolsas de couro", "fr": "Sacs à main en cuir"},
        "PCE",
        (15, 80),
        0.7,
    ),
    (
        {
            "en": "Ceramic floor tiles",
            "es": "Baldosas cerámicas para piso",
            "pt": "Pisos cerâmicos",
            "fr": "Carreaux de sol en céramique",
        },
        "MTK",
        (6, 20),
        18.0,
    ),
    (
        {
            "en": "Bicycle tyres 26 inch",
            "es": "Neumáticos para bicicleta 26 pulgadas",
            "pt": "Pneus para bicicleta 26 polegadas",
            "fr": "Pneus de vélo 26 pouces",
        },
        "PCE",
        (5, 15),
        0.8,
    ),
    (
        {
            "en": "Red wine, bottles 750 ml",
            "es": "Vino tinto, botellas de 750 ml",
            "pt": "Vinho tinto, garrafas 750 ml",
            "fr": "Vin rouge, bouteilles 750 ml",
        },
        "PCE",
        (4, 30),
        1.3,
    ),
]
UNIT_WORDS = {"PCE": ["pcs", "PCE", "un", "u"], "KGM": ["kg", "KGM", "kg", "kg"], "MTK": ["m2", "MTK", "m2", "m2"]}
PARTIES = {
    "CN": [("Shenzhen Bright Electronics Co. Ltd", "USCC 91440300MA5F0XYZ1", "Bao'an District, Shenzhen")],
    "DE": [("Nordlicht Technik GmbH", "VAT DE811234567", "Hafenstraße 12, Hamburg")],
    "FR": [("Maison Durand SARL", "TVA FR40303265045", "12 rue de la Paix, Lyon")],
    "US": [("Lakeside Supply Inc.", "EIN 12-3456789", "400 Main Street, Chicago IL")],
    "JP": [("Kobe Precision KK", "TIN 1234567890123", "3-1 Minatojima, Kobe")],
}
ISO_NUMBER_STYLE = {"en": "en", "es": "eu", "pt": "eu", "fr": "fr"}
CURRENCY_SYMBOL = {"USD": "US$", "EUR": "€", "BRL": "R$", "PEN": "S/", "MXN": "$", "COP": "$", "GBP": "£"}
