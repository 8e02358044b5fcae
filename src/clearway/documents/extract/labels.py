"""The words invoices use for their fields, in English, Spanish, Portuguese and French (accents stripped).

These are words, not templates: the extractor finds a label anywhere on the page and reads the value next to
it or under it, so a layout it has never seen still reads.
"""

from __future__ import annotations

import re
import unicodedata

INVOICE_NUMBER = (
    "invoice no",
    "invoice number",
    "invoice nr",
    "invoice #",
    "inv no",
    "invoice",
    "commercial invoice no",
    "factura no",
    "factura n",
    "factura nro",
    "numero de factura",
    "no de factura",
    "n de factura",
    "nro de factura",
    "factura comercial no",
    "factura",
    "folio",
    "fatura no",
    "fatura n",
    "numero da fatura",
    "nota fiscal",
    "fatura comercial no",
    "fatura",
    "facture no",
    "facture n",
    "numero de facture",
    "facture commerciale no",
    "facture",
    "no de facture",
    "n de facture",
    "no facture",
    "no de la facture",
    "document no",
    "documento no",
    "ref",
)
DATE = (
    "invoice date",
    "date of issue",
    "issue date",
    "date",
    "dated",
    "fecha de emision",
    "fecha de factura",
    "fecha",
    "data de emissao",
    "data da fatura",
    "data",
    "date de facture",
    "date d emission",
    "date de la facture",
    "emis le",
    "emitida el",
)
NOT_DATE = (
    "due",
    "vencimiento",
    "vencimento",
    "echeance",
    "shipment",
    "embarque",
    "expedition",
    "delivery",
    "entrega",
    "livraison",
    "order",
    "pedido",
    "commande",
    "payment",
    "pago",
    "pagamento",
    "paiement",
)
SELLER = (
    "seller",
    "vendor",
    "exporter",
    "shipper",
    "supplier",
    "sold by",
    "from",
    "vendedor",
    "exportador",
    "proveedor",
    "emisor",
    "remitente",
    "emitente",
    "fornecedor",
    "remetente",
    "fournisseur",
    "vendeur",
    "exportateur",
    "expediteur",
    "emetteur",
)
BUYER = (
    "buyer",
    "bill to",
    "billed to",
    "sold to",
    "customer",
    "consignee",
    "importer",
    "ship to",
    "client",
    "comprador",
    "cliente",
    "importador",
    "consignatario",
    "destinatario",
    "facturar a",
    "receptor",
    "adquirente",
    "acheteur",
    "destinataire",
    "importateur",
    "facture a",
    "vendu a",
)
TOTAL = (
    "grand total",
    "total general",
    "total a pagar",
    "importe total",
    "total factura",
    "total de la factura",
    "valor total da nota",
    "valor total da fatura",
    "valor total",
    "total da fatura",
    "total geral",
    "total a pagar",
    "total ttc",
    "montant total",
    "montant ttc",
    "net a payer",
    "total a payer",
    "total due",
    "amount due",
    "total amount",
    "invoice total",
    "total invoice",
    "total",
)
NET = (
    "subtotal",
    "sub total",
    "sub-total",
    "total ht",
    "montant ht",
    "total hors taxes",
    "total net",
    "net amount",
    "net total",
    "total neto",
    "valor neto",
    "base imponible",
    "total sin impuestos",
    "valor dos produtos",
    "total dos produtos",
    "valor liquido",
    "valor sem impostos",
    "sous-total",
    "sous total",
    "total before tax",
)
TAX = (
    "vat",
    "tax",
    "sales tax",
    "iva",
    "igv",
    "impuesto",
    "impuestos",
    "imposto",
    "impostos",
    "icms",
    "ipi",
    "tva",
    "taxes",
    "total tax",
    "total impuestos",
    "total tva",
    "valor do icms",
    "total iva",
    "total igv",
)
GROSS_WEIGHT = (
    "gross weight",
    "gross wt",
    "g w",
    "peso bruto",
    "p bruto",
    "poids brut",
    "total gross weight",
    "peso bruto total",
    "poids brut total",
)
NET_WEIGHT = (
    "net weight",
    "net wt",
    "n w",
    "peso neto",
    "peso liquido",
    "p neto",
    "poids net",
    "total net weight",
    "peso neto total",
    "peso liquido total",
    "poids net total",
)
INCOTERM_LABELS = (
    "incoterm",
    "incoterms",
    "terms of delivery",
    "delivery terms",
    "condiciones de entrega",
    "condicion de venta",
    "termino de entrega",
    "condicoes de entrega",
    "condicao de entrega",
    "conditions de livraison",
    "terms",
    "condiciones",
    "condicoes",
    "conditions",
)
ORIGIN = (
    "country of origin",
    "origin",
    "made in",
    "pais de origen",
    "origen",
    "pais de origem",
    "origem",
    "pays d origine",
    "origine",
    "fabrique en",
    "hecho en",
    "fabricado en",
    "fabricado em",
)
CURRENCY = ("currency", "moneda", "moeda", "devise", "divisa")

