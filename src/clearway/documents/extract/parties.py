"""The parties: a labelled block ("Seller", "Bill to", "Cliente", "Kunde"…), else the letterhead for the
seller and, in a European letter layout, the address under the sender's return line for the buyer."""

from __future__ import annotations

import re

from clearway.documents.extract import labels as L
from clearway.documents.extract.numbers import parse_date
from clearway.documents.extract.page import Cell, Found, Page, cells_below, labelled

_OTHER_FIELDS = (
    L.BUYER + L.SELLER + L.SHIP_TO + L.INVOICE_NUMBER + L.DATE + L.INCOTERM_LABELS + L.TOTAL + L.CURRENCY + L.REFERENCES
)
# "Lieferant GmbH", "Vendor Inc.": a name that starts with a label word, not a label followed by a value
_FORM_ONLY = re.compile(
    r"^(?:&\s*co\.?\s*)?(?:inc|llc|ltd|limited|corp|gmbh|ag|sa|s\.a|sas|sarl|srl|s\.r\.l|spa|bv|nv|plc|ltda|sac|kg"
    r"|oy|ab|as|se|co)\.?(?:\s*&\s*co\.?\s*(?:kg|ohg)?)?$",
    re.IGNORECASE,
)


def party(page: Page, labels: tuple[str, ...], other: tuple[str, ...]) -> Found | None:
    """A party block: the name after or under its label, with the tax id and address lines found below."""
    for cell, _label, rest in labelled(page, labels, exclude=("date", "fecha", "data", "no", "weight", "peso")):
        if _FORM_ONLY.match(rest.strip()):
            continue
        block = [rest] if rest else []
        anchor = cell
        row = page.cells[cell.line_no]
        nxt = row[row.index(cell) + 1] if row.index(cell) + 1 < len(row) else None
        # a box's label with its hint ("1. Exporter (name, full address, country)") has its value under it, and
        # a cell beside it that starts with a box number is the next box ("2. Certificate used in …")
        hinted = not rest and "(" in cell.text  # what followed the label was a hint, dropped
        next_box = nxt is not None and L.unbox(cell.text) != cell.text and L.unbox(nxt.text) != nxt.text
        if (
            not rest
            and nxt is not None
            and not hinted
            and not next_box
            and not L.starts_with_label(L.norm(nxt.text), _OTHER_FIELDS + other)
        ):
            block, anchor = [nxt.text], nxt  # "Seller:    Name" — the value block starts in the next cell
        cells = [anchor]
        stops = (
            other
            + L.SHIP_TO
            + L.INVOICE_NUMBER
            + L.DATE
            + L.INCOTERM_LABELS
            + L.REFERENCES
            + L.CERTIFICATE_NUMBER
            + L.PRODUCER
            + L.ORIGIN
            + L.TRANSPORT_NUMBER
            + L.VESSEL
            + L.PORT_OF_LOADING
            + L.PORT_OF_DISCHARGE
            + L.NOTIFY
        )
        hint_open = not rest and _hint_runs_on(cell.text)
        for below in cells_below(page, anchor, max_lines=5):
            text = L.norm(below.text)
            if hint_open and ")" in below.text:
                hint_open = False  # "country)": the end of the box's hint, "(name, full address," above
                if L.box_hint(below.text.split(")")[0]):
                    tail = below.text.split(")", 1)[1].strip(" :-")
                    if tail:
                        block.append(tail)
                    continue
            if L.starts_with_label(text, stops) or _label_to_the_left(page, below, stops):
                break
            block.append(below.text)
            cells.append(below)
        block = [b for b in block if b.strip()]
        if not block:
            continue
        tax_id = None
        for text in block:
            m = L.TAX_ID.search(text)
            if m:
                tax_id = {"scheme": m.group(1).upper().split()[0], "id": re.sub(r"[\s]", "", m.group(2))}
                break
        names = [clean_name(b) for b in block if not L.TAX_ID.search(b) and _is_name(b)]
        name = next((n for n in names if n), clean_name(block[0]) or block[0])
        value = {"name": name.strip(" :"), "tax_id": tax_id, "address": [b for b in block if clean_name(b) != name][:3]}
        return Found(value, 0.85, cell.page, cell.bbox())
    return None


