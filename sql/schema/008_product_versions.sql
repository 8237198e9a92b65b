-- Product versions. A product id is re-ingested with changed data (title, price, photo...): the
-- new listing replaces the row in `products`, but conversations made before were grounded in the
-- old one (their turns quote its title and price, show its photo). So ingest copies the listing
-- it replaces here, with its MAIN photo and its summary, in the same transaction, and nothing
-- behind an existing conversation is ever lost. `products` stays the current catalog (retrieval,
-- summaries and new conversations read it); the view `product_history` is both together and
-- `conversation_products` resolves each conversation's products as of its `created_at`.
-- One row per superseded version: valid from `ingested_at` until `superseded_at`.
CREATE TABLE product_versions (
    product_id         VARCHAR NOT NULL,
    content_hash       VARCHAR NOT NULL,   -- of the listing and photo as they were (ingest.content_hash)
    domain             VARCHAR NOT NULL,
    title              VARCHAR NOT NULL,
    main_category      VARCHAR,
    categories         VARCHAR[],
    features           VARCHAR[],
    description        VARCHAR[],
    store              VARCHAR,
    price              DOUBLE,
    average_rating     DOUBLE,
    rating_number      BIGINT,
    details            JSON,
    image_status       VARCHAR NOT NULL,
    source_path        VARCHAR NOT NULL,
    source_line        BIGINT NOT NULL,
    run_id             VARCHAR NOT NULL,   -- the ingest run that stored this version
    ingested_at        TIMESTAMP NOT NULL, -- valid from
    -- its MAIN photo; NULL for a text-only version
    image              BLOB,
    image_sha256       VARCHAR,
    image_mime         VARCHAR,
    image_width        INTEGER,
    image_height       INTEGER,
    image_source       VARCHAR,
    -- its summary; NULL when it was replaced before it was summarised
    summary            VARCHAR,
    summary_attributes JSON,
    superseded_at      TIMESTAMP NOT NULL, -- valid until: the replacing ingest's time
    superseded_by_run  VARCHAR NOT NULL,   -- the ingest run that replaced it
    PRIMARY KEY (product_id, superseded_at)
);
