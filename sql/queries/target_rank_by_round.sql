-- Per recommendation round: where the target ranked among the querier's candidates, how often the rerank chose it, and injections
WITH ranked AS (
    SELECT q.round, q.target_in_candidates, q.injected,
           q.reranked_product_id = c.target_product_id AS reranked_target,
           list_filter(q.candidates, x -> x.product_id = c.target_product_id)[1].rank AS target_rank,
           len(q.candidates) AS candidates
    FROM querier_rounds q JOIN conversations c USING (conversation_id)
)
SELECT round, count(*) AS rounds,
       count(*) FILTER (WHERE target_in_candidates) AS target_retrieved,
       count(*) FILTER (WHERE target_rank = 1) AS target_ranked_first,
       round(avg(target_rank), 2) AS mean_target_rank,
       count(*) FILTER (WHERE reranked_target) AS target_reranked,
       count(*) FILTER (WHERE injected) AS injected,
       round(avg(candidates), 2) AS mean_candidates
FROM ranked
GROUP BY round
ORDER BY round
