-- Calls in flight. A call to a remote provider gets its row here before the request goes out (one
-- group commit for the calls that start together); its outcome moves it to llm_calls in one insert
-- with the other outcomes of a batch, so llm_calls only ever grows by inserts. A row left here was in
-- flight when its process was killed: the next run moves it to llm_calls as 'interrupted'.
CREATE TABLE llm_calls_pending (
    call_id         VARCHAR PRIMARY KEY,
    cache_key       VARCHAR NOT NULL,
    run_id          VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,
    skill           VARCHAR NOT NULL,
    skill_version   INTEGER NOT NULL,
    entity_id       VARCHAR,
    provider        VARCHAR NOT NULL,
    model           VARCHAR NOT NULL,
    params          JSON NOT NULL,
    request         JSON NOT NULL,
    attempt         INTEGER NOT NULL,
    api_base_host   VARCHAR,
    images_sent     INTEGER DEFAULT 0,
    images_as_text  INTEGER DEFAULT 0,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp  -- when the request went out
);
