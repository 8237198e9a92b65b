-- Per round: how often the target was among the querier's candidates, chosen by the rerank, or injected.
CREATE OR REPLACE VIEW target_in_candidates AS
SELECT c.conversation_set, q.round, count(*) AS rounds,
       count(*) FILTER (WHERE q.target_in_candidates) AS target_in_candidates,
       round(count(*) FILTER (WHERE q.target_in_candidates) / count(*), 4) AS rate,
       count(*) FILTER (WHERE q.reranked_product_id = c.target_product_id) AS target_reranked_first,
       count(*) FILTER (WHERE q.injected) AS target_injected
FROM querier_rounds q JOIN conversations c USING (conversation_id)
GROUP BY ALL;
