-- Provider calls, errors, tokens and cost per run, role and skill (cache hits are in runs.cache_hits).
CREATE OR REPLACE VIEW llm_usage AS
SELECT run_id, role, skill, provider, model,
       count(*) FILTER (WHERE status = 'ok')    AS ok_calls,
       count(*) FILTER (WHERE status = 'error') AS error_calls,
       sum(prompt_tokens)      AS prompt_tokens,
       sum(completion_tokens)  AS completion_tokens,
       round(sum(cost_usd), 6) AS cost_usd,
       round(avg(latency_ms), 1) AS avg_latency_ms
FROM llm_calls GROUP BY ALL;
