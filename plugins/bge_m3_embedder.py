"""`bge-m3` embedder: BAAI/bge-m3 dense vectors (1024-d), the paper's retriever (A.1).

These machines cannot download weights, so the model is read from a local folder named by
MUSE_BGE_M3_PATH (a snapshot of the Hugging Face repository).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from muse_core.hookspecs import hookimpl


class BGEM3Embedder:
    name = "bge-m3"
    model_id = "BAAI/bge-m3"
    dim = 1024

    def __init__(self, path: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from FlagEmbedding import BGEM3FlagModel

        self.model = BGEM3FlagModel(str(path), use_fp16=False, devices="cpu")

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=16, return_dense=True)["dense_vecs"]
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    encode_documents = _encode
    encode_queries = _encode


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
