"""The `minilm` embedder runs BERT as plain torch operations: its vectors must be FlagEmbedding's
bit for bit (queries alone, documents in padded batches, text past the 512-token limit, accents),
and loading it must not import transformers or FlagEmbedding."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import ROOT

WORDS = "red navy wool coat for a wedding in the rain café naïve ÉTÉ waterproof leather boots 🙂 $129.99".split()


@pytest.mark.slow
def test_queries_and_padded_document_batches_are_flagembedding_s_bits() -> None:
    from muse_plugins.minilm_embedder import MiniLM

    minilm = MiniLM.load()
    rng = np.random.default_rng(0)
    queries = ["", "boots", " ".join(WORDS), "wool " * 700] + [
        " ".join(rng.choice(WORDS, size=rng.integers(1, 30))) for _ in range(30)]
    docs = [" ".join(rng.choice(WORDS, size=rng.integers(1, 120))) for _ in range(70)]  # two batches, padded
    flag = minilm.model  # FlagEmbedding's FlagModel of the same weights
    alone = np.stack([flag.encode_queries([q], batch_size=2)[0] for q in queries])
    assert np.array_equal(minilm.encode_queries(queries), alone)
    assert np.array_equal(minilm.encode_documents(docs), flag.encode_corpus(docs, batch_size=64))


@pytest.mark.slow
def test_loading_and_encoding_import_neither_transformers_nor_flagembedding() -> None:
    code = ("import sys; from muse_plugins.minilm_embedder import MiniLM; MiniLM.load().encode_queries(['boots']);"
            " print(sorted(m for m in ('transformers', 'FlagEmbedding') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
