-- Core tables of a muse store. One DuckDB file holds every artifact of every run.

CREATE TABLE store_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE runs (
    run_id        VARCHAR PRIMARY KEY,
    command       VARCHAR NOT NULL,
    config        JSON NOT NULL,          -- the resolved configuration; never holds API keys
    seed          BIGINT NOT NULL,
    code_version  VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,       -- running | finished | failed | interrupted (killed)
    error         VARCHAR,
    cache_hits    BIGINT NOT NULL DEFAULT 0,
    cache_misses  BIGINT NOT NULL DEFAULT 0,
    started_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    finished_at   TIMESTAMP
);

CREATE TABLE products (
    product_id      VARCHAR PRIMARY KEY,  -- parent_asin for Amazon catalogs
    domain          VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    main_category   VARCHAR,
    categories      VARCHAR[],
    features        VARCHAR[],
    description     VARCHAR[],
    store           VARCHAR,
    price           DOUBLE,
    average_rating  DOUBLE,
    rating_number   BIGINT,
    details         JSON,
    image_status    VARCHAR NOT NULL,     -- 'ok', or why the product has no image (text-only ingest)
    content_hash    VARCHAR NOT NULL,     -- sha256 of the normalised record and image; drives re-ingest
    source_path     VARCHAR NOT NULL,
    source_line     BIGINT NOT NULL,
    run_id          VARCHAR NOT NULL,
    ingested_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE product_images (
    product_id  VARCHAR NOT NULL,
    variant     VARCHAR NOT NULL,         -- MAIN for the main image
    image       BLOB NOT NULL,
    sha256      VARCHAR NOT NULL,
    mime        VARCHAR NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    source      VARCHAR NOT NULL,         -- the path or URL it was read from
    PRIMARY KEY (product_id, variant)
);

CREATE TABLE product_summaries (
    product_id     VARCHAR PRIMARY KEY,
    summary        VARCHAR NOT NULL,      -- fundamental and visual attributes, no marketing
    attributes     JSON NOT NULL,         -- the validated structured answer
    skill          VARCHAR NOT NULL,
    skill_version  INTEGER NOT NULL,
    cache_key      VARCHAR NOT NULL,      -- the llm_calls row that produced it
    run_id         VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The text that retrieval indexes (BM25 and dense), materialised so a search can be explained.
CREATE TABLE product_docs (
    product_id   VARCHAR PRIMARY KEY,
    doc          VARCHAR NOT NULL,
    doc_sha256   VARCHAR NOT NULL
);

-- Vectors of every embedding model side by side. `vector` is FLOAT[] of length `dim` so models of
-- different sizes share one table; cast with vector::FLOAT[384] to use DuckDB's array_* functions.
CREATE TABLE product_embeddings (
    product_id   VARCHAR NOT NULL,
    model        VARCHAR NOT NULL,
    dim          INTEGER NOT NULL,
    vector       FLOAT[] NOT NULL,
    doc_sha256   VARCHAR NOT NULL,        -- which product_docs text was embedded
    PRIMARY KEY (product_id, model)
);

CREATE TABLE ingest_rejects (
    source_path  VARCHAR NOT NULL,
    source_line  BIGINT NOT NULL,
    product_id   VARCHAR,                 -- when the line got far enough to have one
    reason       VARCHAR NOT NULL,
    raw_excerpt  VARCHAR NOT NULL,        -- first 300 characters of the line
    run_id       VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (source_path, source_line)
);

-- One row per provider attempt, written before the request goes out. Cache hits add no row:
-- they replay the first 'ok' or 'invalid' row of a key ('abandoned': invalid answers of a re-ask
-- chain that never got a valid one, so not replayed).
CREATE TABLE llm_calls (
    call_id            VARCHAR PRIMARY KEY,
    cache_key          VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,
    role               VARCHAR NOT NULL,
    skill              VARCHAR NOT NULL,
    skill_version      INTEGER NOT NULL,
    entity_id          VARCHAR,           -- what the call was about (a product id, later a profile...)
    provider           VARCHAR NOT NULL,
    model              VARCHAR NOT NULL,
    params             JSON NOT NULL,
    request            JSON NOT NULL,     -- messages, images replaced by their sha256
    response           VARCHAR,
    status             VARCHAR NOT NULL,  -- pending (in flight) | ok | invalid | abandoned | error | interrupted
    error              VARCHAR,           -- redacted: API keys never reach this table
    attempt            INTEGER NOT NULL,
    prompt_tokens      BIGINT,
    completion_tokens  BIGINT,
    cost_usd           DOUBLE NOT NULL DEFAULT 0,
    latency_ms         DOUBLE NOT NULL,
    created_at         TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX llm_calls_cache_key ON llm_calls (cache_key);