COLUMNS: dict[str, tuple[str, ...]] = {
    "unit_price": (
        "unit price",
        "price per unit",
        "unit value",
        "precio unitario",
        "precio unit",
        "p unit",
        "p unitario",
        "valor unitario",
        "preco unitario",
        "vl unit",
        "vlr unit",
        "prix unitaire",
        "p u",
        "pu",
        "prix unit",
        "price",
        "precio",
        "preco",
        "prix",
    ),
    "amount": (
        "amount",
        "line total",
        "total",
        "importe",
        "valor total",
        "vl total",
        "vlr total",
        "montant",
        "montant ht",
        "prix total",
        "precio total",
        "subtotal",
        "valor",
        "total line",
        "ext price",
    ),
    "quantity": ("qty", "quantity", "cantidad", "cant", "quantidade", "qtd", "qtde", "qte", "quantite", "units"),
    "unit": ("unit", "unidad", "unidade", "unite", "uom", "um", "und", "un", "u"),
    "description": (
        "description",
        "description of goods",
        "descripcion",
        "descricao",
        "designation",
        "article",
        "articulo",
        "artigo",
        "producto",
        "produto",
        "product",
        "goods",
        "mercancia",
        "mercadoria",
        "concepto",
        "detalle",
        "libelle",
        "marchandise",
        "item description",
        "descripcion de la mercancia",
        "descricao do produto",
        "designation des marchandises",
        "details",
    ),
}
STOP_TABLE = TOTAL + NET + TAX + GROSS_WEIGHT + NET_WEIGHT + ("observaciones", "notes", "remarks", "observacoes")

LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("invoice", "seller", "buyer", "quantity", "description", "amount", "total", "date", "weight", "origin"),
    "es": (
        "factura",
        "vendedor",
        "comprador",
        "cantidad",
        "descripcion",
        "importe",
        "fecha",
        "peso",
        "origen",
        "precio",
    ),
    "pt": ("fatura", "nota", "quantidade", "descricao", "valor", "data", "peso", "origem", "preco", "emitente"),
    "fr": ("facture", "vendeur", "acheteur", "quantite", "designation", "montant", "poids", "origine", "prix", "date"),
}

TAX_ID = re.compile(
    r"\b(RUC|CNPJ|CPF|RFC|NIT|RUT|CUIT|NIF|CIF|TIN|VAT(?:\s*(?:No|ID|Reg))?|EIN|SIRET|SIREN|TVA|USCC|GSTIN)"
    r"\.?\s*(?:N[ºo°.]?\s*|#\s*|:\s*)*([A-Z0-9][A-Z0-9./\- ]{4,24}[A-Z0-9])",
    re.IGNORECASE,
)

COUNTRIES: dict[str, str] = {
    "china": "CN",
    "chine": "CN",
    "people's republic of china": "CN",
    "peru": "PE",
    "perou": "PE",
    "brazil": "BR",
    "brasil": "BR",
    "bresil": "BR",
    "mexico": "MX",
    "mexique": "MX",
    "colombia": "CO",
    "colombie": "CO",
    "colombia ": "CO",
    "chile": "CL",
    "chili": "CL",
    "argentina": "AR",
    "argentine": "AR",
    "united states": "US",
    "usa": "US",
    "estados unidos": "US",
    "etats-unis": "US",
    "etats unis": "US",
    "germany": "DE",
    "alemania": "DE",
    "alemanha": "DE",
    "allemagne": "DE",
    "france": "FR",
    "francia": "FR",
    "franca": "FR",
    "spain": "ES",
    "espana": "ES",
    "espanha": "ES",
    "espagne": "ES",
    "italy": "IT",
    "italia": "IT",
    "italie": "IT",
    "japan": "JP",
    "japon": "JP",
    "japao": "JP",
    "vietnam": "VN",
    "viet nam": "VN",
    "vietna": "VN",
    "india": "IN",
    "inde": "IN",
    "korea": "KR",
    "south korea": "KR",
    "corea": "KR",
    "coreia": "KR",
    "coree": "KR",
    "ecuador": "EC",
    "equador": "EC",
    "equateur": "EC",
    "canada": "CA",
    "bolivia": "BO",
    "bolivie": "BO",
    "uruguay": "UY",
    "uruguai": "UY",
    "paraguay": "PY",
    "paraguai": "PY",
    "portugal": "PT",
    "taiwan": "TW",
    "thailand": "TH",
    "tailandia": "TH",
    "thailande": "TH",
    "turkey": "TR",
    "turquia": "TR",
    "turquie": "TR",
    "netherlands": "NL",
    "paises bajos": "NL",
    "pays-bas": "NL",
    "united kingdom": "GB",
    "reino unido": "GB",
    "royaume-uni": "GB",
    "indonesia": "ID",
    "indonesie": "ID",
    "malaysia": "MY",
    "malasia": "MY",
}


def norm(text: str) -> str:
    """Lower-cases and strips accents and punctuation so that labels compare across spellings."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = re.sub(r"[º°ª]", "o", plain)
    plain = re.sub(r"[^a-z0-9#$%/\-' ]+", " ", plain).replace("'", " ")
    return re.sub(r"\s+", " ", plain).strip()


def starts_with_label(text: str, labels: tuple[str, ...]) -> str | None:
    """Returns the longest label the normalised text starts with (whole words), if any."""
    best = None
    for label in labels:
        if (text == label or text.startswith(label + " ")) and (best is None or len(label) > len(best)):
            best = label
    return best


def contains_label(text: str, labels: tuple[str, ...]) -> str | None:
    """Returns the longest label found as whole words in the normalised text, if any."""
    best = None
    padded = f" {text} "
    for label in labels:
        if f" {label} " in padded and (best is None or len(label) > len(best)):
            best = label
    return best


def country_code(text: str) -> str | None:
    """Returns the ISO 3166 code of a country named in the text (English, Spanish, Portuguese, French)."""
    t = f" {norm(text)} "
    best: tuple[int, str] | None = None
    for name, code in COUNTRIES.items():
        pos = t.find(f" {name.strip()} ")
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, code)
    return best[1] if best else None
