"""`local` LLM provider: a model on this machine, generated with transformers on CPU, for the
evaluation tasks (`muse evaluate --task-model local:DIR`, see muse_core.rec_task.model_methods).

A role's `model` is `adapter:DIR` (the base model of an adapter written by `muse finetune`, with
the adapter) or `base:SPEC` (a base model alone: a folder, a .gguf file or smollm2-135m), so a
tuned model and its zero-shot base are two methods of the same tasks, every call recorded by the
gateway like any other.

Prompts: for the two task skills (`rec_query`, `response_generate`) the provider rebuilds the
prompt the fine-tuning files use (muse_core.exports: the same system text, 'Role: text' lines,
the product's title, summary and price) from the skill's inputs, for the tuned model and its base
alike: the adapter learned to answer that form, and the base is asked the same. Photos arrive as
the gateway's text summaries (the provider is text-only). Other skills get the rendered messages.
A structured skill whose schema is one string field (rec_query's `query`) gets a plain answer
wrapped into it: the tuned model learned to write the bare query, as the export holds it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

from muse_core.llm import LLMRequest, LLMResponse, ProviderError

PHOTOS_AS_TEXT = "(Photos are not shown to you; here is what each one shows.)"  # the gateway's marker
ANSWER_TOKENS = {"rec_query": 32, "response_generate": 96}  # enough for a query / a 2-3 sentence turn


def training_messages(skill: str, inputs: dict[str, Any], rendered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages in the fine-tuning files' form for a task skill; the rendered ones otherwise."""
    from muse_core.exports import QUERY_SYSTEM, RESPONSE_SYSTEM

    if skill not in ("rec_query", "response_generate"):
        return rendered
    turns = inputs.get("conversation") or []
    lines = ["Conversation so far:" if turns else "The conversation has not started yet."]
    lines += [f"{t['speaker']}: {t['text']}" for t in turns]
    user = rendered[-1]["content"] if rendered else ""
    user = user if isinstance(user, str) else "\n".join(p.get("text", "") for p in user if p.get("type") == "text")
    if PHOTOS_AS_TEXT in user:  # the photos shown so far, as the gateway described them
        lines += [line for line in user.split(PHOTOS_AS_TEXT, 1)[1].splitlines() if line.strip()]
    text = "\n".join(lines)
    product = inputs.get("product") if skill == "response_generate" else None
    if product:
        price = "" if product.get("price") is None else f"\nPrice: ${product['price']:.2f}"
        text += f"\n\nProduct to recommend: {product['title']}\nSummary: {product.get('summary') or ''}{price}"
    system = QUERY_SYSTEM if skill == "rec_query" else RESPONSE_SYSTEM
    return [{"role": "system", "content": system}, {"role": "user", "content": text}]


def fit_schema(text: str, schema: dict[str, Any] | None) -> str:
    """An answer that is not already a JSON object with the field, wrapped into a schema of one
    string field; anything else as written. (The prompt of a task skill does not change on a
    re-ask here, so an answer the gateway refused would come back the same: wrap, not re-ask.)"""
    properties = (schema or {}).get("properties") or {}
    strings = [name for name, spec in properties.items() if spec.get("type") == "string"]
    if len(properties) != 1 or not strings:
        return text
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and isinstance(parsed.get(strings[0]), str) and parsed[strings[0]].strip():
            return text
    except ValueError:
        pass
    limit = properties[strings[0]].get("maxLength")
    value = " ".join(text.split()) or "-"
    return json.dumps({strings[0]: value[:limit] if limit else value})


class LocalAdapterProvider:
    name = "local"
    in_process = True  # generates in this process: nothing in flight outlives a kill, nothing is billed
    description = ("a model on this machine with transformers on CPU: adapter:DIR (a `muse finetune` adapter on its "
                   "base) or base:SPEC; for `muse evaluate --task-model local:DIR`")

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._models: dict[str, tuple[Any, Any]] = {}
        self._lock = threading.Lock()  # one generation at a time: the CPU is the limit, not the loop

    def default_vision(self, role) -> bool:
        return False  # text causal models: photos come as the stored summaries

    def _load(self, model: str) -> tuple[Any, Any]:
        from muse_core.finetune import FinetuneError, load_base, load_tuned, resolve_base

        if model not in self._models:
            kind, _, where = model.partition(":")
            try:
                if kind == "adapter":
                    self._models[model] = load_tuned(Path(where), self._threads)
                elif kind == "base":
                    loaded = load_base(resolve_base(where), self._threads)
                    loaded[0].eval()
                    self._models[model] = loaded
                else:
                    raise FinetuneError(f"local model {model!r} must be adapter:DIR or base:SPEC")
            except FinetuneError as exc:
                raise ProviderError(str(exc), retryable=False) from None
        return self._models[model]

    def _generate(self, request: LLMRequest) -> tuple[str, int, int]:
        import torch

        with self._lock:
            model, tokenizer = self._load(request.model)
            messages = training_messages(request.skill, request.inputs, request.messages)
            ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt")
            torch.manual_seed(request.seed)
            # A turn ends at any special or added token: the end token a muse adapter learned (the
            # tokenizer's eos, which a GGUF may set to <|im_start|>) or the template's <|im_end|>.
            stops = sorted(set(tokenizer.all_special_ids) | set(tokenizer.added_tokens_decoder))
            with torch.no_grad():
                out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                     max_new_tokens=request.max_tokens or ANSWER_TOKENS.get(request.skill, 128),
                                     pad_token_id=tokenizer.pad_token_id, eos_token_id=stops)
            answer = out[0][ids.shape[1]:].tolist()
            ended = next((i for i, token in enumerate(answer) if token in stops), len(answer))
            return tokenizer.decode(answer[:ended]).strip(), int(ids.shape[1]), len(answer)

    async def complete(self, request: LLMRequest) -> LLMResponse:
        text, prompt_tokens, completion_tokens = await asyncio.to_thread(self._generate, request)
        if not text:
            text = "-"  # an empty generation is an answer of this model, scored as such, not a failure
        return LLMResponse(fit_schema(text, request.json_schema), prompt_tokens, completion_tokens, 0.0,
                           response_model=request.model, pricing="local")

    async def check(self, role) -> None:
        """Preflight: the model loads (an adapter folder is one `muse finetune` wrote)."""
        await asyncio.to_thread(self._load, role.model)
