-- Real models: where each call went, what the server said it was, how it was priced, and
-- whether a text-only model got product summaries in place of photos.
-- DuckDB cannot add columns to a table that has an index: drop it, add, recreate.
DROP INDEX llm_calls_cache_key;
ALTER TABLE llm_calls ADD COLUMN api_base_host VARCHAR;   -- host:port of api_base, NULL: the provider's default
ALTER TABLE llm_calls ADD COLUMN response_model VARCHAR;  -- the model id the server answered with
ALTER TABLE llm_calls ADD COLUMN pricing VARCHAR;         -- price-map | local | unknown | offline
ALTER TABLE llm_calls ADD COLUMN images_sent INTEGER DEFAULT 0;
ALTER TABLE llm_calls ADD COLUMN images_as_text INTEGER DEFAULT 0;  -- photos replaced by summaries
CREATE INDEX llm_calls_cache_key ON llm_calls (cache_key);

-- Preflight: one row per endpoint check (key present, one minimal request) before a run's first
-- stage. A passed check is trusted for gateway.preflight_ttl_s, so a replayed run asks nothing.
CREATE TABLE endpoint_checks (
    provider       VARCHAR NOT NULL,
    model          VARCHAR NOT NULL,
    api_base_host  VARCHAR,
    ok             BOOLEAN NOT NULL,
    detail         VARCHAR,            -- redacted
    latency_ms     DOUBLE,
    checked_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Work a model could not do: a profile candidate, conversation, rewrite or review whose calls
-- gave no valid answer after the re-asks. The rest of the stage goes on; a rerun tries again.
CREATE TABLE stage_failures (
    stage       VARCHAR NOT NULL,        -- profile | conversation | rewrite | review
    entity_id   VARCHAR NOT NULL,
    error       VARCHAR NOT NULL,        -- redacted
    run_id      VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
