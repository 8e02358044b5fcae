"""``clearway documents``: attach a file to a declaration, read an invoice's fields, list and check documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError, ValidationFailed
from clearway.documents import service
from clearway.documents.extract.pipeline import extract_document
from clearway.documents.model import MAX_BYTES, DocumentType
from clearway.platform.auth import Principal
from clearway.platform.cli_support import N_, _, open_runtime, reader

app = typer.Typer(help="Supporting documents: attach, extract fields, cross-check declarations.", no_args_is_help=True)
console = Console()
# What the extraction read (its JSON ``kind`` stays as it is) and its one fixed note, in words to translate.
KINDS = {"text-pdf": N_("text PDF"), "scan": N_("scanned document"), "e-invoice": N_("e-invoice")}
NO_OCR = N_("scanned document: OCR is not available here (install tesseract-ocr)")
FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="PDF, image or XML")]


def _read(file: Path) -> bytes:
    if file.stat().st_size > MAX_BYTES:
        console.print(
            "[red]DOCUMENT_TOO_LARGE[/red] " + _("the file exceeds %(bytes)s bytes") % {"bytes": f"{MAX_BYTES:,}"}
        )
        raise typer.Exit(2)
    return file.read_bytes()


def _refused(exc: ValidationFailed | DomainError) -> None:
    if isinstance(exc, ValidationFailed):
        for issue in exc.issues:
            console.print(f"[red]{issue.code}[/red] {issue.message}")
    else:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
    raise typer.Exit(1)


@app.command("attach")
def attach(
    mrn: Annotated[str, typer.Argument(help="Movement Reference Number")],
    file: FileArg,
    doc_type: Annotated[DocumentType, typer.Option("--type", help="What the document is")] = DocumentType.INVOICE,
    as_user: Annotated[str, typer.Option("--as", help="Customs user recorded as attaching it")] = "cli",
) -> None:
    """Attaches a document to a declaration (as customs staff) and prints what was read and any difference."""
    runtime = open_runtime()
    body = _read(file)
    principal = Principal(user=as_user, role="officer")
    try:
        with runtime.uow() as uow:
            doc, created = service.attach(
                uow, mrn, body, doc_type=doc_type.value, filename=file.name, principal=principal
            )
            found = service.discrepancies(uow, mrn)
            uow.commit()
    except (ValidationFailed, DomainError) as exc:
        _refused(exc)
        return
    note = _("attached") if created else _("already attached (same SHA-256)")
    pages = _("%(pages)s page(s)") % {"pages": doc.pages}
    console.print(
        f"[green]{note}[/green] {doc.type.value} {doc.id} sha256 {doc.sha256[:16]}… ({doc.format.value}, {pages})"
    )
    read = reader(runtime)
    for d in found:
        console.print(f"  [yellow]{d.code}[/yellow] {d.pointer}: {read(d.message)}")


@app.command("extract")
def extract(
    file: FileArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Reads an invoice's fields (text PDF, scan or e-invoice) without a template and prints them."""
    try:
        out = extract_document(_read(file))
    except ValidationFailed as exc:
        _refused(exc)
        return
    if as_json:
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False, default=str))
        return
    table = Table(_("field"), _("value"), _("confidence"), _("page"))
    for name, ev in out["evidence"].items():
        value = out[name]
        if name == "lines":
            value = _("%(count)s line(s)") % {"count": len(value)}
        elif isinstance(value, dict):
            value = value.get("name") or value.get("country") or json.dumps(value, ensure_ascii=False)
        table.add_row(name, str(value), f"{ev['confidence']:.2f}", str(ev["page"] or ""))
    pages = _("%(pages)s page(s)") % {"pages": out["pages"]}
    kind = out["kind"]
    kind = _(KINDS[kind]) if kind in KINDS else kind
    console.print(f"{file.name}: {kind} ({out['format']}, {pages}, {out['seconds']} s)")
    console.print(table)
    for line in out.get("lines") or []:
        console.print(
            f"  {line['quantity']} {line.get('unit') or ''} × {line['unit_price']} = {line['amount']}  "
            f"{line['description']}"
        )
    for note in out["notes"]:
        console.print("[dim]" + (_(note) if note == NO_OCR else note) + "[/dim]")


@app.command("list")
def list_documents(mrn: Annotated[str, typer.Argument(help="Movement Reference Number")]) -> None:
    """Lists a declaration's documents and the differences with what was declared."""
    runtime = open_runtime()
    officer = Principal(user="cli", role="officer")
    try:
        with runtime.uow(readonly=True) as uow:
            docs = service.list_documents(uow, mrn, officer)
            found = service.discrepancies(uow, mrn)
    except DomainError as exc:
        _refused(exc)
        return
    table = Table("id", _("type"), _("format"), _("pages"), "sha256", _("by"), _("at (UTC)"))
    for d in docs:
        table.add_row(
            d.id,
            d.type.value,
            d.format.value,
            str(d.pages),
            d.sha256[:16] + "…",
            d.uploaded_by,
            f"{d.uploaded_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)
    read = reader(runtime)
    for x in found:
        console.print(f"  [yellow]{x.code}[/yellow] {x.pointer}: {read(x.message)}")
