-- How the querier picked each recommendation from the retrieved top k (`[querier] pick`): an LLM
-- rerank (muse's default) or a seeded random pick (the MUSE authors' code). Part of the
-- conversation set's identity too, so the two never mix in one set. With "random",
-- querier_rounds.reranked_product_id holds the random pick and rerank_reason says so.
ALTER TABLE conversations ADD COLUMN querier_pick VARCHAR DEFAULT 'rerank';  -- rerank | random
