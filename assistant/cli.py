"""Command line: ``assistant ingest | ask | chat | summarize | compare | documents | run | serve | mcp | eval``."""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.api.formatting import citation_label
from assistant.components.vector_store import StoreUnavailable
from assistant.container import Container
from assistant.filters import FilterError, parse_filter_args
from assistant.i18n import text
from assistant.models import Answer, Turn
from assistant.server import serve_command
from assistant.services import export
from assistant.services.chat import QuestionError
from assistant.services.documents import DocumentNotFound
from assistant.services.page_progress import Stage
from assistant.settings import Settings
from assistant.startup import EXIT_STORAGE, StorageProblem, check_storage, explain_failure

app = typer.Typer(
    help="Strategie-Assistent: Fragen an Strategiedokumente, mit Quellen. / Questions over strategy documents, with sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
documents_app = typer.Typer(help="Dokumente verwalten / manage documents.", no_args_is_help=True)
app.add_typer(documents_app, name="documents")

out = Console()
err = Console(stderr=True)


def _container() -> Container:
    settings = Settings()
    check_storage(settings)  # before the model loads: a read-only or full data dir is told at once
    return Container(settings, progress=lambda message: err.print(f"[dim]{message}[/dim]"))


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Ausführliche Protokollierung.")] = False):
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Dateien oder Ordner (txt, md, html, pdf, docx).")],
    title: Annotated[str | None, typer.Option(help="Titel (nur sinnvoll für eine Datei).")] = None,
    region: Annotated[str | None, typer.Option(help="Region, z. B. NRW oder BW.")] = None,
    document_type: Annotated[str | None, typer.Option(help="Dokumenttyp, z. B. strategy_paper.")] = None,
    language: Annotated[str | None, typer.Option(help="Sprache (de, en); sonst erkannt.")] = None,
    source: Annotated[str | None, typer.Option(help="Quelle / URL.")] = None,
) -> None:
    """Dokumente aufnehmen oder aktualisieren / add or update documents.

    Metadaten stehen optional in NAME.meta.json neben der Datei; Optionen hier haben Vorrang.
    Exit-Code 1, wenn eine Datei fehlschlägt.
    """
    container = _container()
    overrides = {
        k: v
        for k, v in dict(title=title, region=region, document_type=document_type, language=language, source=source).items()
        if v
    }
    with Progress(
        TextColumn("[bold]Aufnahme[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        current = {"name": ""}

        def progress(done: int, total: int, name: str) -> None:
            current["name"] = name
            bar.update(task, completed=done, total=total, description=name)

        def pages(stage: Stage, page: int, total_pages: int) -> None:
            where = text(f"page_progress_{stage}", page=str(page), pages=str(total_pages))
            bar.update(task, description=f"{current['name']} · {where}")

        service = container.documents
        report = service.ingest_paths(paths, progress=progress, overrides=overrides, pages=pages)

    table = Table(title="Ergebnis / result", show_lines=False)
    for column in ("Datei", "Status", "Dokument-ID", "Abschnitte", "Grund"):
        table.add_column(column)
    for result in report.results:
        style = {"failed": "red", "added": "green", "updated": "yellow"}.get(result.status, "")
        table.add_row(
            result.filename,
            f"[{style}]{result.status}[/{style}]" if style else result.status,
            result.document_id or "",
            str(result.chunks),
            result.reason or "; ".join(result.notes),
        )
    out.print(table)
    out.print(
        f"hinzugefügt/added {report.count('added')} · aktualisiert/updated {report.count('updated')} · "
        f"unverändert/unchanged {report.count('unchanged')} · fehlgeschlagen/failed {report.count('failed')}"
    )
    if report.failed:
        raise typer.Exit(code=1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Die Frage, Deutsch oder Englisch.")],
    as_json: Annotated[bool, typer.Option("--json", help="Ein JSON-Objekt ausgeben.")] = False,
    top_k: Annotated[int | None, typer.Option("--top-k", min=1, max=50, help="Anzahl Passagen.")] = None,
    filters: Annotated[
        list[str] | None, typer.Option("--filter", help="Metadatenfilter schlüssel=wert, wiederholbar.")
    ] = None,
) -> None:
    """Eine Frage stellen / ask one question."""
    try:
        parsed = parse_filter_args(filters or [])
        container = _container()
        container.ensure_corpus()
        answer = container.chat.ask(question, filters=parsed, top_k=top_k)
    except (FilterError, QuestionError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    if as_json:
        payload = answer.model_dump()
        for citation in payload["citations"] + payload["related"]:
            citation.pop("highlights", None)  # the quoted sentences: the answer text holds them
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        print_answer(answer, container.chat.language_of(question))


@app.command()
def chat() -> None:
    """Interaktiver Dialog mit Rückfragen im Terminal / interactive chat with follow-up questions."""
    container = _container()
    container.ensure_corpus()
    history: list[Turn] = []
    out.print("[bold]Strategie-Assistent[/bold] – Frage eingeben, leere Zeile oder Strg-D beendet.")
    while True:
        try:
            question = out.input("[bold cyan]Frage> [/bold cyan]").strip()
        except (EOFError, KeyboardInterrupt):
            out.print()
            return
        if not question:
            return
        try:
            answer = container.chat.ask(question, history=history)
        except QuestionError as exc:
            err.print(f"[red]{exc}[/red]")
            continue
        print_answer(answer, container.chat.language_of(question))
        history += [Turn(role="user", content=question), Turn(role="assistant", content=answer.answer)]


# `run` is what the README's first command ends in; `serve` is the name operators expect.
app.command("run", help="Korpus bei Bedarf aufnehmen und den Assistenten (Web + API) starten.")(serve_command)
app.command("serve", help="Web-Oberfläche und HTTP-API starten / start the web UI and HTTP API.")(serve_command)


@app.command("mcp")
def mcp() -> None:
    """MCP-Server über stdio für MCP-Clients (Claude Desktop, IDEs) / MCP server over stdio.

    Stdout gehört dem Protokoll; Meldungen gehen nach stderr. Braucht das Paket „mcp“ (pip install '.[mcp]').
    """
    if importlib.util.find_spec("mcp") is None:
        err.print("Das Paket „mcp“ fehlt: pip install '.[mcp]' (the mcp package is not installed).")
        raise typer.Exit(code=2)
    from assistant.mcp_server import run_stdio

    container = _container()
    # Before the first request, as `serve` does: a client's first question should not wait for ingestion.
    container.documents.recover()
    container.ensure_corpus()
    run_stdio(container)


JsonFlag = Annotated[bool, typer.Option("--json", help="Ein JSON-Objekt ausgeben.")]
OutputFile = Annotated[Path | None, typer.Option("--output", "-o", help="In eine Datei schreiben (.md oder .docx).")]


@app.command()
def summarize(
    document_id: Annotated[str, typer.Argument(help="Dokument-ID (siehe 'documents list').")],
    long: Annotated[bool, typer.Option("--long", help="Ausführlich, Abschnitt für Abschnitt.")] = False,
    as_json: JsonFlag = False,
    output: OutputFile = None,
) -> None:
    """Ein Dokument zusammenfassen, mit Quellen / summarise one document, with sources."""
    length = "long" if long else "short"
    _report(lambda c: c.summaries.summarize(document_id, length), export.from_summary, as_json, output)


@app.command()
def compare(
    document_ids: Annotated[list[str], typer.Argument(help="2 bis 4 Dokument-IDs.")],
    topic: Annotated[str, typer.Option("--topic", "-t", help="Das Thema, z. B. Digitalisierung.")],
    as_json: JsonFlag = False,
    output: OutputFile = None,
) -> None:
    """Dokumente zu einem Thema vergleichen / compare documents on a topic."""
    _report(lambda c: c.comparison.compare(document_ids, topic), export.from_comparison, as_json, output)


def _report(make, to_report, as_json: bool, output: Path | None) -> None:
    """Runs ``make`` on the container; prints JSON or Markdown, or with ``--output`` writes a
    Markdown or DOCX file (by its suffix)."""
    container = _container()
    container.ensure_corpus()
    try:
        result = make(container)
    except QuestionError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    except DocumentNotFound as exc:
        err.print(f"[red]Kein Dokument mit der ID '{exc.args[0]}' (no such document).[/red]")
        raise typer.Exit(code=1) from exc
    report = to_report(result)
    if output is not None:
        output.write_bytes(export.render(report, "docx" if output.suffix.lower() == ".docx" else "md"))
        err.print(f"Geschrieben / written: {output}")
    elif as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(export.to_markdown(report))


@documents_app.command("list")
def documents_list(
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Aufgenommene Dokumente anzeigen / list documents."""
    docs = _container().documents.list_documents()
    if as_json:
        sys.stdout.write(json.dumps([d.model_dump() for d in docs], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"{len(docs)} Dokument(e)")
    for column in ("ID", "Titel", "Typ", "Region", "Abschnitte", "Geändert"):
        table.add_column(column)
    for d in docs:
        table.add_row(d.id, d.title, d.document_type or "", d.region or "", str(d.chunks), d.added_at)
    out.print(table)


@documents_app.command("remove")
def documents_remove(document_id: Annotated[str, typer.Argument(help="Dokument-ID (siehe 'documents list').")]) -> None:
    """Ein Dokument mit allen Abschnitten entfernen / remove a document and all its chunks."""
    try:
        _container().documents.remove(document_id)
    except DocumentNotFound as exc:
        err.print(f"[red]Kein Dokument mit der ID '{document_id}' (no such document).[/red]")
        raise typer.Exit(code=1) from exc
    out.print(f"Entfernt / removed: {document_id}")


@app.command("eval")
def evaluate(
    file: Annotated[
        Path, typer.Argument(help='JSONL: je Zeile {"question": …, "document_id": …, "expected": […]}.')
    ],
    top_k: Annotated[
        int | None, typer.Option("--top-k", min=1, max=50, help="Passagen pro Frage (Standard: top_k).")
    ] = None,
    filters: Annotated[
        list[str] | None, typer.Option("--filter", help="Metadatenfilter schlüssel=wert, wiederholbar.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Ein JSON-Objekt ausgeben.")] = False,
) -> None:
    """Eigene Testfragen auswerten / evaluate your own questions: hit rate, MRR, answer phrases."""
    from assistant.services.evaluation import EvalFileError, EvaluationService, load_cases

    try:
        cases = load_cases(file)
        parsed = parse_filter_args(filters or [])
    except (EvalFileError, FilterError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    container = _container()
    container.ensure_corpus()
    service = EvaluationService(container.chat, lambda: [d.id for d in container.documents.list_documents()])
    k = top_k or container.settings.top_k
    with Progress(
        TextColumn("[bold]Auswertung[/bold]"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("", total=len(cases))
        report = service.run(cases, k, parsed, lambda done, total: bar.update(task, completed=done))
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    print_eval_report(report)


def print_eval_report(report) -> None:
    from rich.markup import escape

    def rate(value: float | None) -> str:
        return "–" if value is None else f"{value:.1%}"

    summary = Table(title=f"Auswertung / evaluation: {len(report.results)} Fragen, k={report.k}")
    summary.add_column("Kennzahl / metric")
    summary.add_column("Wert", justify="right")
    summary.add_column("Fragen", justify="right")
    summary.add_row("Trefferquote Dokument / hit rate", rate(report.hit_rate), str(len(report.with_document)))
    summary.add_row("MRR", "–" if report.mrr is None else f"{report.mrr:.3f}", str(len(report.with_document)))
    summary.add_row(
        "Antwort enthält Phrase / answer hit rate", rate(report.answer_hit_rate), str(len(report.with_expected))
    )
    summary.add_row(
        "Phrase in Passagen / phrase in passages", rate(report.passage_phrase_hit_rate), str(len(report.with_expected))
    )
    out.print(summary)
    if report.unknown_documents:
        out.print(f"[yellow]Unbekannte Dokument-IDs / unknown document ids: {', '.join(report.unknown_documents)}[/yellow]")
    if not report.failures:
        out.print("[green]Keine fehlgeschlagene Frage / no failing question.[/green]")
        return
    out.print(f"[bold]Fehlgeschlagen / failing: {len(report.failures)}[/bold]")
    for r in report.failures:
        out.print(f"[bold]Zeile {r.line}[/bold]: {escape(r.question)}", highlight=False)
        details = f"  Grund/reason: {', '.join(r.reasons)} · Rang/rank: {r.rank or '–'}"
        details += f" · Dokumente: {', '.join(r.documents[:5]) or '–'}"
        out.print(escape(details), highlight=False, soft_wrap=True)
        if r.answer is not None:
            answer = escape(" ".join(r.answer.split())[:300])
            out.print(f"  Antwort/answer: {answer}", highlight=False, soft_wrap=True)


def print_answer(answer: Answer, language) -> None:
    out.print(answer.answer, highlight=False, markup=False)
    for key, citations in (("sources", answer.citations), ("related_sources", answer.related)):
        if not citations:
            continue
        out.print(f"\n[bold]{text(key, language)}[/bold]")
        for c in citations:
            label = citation_label(c, language)
            out.print(f"[{c.n}] {label} (Relevanz {c.score:.2f})", markup=False, highlight=False)


def main() -> None:
    try:
        app()
    except StoreUnavailable as exc:
        err.print(str(exc), style="red", markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(EXIT_STORAGE) from exc
    except Exception as exc:
        problem = _storage_problem(exc)
        if problem is None:
            raise
        err.print(problem.message, style="red", markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(EXIT_STORAGE) from exc


def _storage_problem(exc: Exception) -> StorageProblem | None:
    """A read-only or full data directory met after startup, told like at startup; None otherwise."""
    try:
        settings = Settings()
    except Exception:  # the settings themselves are what failed: let that error speak
        return None
    return explain_failure(exc, settings)


if __name__ == "__main__":
    main()
