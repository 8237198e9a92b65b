"""`muse finetune` on CPU: a tiny Llama built here from a config (no download) trained with LoRA for
a few steps on a small offline export; the validation loss goes down, the adapter loads back and
plays the evaluation tasks through the gateway beside its base; bad input stops with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from muse_core.exports import export_finetune
from muse_core.finetune import (FinetuneError, load_examples, photo_summaries, split_by_conversation)
from muse_core.store import Store
from tests.helpers import build_profiles_db, run_conversation_stages

N = 6


def muse(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "muse_flows.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    """(database, finetune export folder) of six offline conversations, all kept."""
    folder = tmp_path_factory.mktemp("finetune")
    db = build_profiles_db(folder / "ft.duckdb", N)
    run_conversation_stages(db, N)
    with Store(db) as store:
        store.con.execute("UPDATE reviews SET kept = TRUE")
        export_finetune(store, folder / "export")
    return db, folder / "export"


@pytest.fixture(scope="module")
def tiny_base(exported, tmp_path_factory) -> Path:
    """A 2-layer Llama and a word-level tokenizer learned from the export: built, not downloaded."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-base")
    texts = [json.dumps(json.loads(line)) for name in ("recommendation_query.jsonl", "response.jsonl")
             for line in (exported[1] / name).read_text().splitlines()]
    raw = Tokenizer(models.WordLevel(unk_token="<unk>"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    raw.train_from_iterator(texts, trainers.WordLevelTrainer(vocab_size=2000,
                                                             special_tokens=["<pad>", "<unk>", "<eos>"]))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, pad_token="<pad>", unk_token="<unk>", eos_token="<eos>")
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         pad_token_id=0, eos_token_id=2, bos_token_id=2, tie_word_embeddings=True)
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


def test_the_split_keeps_each_conversation_on_one_side_and_photos_become_summaries(exported) -> None:
    examples = load_examples(exported[1], "response")
    train, validation = split_by_conversation(examples, 0.3, seed=0)
    assert train and validation and len(train) + len(validation) == len(examples)
    assert not {e.conversation_id for e in train} & {e.conversation_id for e in validation}
    assert split_by_conversation(examples, 0.3, seed=0) == (train, validation)  # seeded
    message = {"role": "user", "content": [{"type": "text", "text": "Hi"},
                                           {"type": "image_url", "image_url": {"url": "images/P1.jpg"}}]}
    assert photo_summaries([message], {"P1": "a red coat"}, {}) == (
        [{"role": "user", "content": "Hi\nPhoto of product P1: a red coat"}], 1)