def _hint_runs_on(text: str) -> bool:
    """Whether a label's cell ends in a box's hint whose bracket closes on the next line ("1. Exporter (name, full
    address,")."""
    opened = text.rfind("(")
    return opened >= 0 and ")" not in text[opened:] and L.box_hint(text[opened + 1 :])


def _label_to_the_left(page: Page, cell: Cell, stops: tuple[str, ...]) -> bool:
    """Whether the cell's line starts, left of it, with another field's label: "Buyer:  Andes SAC" under
    "Shipper:  Brightvolt Co" — the value column continues, but it is the buyer's block now."""
    row = page.cells[cell.line_no]
    return any(c.x1 <= cell.x0 and L.starts_with_label(L.norm(c.text), stops) for c in row if c is not cell)


_NAME_PREFIX = re.compile(
    r"^(?:attn|attention|atencion|a la atencion de|a l attention de|z hd|zu handen|c/o|name|nombre|nome|nom"
    r"|razon social|razao social|raison sociale|recebemos de|recibimos de|received from"
    r"|company|empresa|societe|firma|senor(?:es)?|sr(?:es)?|sra|mr|mrs|ms|m|mme"
    r"|herrn|herr|frau|monsieur|madame)\b[.:]*\s*",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"@|www\.|https?:|\b(?:tel|phone|fax|telefono|telefone|mobile|cel)\b", re.IGNORECASE)


def clean_name(text: str) -> str:
    """A party's name without the "Attn:", "Name:", "Razón social:" that some layouts print before it; empty for a
    line of such words alone (a form's "NOME / RAZÃO SOCIAL" over the name)."""
    out = text.strip(" :-,")
    for _ in range(3):
        plain = L.norm(out)
        m = _NAME_PREFIX.match(plain)
        if not m:
            break
        if not plain[m.end() :].strip(" /"):
            return "" if "/" in plain or _ > 0 else out
        words = out.split()
        drop = len(plain[: m.end()].split())
        out = " ".join(words[drop:]).strip(" :-,/")
    out = out.strip(_QUOTES)
    words = out.split()
    if len(words) > 1 and words[-1] in _OCR_LEGAL_FORMS:  # "Co. Lid", "Technik CmbH": OCR's reading of the form
        out = " ".join([*words[:-1], _OCR_LEGAL_FORMS[words[-1]]])
    return out


_QUOTES = " :-,\"'“”‘’«»"
_OCR_LEGAL_FORMS = {
    "Lid": "Ltd",
    "Lid.": "Ltd.",
    "Ltcl": "Ltd",
    "Lld": "Ltd",
    "CmbH": "GmbH",
    "GmhH": "GmbH",
    "GrnbH": "GmbH",
}


def _is_name(text: str) -> bool:
    """Whether a line of a party block can be the name: not a note in parentheses, a contact or a bare number."""
    t = text.strip()
    if not t or t.startswith("(") or _CONTACT.search(t):
        return False
    letters = sum(ch.isalpha() for ch in t)
    return letters >= 2 and letters >= sum(ch.isdigit() for ch in t)


_LEGAL_FORM = re.compile(
    r"^(.{2,60}?\b(?:inc|llc|ltd|limited|corp|corporation|gmbh|ag|sa de cv|s\.a\. de c\.v|sa|s\.a|sas|sarl|srl"
    r"|s\.r\.l|spa|bv|nv|plc|pvt|ltda|eireli|sac|s\.a\.c|oy|ab|as|kg)\b\.?)",
    re.IGNORECASE,
)


_TITLES = (
    "invoice",
    "tax invoice",
    "commercial invoice",
    "factura",
    "factura comercial",
    "factura electronica",
    "fatura",
    "nota fiscal",
    "facture",
    "rechnung",
    "fattura",
    "receipt",
    "recibo",
    "boleta",
    "proforma",
    "proforma invoice",
)


# A receipt stub's sentence naming the sender (a DANFE's canhoto: "RECEBEMOS DE <emitente> OS PRODUTOS ...")
_RECEIVED_FROM = re.compile(
    r"\b(?:recebemos de|recibimos de|received from)\s+(?P<name>.{2,80}?)\s+(?:os|as|los|las|the)\s+"
    r"(?:produtos|mercadorias|servicos|productos|mercancias|servicios|goods|products)\b",
    re.IGNORECASE,
)


