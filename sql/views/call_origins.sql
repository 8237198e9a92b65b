-- Who answered each model call: the host it went to, and whether a language model or muse's
-- rule-based offline engine wrote the answer (in process, or behind the loopback server, which
-- answers with its own model id whatever model was asked for). The one definition of that label.
CREATE OR REPLACE VIEW call_origins AS
SELECT call_id,
       coalesce(api_base_host, 'provider default') AS host,
       CASE WHEN provider = 'offline' OR model = 'muse-offline-rules-v1' OR response_model = 'muse-offline-rules-v1'
            THEN 'rule-based offline engine' ELSE 'language model' END AS engine
FROM llm_calls;
