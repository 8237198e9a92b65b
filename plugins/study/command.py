"""`muse study create | list | results | llm`: human evaluation studies, added to the `muse` app
through the `muse_commands` hook. Annotators answer in `muse view --annotate`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

study_app = typer.Typer(help="Human evaluation studies: blind A/B and response writing (paper Figure 5, "
                             "Tables 7 and 9).", no_args_is_help=True)
console = Console()
err = Console(stderr=True, soft_wrap=True)

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (default: muse.duckdb, or the config's).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML configuration file.")]


def _fail(message: str, code: int = 1) -> None:
    """One line and an exit code: 1 for a failure, 2 for a usage mistake (docs/cli.md)."""
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def _config(config: Path | None, db: Path | None, offline: bool = False, model: str | None = None,
            api_base: str | None = None):
    from muse_core.config import load_config

    if offline and (model or api_base):
        _fail("--offline plays the annotator with the offline engine; drop --model/--api-base, or drop --offline", 2)
    try:
        cfg = load_config(config, db=db)
    except (FileNotFoundError, ValueError) as exc:
        _fail(f"configuration error: {exc}", 2)
    return cfg.with_offline_engine() if offline else cfg


def _store(path: Path, read_only: bool = False):
    from muse_core.store import Store, StoreError

    if not path.exists():
        _fail(f"no database at {path}: run `muse run --offline` first")
    try:
        return Store(path, read_only=read_only)
    except StoreError as exc:  # damaged, locked, or a DuckDB file muse did not write
        _fail(str(exc))


@study_app.command("create")
def create(
    kind: Annotated[str, typer.Option("--kind", help="utterance-ab (Figure 5), conversation-ab (Table 7) or "
                                                     "image-vs-text (Table 9).")],
    n: Annotated[int, typer.Option("--n", help="Kept conversations to sample.")] = 50,
    annotators: Annotated[int, typer.Option("--annotators", help="Human annotators (one private link each).")] = 3,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Sampling seed (default: the config's).")] = None,
    db: DbOpt = None, config: ConfigOpt = None,
    port: Annotated[int, typer.Option(help="Port the links point at (muse view --annotate --port).")] = 8700,
) -> None:
    """Sample kept conversations, prepare both sides of each item, and print one private link per annotator."""
    from muse_core.studies import create_study

    cfg = _config(config, db)
    store = _store(cfg.db)
    try:
        created = create_study(store, kind, n, annotators, cfg.seed if seed is None else seed)
    except ValueError as exc:
        store.close()
        _fail(str(exc), 2)
    store.close()
    for note in created.notes:
        err.print(f"[yellow]note:[/yellow] {note}")
    console.print(f"study {created.study_id}: {created.kind}, {created.items} items, {len(created.links)} annotators")
    console.print(f"serve the pages with: muse view --annotate --db {cfg.db} --port {port}")
    console.print("private links (shown once; only their hashes are stored):")
    for label, token in created.links:
        console.print(f"  {label}: http://127.0.0.1:{port}/a/{token}", soft_wrap=True)


@study_app.command("list")
def list_studies(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """The studies stored, with their progress."""
    cfg = _config(config, db)
    with _store(cfg.db, read_only=True) as store:
        from muse_core.study_results import studies_in

        if not studies_in(store):
            console.print("no studies yet: muse study create --kind utterance-ab --n 50 --annotators 3")
            return
        table = Table("study", "kind", "items", "annotators", "tasks", "done", "created")
        for row in store.rows(
                "SELECT s.study_id, s.kind, s.n_items, s.annotators, count(t.task_id) AS tasks,"
                " count(r.task_id) + count(DISTINCT j.task_id) AS done, strftime(s.created_at, '%Y-%m-%d %H:%M') AS created FROM studies s"
                " LEFT JOIN study_tasks t USING (study_id) LEFT JOIN study_responses r ON r.task_id = t.task_id"
                " LEFT JOIN study_judgments j ON j.task_id = t.task_id AND j.aspect = s.aspects[1]"
                " GROUP BY ALL ORDER BY min(s.created_at), s.study_id"):  # to the second, not the minute shown
            table.add_row(*(str(v) for v in row.values()))
        console.print(table)


@study_app.command("results")
def results(
    study_id: Annotated[str, typer.Argument(help="The study's id (muse study list).")],
    db: DbOpt = None, config: ConfigOpt = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Also write the results to this CSV file.")] = None,
) -> None:
    """Win / tie / loss of muse's side per aspect with Wilson 95% intervals, agreement, and the paper's figures."""
    from muse_core.study_results import results_csv, results_table, study_results

    cfg = _config(config, db)
    with _store(cfg.db, read_only=True) as store:
        try:
            facts, rows = study_results(store, study_id)
        except ValueError as exc:
            _fail(str(exc), 2)
    progress = ", ".join(f"{p['kind']}: {p['done']} of {p['tasks']} tasks done" for p in facts["progress"])
    console.print(f"study {study_id}: {facts['kind']}, {facts['n_items']} items; {progress}")
    header, body = results_table(rows)
    table = Table(*header, title=f"muse's side against the other (paper: {facts['paper']}, {facts['paper_note']})")
    for row in body:
        table.add_row(*row)
    console.print(table)
    if csv is not None:
        try:
            csv.write_text(results_csv(rows), encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {csv}: {exc.strerror}")
        console.print(f"wrote {csv}")


@study_app.command("llm")
def llm(
    study_id: Annotated[str, typer.Argument(help="The study's id (muse study list).")],
    db: DbOpt = None, config: ConfigOpt = None,
    offline: Annotated[bool, typer.Option("--offline", help="Play the annotator with the rule-based offline engine.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", help="litellm model (default: the judge role's).")] = None,
    api_base: Annotated[Optional[str], typer.Option("--api-base", help="OpenAI-compatible server for --model.")] = None,
) -> None:
    """Let a model fill the study's compare tasks (blind, like a person), so human-vs-model agreement is reported."""
    from muse_core.llm import Gateway
    from muse_core.runs import finish_run, start_run
    from muse_core.study_llm import annotate_with_model

    cfg = _config(config, db, offline, model, api_base)
    role = cfg.role("judge")
    if model or api_base:
        role = role.model_copy(update={k: v for k, v in (("model", model), ("api_base", api_base)) if v})
    with _store(cfg.db) as store:
        run_id = start_run(store, "study llm", cfg)
        try:
            done = asyncio.run(annotate_with_model(store, Gateway(store, cfg, run_id), study_id, role))
        except ValueError as exc:
            finish_run(store, run_id, str(exc))
            _fail(str(exc), 2)
        finish_run(store, run_id, "; ".join(done.failed) or None)
    console.print(f"{done.annotator}: judged {done.judged} comparisons"
                  + (f"; {done.waiting} wait for turns people have not written yet" if done.waiting else ""))
    for line in done.failed:
        err.print(f"[yellow]failed:[/yellow] {line}")
    if done.failed:  # the calls are in llm_calls; a rerun asks again for the tasks left open
        _fail(f"{len(done.failed)} comparisons got no valid answer from {done.annotator}; run the command again "
              "to retry them")


def register(app: typer.Typer) -> None:
    app.add_typer(study_app, name="study")
