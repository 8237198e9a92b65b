-- Paper Table 4: Recall@10/20 and MRR@10/20 of each query method against the recommended item.
-- `gold-query` replays the querier's own query of that round on the same index: it found the
-- recommended item in the first place, so its recall is near 1.0 by construction. It is an
-- upper bound (what a model that learned the querier exactly would reach), not a method:
-- `upper_bound` says so, and tables list it apart.
CREATE OR REPLACE VIEW rec_task_summary AS
SELECT method, method = 'gold-query' AS upper_bound, retriever, count(*) AS rounds,
       round(avg(CASE WHEN rank <= 10 THEN 1 ELSE 0 END), 4) AS recall_10,
       round(avg(CASE WHEN rank <= 20 THEN 1 ELSE 0 END), 4) AS recall_20,
       round(avg(CASE WHEN rank <= 10 THEN 1.0 / rank ELSE 0 END), 4) AS mrr_10,
       round(avg(CASE WHEN rank <= 20 THEN 1.0 / rank ELSE 0 END), 4) AS mrr_20
FROM rec_task_rounds GROUP BY ALL;