def letterhead(page: Page) -> Found | None:
    """The seller when no label names it: the sender a receipt stub names ("Recebemos de X os produtos"), a
    company name with its legal form on one of the page's first lines, else the first line of the top block that
    reads as a name (the document title stripped from it)."""
    first = page.lines[0].page if page.lines else 0
    top = [ln for ln in page.lines[:4] if ln.page == first]
    for line in top:
        m = _RECEIVED_FROM.search(L.norm(line.text))
        if m:  # the name as printed: the same words, found again in the line's own spelling
            count = len(m.group("name").split())
            words = line.text.split()
            start = len(L.norm(line.text)[: m.start("name")].split())
            name = " ".join(words[start : start + count]).strip(" ,:-")
            if name:
                return Found({"name": name, "tax_id": None, "address": []}, 0.55, line.page, line.bbox())
    for line in top:
        m = _LEGAL_FORM.match(line.text.strip())
        if m and not L.starts_with_label(L.norm(line.text), L.BUYER):
            name = clean_name(m.group(1)).strip(" ,:-") or m.group(1).strip(" ,:-")
            return Found({"name": name, "tax_id": None, "address": []}, 0.5, line.page, line.bbox())
    for line in top[:2]:
        cells = page.cells[page.lines.index(line)]
        text = cells[0].text.strip() if cells else ""
        plain = L.norm(text)
        for title in sorted(_TITLES, key=len, reverse=True):
            if plain.endswith(" " + title):
                text = " ".join(text.split()[: -len(title.split())])
                break
        plain = L.norm(text)
        if (
            not plain
            or plain in _TITLES
            or L.starts_with_label(plain, L.INVOICE_NUMBER + L.DATE + L.BUYER + L.SELLER + L.TOTAL)
            or not _is_name(text)
            or len(text) > 60
            or parse_date(text) is not None
        ):
            continue
        return Found({"name": text.strip(" ,:-"), "tax_id": None, "address": []}, 0.4, line.page, line.bbox())
    return None


def window_address(page: Page, seller: Found | None) -> Found | None:
    """The buyer when no label names it, in a European letter layout: the address block right under the
    sender's one-line return address ("Seller AG - Street 1 - 12345 Town") at the top of the page."""
    if seller is None or not isinstance(seller.value, dict):
        return None
    key = L.norm(seller.value.get("name") or "")
    if len(key) < 3:
        return None
    for i, line in enumerate(page.lines[:8]):
        plain = L.norm(line.text)
        if not plain.startswith(key) or not re.search(r" [-·|•] ", line.text):
            continue
        block = [ln.text for ln in page.lines[i + 1 : i + 6] if ln.page == line.page]
        names = [b for b in block if _is_name(b) and not L.starts_with_label(L.norm(b), L.INVOICE_NUMBER + L.DATE)]
        if names:
            nxt = page.lines[i + 1]
            value = {"name": clean_name(names[0]), "tax_id": None, "address": names[1:4]}
            return Found(value, 0.45, nxt.page, nxt.bbox())
    return None


# The line over an addressee's name in a letter ("Herrn", "Frau", "Firma", "Monsieur", "Señores", "Spett.le")
_SALUTATIONS = (
    "herrn",
    "herr",
    "frau",
    "firma",
    "monsieur",
    "m",
    "mme",
    "mlle",
    "madame",
    "mademoiselle",
    "messieurs",
    "senor",
    "senora",
    "senores",
    "sr",
    "sra",
    "sres",
    "mr",
    "mrs",
    "ms",
    "messrs",
    "signor",
    "signora",
    "spett le",
    "spettabile",
    "exmo sr",
    "exma sra",
)


def addressee(page: Page) -> Found | None:
    """The buyer when no label names it, in a letter: the name under a salutation line ("Herrn" / "Max
    Mustermann" / street / town) near the top of the first page."""
    first = page.lines[0].page if page.lines else 0
    for i, line in enumerate(page.lines[:20]):
        if line.page != first:
            break
        for cell in page.cells[i]:
            plain = L.norm(cell.text)
            below = cells_below(page, cell, max_lines=4)
            if plain in _SALUTATIONS:  # "Herrn" / "Max Mustermann" / "Musterstr. 11"
                name_cell, address = (below[0], below[1:]) if below else (None, [])
            elif plain.split(" ", 1)[0] in _SALUTATIONS and len(plain.split()) in range(2, 7):
                name_cell, address = cell, below  # "M DE LATTRE ALEXIS" / "ALEXINUX SARL" / "35 B RUE …"
            else:
                continue
            has_address = any(ch.isdigit() for b in address for ch in b.text)
            if name_cell is None or not _is_name(name_cell.text) or not has_address:
                continue  # an addressee is a name over an address (a street number, a postcode)
            value = {"name": clean_name(name_cell.text), "tax_id": None, "address": [b.text for b in address[:3]]}
            return Found(value, 0.45, name_cell.page, name_cell.bbox())
    return None