@pytest.fixture(scope="module")
def adapter(exported, tiny_base, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A rec-query adapter of the tiny base: 24 steps of `muse finetune`."""
    db, data = exported
    folder = tmp_path_factory.mktemp("adapters")
    done = muse("finetune", "--task", "rec-query", "--base", str(tiny_base), "--out", str(folder / "adapter"),
                "--data", str(data), "--db", str(db), "--max-steps", "24", "--learning-rate", "5e-3",
                "--batch-size", "4", "--lora-r", "16", "--lora-alpha", "32", "--validation-share", "0.34",
                "--eval-every", "8", "--save-every", "12", "--max-length", "256", cwd=folder)
    assert done.returncode == 0, done.stderr[-2000:]
    return folder / "adapter", done


def test_finetune_lowers_validation_loss_and_the_adapter_loads_back(exported, tiny_base, adapter) -> None:
    import torch

    from muse_core.finetune import adapter_info, load_base, load_tuned, resolve_base

    db, data = exported
    out, done = adapter
    assert "validation loss" in done.stdout
    with Store(db, read_only=True) as store:
        run = store.rows("SELECT * FROM finetune_runs")[-1]
        steps = store.rows("SELECT step, train_loss, validation_loss FROM finetune_steps WHERE run_id = ?"
                           " ORDER BY step", [run["run_id"]])
    assert run["task"] == "rec-query" and run["base"] == str(tiny_base) and run["steps"] == 24
    assert run["photos"] in ("product-summaries", "none") and json.loads(run["settings"])["learning_rate"] == 5e-3
    assert len(steps) == 25 and all(s["train_loss"] is not None for s in steps[1:])
    measured = [s["validation_loss"] for s in steps if s["validation_loss"] is not None]
    assert len(measured) == 4 and measured[-1] < measured[0] - 0.1, measured
    assert (out / "adapter_model.safetensors").is_file() and (out / "checkpoints" / "step-12").is_dir()
    assert adapter_info(out)["data_sha256"] == run["data_sha256"]
    assert [p.name for p in out.parent.iterdir()] == ["adapter"]  # no temp folder left

    tuned, tokenizer = load_tuned(out, threads=1)
    base, _ = load_base(resolve_base(str(tiny_base)), threads=1)
    ids = tokenizer("User : I need a red coat", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        assert not torch.allclose(tuned(input_ids=ids).logits, base(input_ids=ids).logits)


def test_bad_input_stops_with_one_line_and_writes_nothing(exported, tiny_base, tmp_path: Path) -> None:
    db, data = exported
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "response.jsonl").write_text("")
    (empty / "response.ids.txt").write_text("")
    taken = tmp_path / "taken"
    taken.mkdir()
    cases = [
        (["--task", "response", "--base", str(tiny_base), "--data", str(empty)],
         "has no examples of the response task"),
        (["--task", "response", "--base", str(tmp_path / "nowhere"), "--data", str(data)], "is not on this machine"),
        (["--task", "response", "--base", "Qwen/Qwen2-VL-7B-Instruct", "--data", str(data)], "is not on this machine"),
        (["--task", "response", "--base", str(tiny_base), "--data", str(data), "--out", str(taken)], "exists"),
        (["--task", "chat", "--base", str(tiny_base), "--data", str(data)], "--task"),
    ]
    for args, expected in cases:
        if "--out" not in args:
            args = [*args, "--out", str(tmp_path / "new")]
        done = muse("finetune", *args, "--db", str(db), cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and "Traceback" not in done.stderr, (args, done.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "taken"]  # nothing half-written
    with pytest.raises(FinetuneError, match="no recommendation_query.jsonl"):
        load_examples(empty, "rec-query")


def test_evaluate_plays_the_adapter_beside_its_base_and_judges_pairs(exported, adapter, tmp_path: Path) -> None:
    from muse_core.response_task import wilson

    db, _ = exported
    out, _ = adapter
    (tmp_path / "bm25.toml").write_text('[retrieval]\nretriever = "bm25"\n')  # the index the fixture built
    done = muse("evaluate", "--db", str(db), "--config", str(tmp_path / "bm25.toml"), "--offline", "--sample", "2",
                "--stage", "rec-task", "--stage", "response-task", "--task-model", f"local:{out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Table 6" in done.stdout and "win ratio" in done.stdout
    tuned = f"model:adapter:{out.resolve()}"
    base = f"model:base:{json.loads((out / 'muse_finetune.json').read_text())['base']}"
    with Store(db, read_only=True) as store:
        rec = dict(store.con.execute("SELECT method, count(*) FROM rec_task_rounds GROUP BY ALL").fetchall())
        responses = dict(store.con.execute("SELECT method, count(*) FROM response_task_turns GROUP BY ALL").fetchall())
        pairs = store.rows("SELECT * FROM response_pairwise")
        calls = dict(store.con.execute("SELECT model, count(*) FROM llm_calls WHERE provider = 'local'"
                                       " GROUP BY ALL").fetchall())
    assert rec[tuned] == rec[base] > 0 and responses[tuned] == responses[base] > 0
    assert len(pairs) == responses[tuned] and {p["winner"] for p in pairs} <= {"method", "baseline"}
    assert {p["first_shown"] for p in pairs} <= {"method", "baseline"}
    assert calls[tuned.removeprefix("model:")] >= rec[tuned] + responses[tuned]  # every call recorded
    bad = muse("evaluate", "--db", str(db), "--offline", "--task-model", f"local:{tmp_path}", cwd=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "muse finetune" in bad.stderr
    low, high = wilson(88, 100)
    assert 0.80 < low < 0.88 < high < 0.94 and wilson(0, 0) == (0.0, 1.0)


def test_the_local_provider_asks_in_the_training_form_and_wraps_a_bare_query() -> None:
    from muse_core.exports import QUERY_SYSTEM, RESPONSE_SYSTEM
    from muse_core.rec_task import RecQuery
    from muse_plugins.finetune.provider import PHOTOS_AS_TEXT, fit_schema, training_messages

    rendered = [{"role": "system", "content": "skill"},
                {"role": "user", "content": f"Conversation...\n\n{PHOTOS_AS_TEXT}\nPhoto of product P1: a red coat"}]
    turns = [{"speaker": "User", "text": "I need a coat"}]
    assert training_messages("rec_query", {"conversation": turns}, rendered) == [
        {"role": "system", "content": QUERY_SYSTEM},
        {"role": "user", "content": "Conversation so far:\nUser: I need a coat\nPhoto of product P1: a red coat"}]
    product = {"title": "Red Coat", "summary": "wool, red", "price": 50.0}
    asked = training_messages("response_generate", {"conversation": [], "product": product}, rendered[:1])
    assert asked[0]["content"] == RESPONSE_SYSTEM and asked[1]["content"] == (
        "The conversation has not started yet.\n\nProduct to recommend: Red Coat\nSummary: wool, red\nPrice: $50.00")
    assert training_messages("judge_conversation", {}, rendered) is rendered
    schema = RecQuery.model_json_schema()
    assert json.loads(fit_schema("red  wool coat", schema)) == {"query": "red wool coat"}
    assert fit_schema('{"query": "coat"}', schema) == '{"query": "coat"}'
    assert json.loads(fit_schema("{broken", schema)) == {"query": "{broken"}
    assert fit_schema("free text", None) == "free text"


def test_a_killed_run_leaves_nothing(exported, tiny_base, tmp_path: Path) -> None:
    import signal
    import time

    db, data = exported
    process = subprocess.Popen(
        [sys.executable, "-m", "muse_flows.cli", "finetune", "--task", "rec-query", "--base", str(tiny_base),
         "--out", str(tmp_path / "adapter"), "--data", str(data), "--db", str(db), "--max-steps", "100000"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".adapter.*")) and time.monotonic() < deadline:  # training has started
        time.sleep(0.2)
    assert list(tmp_path.glob(".adapter.*")), "training never started"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) != 0
    assert list(tmp_path.iterdir()) == []
    with Store(db, read_only=True) as store:
        assert not store.scalar("SELECT count(*) FROM finetune_runs WHERE settings->>'max_steps' = '100000'")
