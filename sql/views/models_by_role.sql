-- Who wrote the text: per role, each provider, model and host that answered, what it is, and
-- what it cost (pricing: price-map, local server, unknown, offline).
CREATE OR REPLACE VIEW models_by_role AS
SELECT role, provider, model, host, engine,
       string_agg(DISTINCT response_model, ', ') AS answered_as,
       count(*) FILTER (WHERE status IN ('ok', 'invalid', 'abandoned')) AS answers,
       count(*) FILTER (WHERE status = 'error') AS errors,
       sum(prompt_tokens) AS prompt_tokens,
       sum(completion_tokens) AS completion_tokens,
       round(sum(cost_usd), 6) AS cost_usd,
       string_agg(DISTINCT pricing, ', ') AS pricing,
       sum(images_sent) AS images_sent,
       sum(images_as_text) AS images_as_text
FROM llm_calls JOIN call_origins USING (call_id)
GROUP BY role, provider, model, host, engine;
