"""`bge-m3` embedder: BAAI/bge-m3 dense vectors (1024-d), the paper's retriever (A.1).

These machines cannot download weights, so the model is read from a local folder named by
MUSE_BGE_M3_PATH (a snapshot of the Hugging Face repository). Encoding calls the model directly
(muse_core.retrieval.encode_texts): one pass per batch, dense vectors only.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from muse_core.hookspecs import hookimpl
from muse_core.retrieval import configure_torch, encode_texts


class BGEM3Embedder:
    name = "bge-m3"
    model_id = "BAAI/bge-m3"
    dim = 1024
    batch_size = 16  # texts per forward pass (a 568M-parameter model)

    def __init__(self, path: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from FlagEmbedding import BGEM3FlagModel

        configure_torch()
        self.model = BGEM3FlagModel(str(path), use_fp16=False, devices="cpu")
        self.model.model.float().eval()  # what BGEM3FlagModel does before every call, done once

    def _forward(self, inputs: dict):
        """BGEM3FlagModel's own pass for the dense vectors alone (no sparse or colbert work)."""
        return self.model.model(inputs, return_dense=True, truncate_dim=self.model.truncate_dim)["dense_vecs"]

    def _encode(self, texts: list[str], alone: bool) -> np.ndarray:
        vectors = encode_texts(self.model.tokenizer, self._forward, texts, alone=alone,
                               batch_size=self.batch_size).reshape(len(texts), self.dim)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, alone=False)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, alone=True)


class BGEM3:
    name = "bge-m3"
    model_id = BGEM3Embedder.model_id
    dim = BGEM3Embedder.dim
    description = "BAAI/bge-m3 (1024-d) from a local folder given by MUSE_BGE_M3_PATH"

    @staticmethod
    @lru_cache(maxsize=1)
    def load() -> BGEM3Embedder:
        folder = os.environ.get("MUSE_BGE_M3_PATH")
        if not folder or not (Path(folder) / "config.json").exists():
            raise FileNotFoundError(
                "bge-m3 needs its weights on disk: set MUSE_BGE_M3_PATH to a local snapshot of BAAI/bge-m3 "
                f"(currently {folder or 'unset'}), or use the `minilm` embedder"
            )
        return BGEM3Embedder(Path(folder))


@hookimpl
def muse_embedders() -> list:
    return [BGEM3]
