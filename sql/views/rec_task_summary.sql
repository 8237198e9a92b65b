-- Paper Table 4: Recall@10/20 and MRR@10/20 of each query method against the recommended item.
CREATE OR REPLACE VIEW rec_task_summary AS
SELECT method, retriever, count(*) AS rounds,
       round(avg(CASE WHEN rank <= 10 THEN 1 ELSE 0 END), 4) AS recall_10,
       round(avg(CASE WHEN rank <= 20 THEN 1 ELSE 0 END), 4) AS recall_20,
       round(avg(CASE WHEN rank <= 10 THEN 1.0 / rank ELSE 0 END), 4) AS mrr_10,
       round(avg(CASE WHEN rank <= 20 THEN 1.0 / rank ELSE 0 END), 4) AS mrr_20
FROM rec_task_rounds GROUP BY ALL;