# A company's legal mention, printed in a footer or along the margin: "BOUYGUES TELECOM - Société anonyme au capital
# de …", "Acme SARL au capital de …", "Acme, S.L. – Inscrita en el Registro Mercantil …", "Acme GmbH · Sitz …
# Amtsgericht …"
_LEGAL_MENTION = re.compile(
    r"(?P<name>[^\s\-–|·,][^\-–|·,]{1,58}?)\s*(?:[-–|·,]\s*)?"
    r"(?:(?:soci[eé]t[eé] anonyme|soci[eé]t[eé] par actions simplifi[eé]e|sas|sasu|sarl|eurl|sa|sca|snc)"
    r"\s+(?:au|à|a|con|com)\s+(?:capital|capitale)\b"
    r"|(?:sociedad an[oó]nima|s\.?a\.?|s\.?l\.?|s\.?r\.?l\.?|ltda\.?)\s*[-–|·,]?\s*"
    r"(?:inscrita|registrada|capital social)\b)",
    re.IGNORECASE,
)


def legal_mention(page: Page) -> Found | None:
    """The seller when neither a label nor the letterhead names it: the company of the legal mention
    ("BOUYGUES TELECOM - Société Anonyme au capital de …")."""
    for line in page.lines:
        m = _LEGAL_MENTION.search(line.text)
        if m is None:
            continue
        name = clean_name(m.group("name"))
        if _is_name(name) and not L.starts_with_label(L.norm(name), _OTHER_FIELDS):
            return Found({"name": name, "tax_id": None, "address": []}, 0.4, line.page, line.bbox())
    return None


def right_block(page: Page, seller: Found | None) -> Found | None:
    """The buyer when no label names it, in a business-letter layout (Tryton's and Odoo's reports, US and European
    letters with a window envelope): the address block alone on the right half of the page, in the header above
    the first labelled field (invoice number, date), under or beside the sender's block. A name over at least one
    address line; a block that is the seller's own, or that holds a label, is not it."""
    if not page.lines:
        return None
    first = page.lines[0].page
    words = [w for ln in page.lines if ln.page == first for w in ln.words]
    left, right = min(w.x0 for w in words), max(w.x1 for w in words)
    middle = left + (right - left) * 0.45
    seller_name = (
        L.norm(seller.value.get("name") or "") if seller is not None and isinstance(seller.value, dict) else ""
    )
    header = L.INVOICE_NUMBER + L.DATE + L.TOTAL + L.BUYER + L.SELLER + L.SHIP_TO + L.REFERENCES
    for i, line in enumerate(page.lines[:15]):
        if line.page != first:
            break
        if L.contains_label(L.norm(line.text), L.INVOICE_NUMBER + L.DATE + L.TOTAL) and i > 0:
            break  # past the header: the title line, the first labelled field
        row = page.cells[i]
        if len(row) != 1 or row[0].x0 < middle:
            continue
        cell = row[0]
        plain = L.norm(cell.text)
        if (
            not _is_name(cell.text)
            or plain in _TITLES
            or L.starts_with_label(plain, header)
            or parse_date(cell.text) is not None
            or (seller_name and (plain == seller_name or plain.startswith(seller_name + " ")))
        ):
            continue
        below = []
        for b in cells_below(page, cell, max_lines=4):
            if b.x0 < middle or L.starts_with_label(L.norm(b.text), header) or len(page.cells[b.line_no]) != 1:
                break
            below.append(b)
        if not below:
            continue
        value = {"name": clean_name(cell.text), "tax_id": None, "address": [b.text for b in below[:3]]}
        return Found(value, 0.4, cell.page, cell.bbox())
    return None
