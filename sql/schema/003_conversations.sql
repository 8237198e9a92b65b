-- Simulated conversations (paper 3.3) and their optimisation (paper 3.4): rewrite and review.

-- One row per finished conversation, written in the same transaction as its turns.
CREATE TABLE conversations (
    conversation_id    VARCHAR PRIMARY KEY,  -- <conversation set>-<k>
    conversation_set   VARCHAR NOT NULL,     -- profile set + simulation settings
    k                  INTEGER NOT NULL,     -- the profile's position in its set
    profile_id         VARCHAR NOT NULL,
    target_product_id  VARCHAR NOT NULL,
    open_type          VARCHAR NOT NULL,     -- text | multimodal
    outfit_product_id  VARCHAR,              -- multimodal-open: the item whose photo the user shares
    policy             VARCHAR NOT NULL,     -- action-control policy plugin
    round_limit        INTEGER NOT NULL,
    rounds             INTEGER NOT NULL,     -- recommendation rounds played
    target_injected    BOOLEAN NOT NULL,     -- the querier handed over the target at the round limit
    accepted_round     INTEGER NOT NULL,
    cost_usd           DOUBLE NOT NULL,      -- simulation calls billed by this run (0 when replayed)
    run_id             VARCHAR NOT NULL,
    created_at         TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Every utterance. `text` is the dataset's text: the rewrite when its check passed, otherwise
-- the simulator's `original_text` (both always kept).
CREATE TABLE turns (
    conversation_id    VARCHAR NOT NULL,
    idx                INTEGER NOT NULL,     -- 0, 1, 2, ... in speaking order
    round              INTEGER NOT NULL,     -- 0 for the opening, then the recommendation round
    role               VARCHAR NOT NULL,     -- assistant | user
    action             VARCHAR NOT NULL,     -- greet | open | ask | needs | recommend | chitchat | reject | accept
    text               VARCHAR NOT NULL,
    original_text      VARCHAR NOT NULL,
    product_ids        VARCHAR[] NOT NULL,   -- products this turn mentions
    image_product_ids  VARCHAR[] NOT NULL,   -- products whose photo this turn shows
    cache_key          VARCHAR NOT NULL,     -- llm_calls row that wrote original_text
    PRIMARY KEY (conversation_id, idx)
);

-- The querier's work in each recommendation round.
CREATE TABLE querier_rounds (
    conversation_id       VARCHAR NOT NULL,
    round                 INTEGER NOT NULL,
    needs                 VARCHAR NOT NULL,   -- analysed user needs
    attributes            VARCHAR[] NOT NULL, -- the needs clarified into catalog attributes
    query                 VARCHAR NOT NULL,     -- what retrieval searched: the planned query, else the needs, else the user's words
    retriever             VARCHAR NOT NULL,
    candidates            STRUCT(product_id VARCHAR, score DOUBLE, rank INTEGER)[] NOT NULL,  -- after dropping mentioned items
    dropped               VARCHAR[] NOT NULL, -- retrieved but already mentioned
    reranked_product_id   VARCHAR,            -- the reranker's choice (NULL with no candidates)
    rerank_reason         VARCHAR,
    chosen_product_id     VARCHAR NOT NULL,   -- what the chatter recommended
    target_in_candidates  BOOLEAN NOT NULL,
    injected              BOOLEAN NOT NULL,   -- chosen = target because the round limit was reached
    cache_keys            VARCHAR[] NOT NULL, -- llm_calls rows of the analysis, query and rerank calls
    PRIMARY KEY (conversation_id, round)
);

-- Multimodal-open attempts (paper A.3): stylist description -> retrieved outfit item -> check.
CREATE TABLE outfit_attempts (
    conversation_id    VARCHAR PRIMARY KEY,
    description        VARCHAR NOT NULL,
    outfit_product_id  VARCHAR,              -- NULL when retrieval found nothing usable
    compatible         BOOLEAN NOT NULL,
    reason             VARCHAR NOT NULL,
    stylist_cache_key  VARCHAR NOT NULL,
    check_cache_key    VARCHAR
);

-- The rewriter's output per utterance and the fact check that decides whether it is used.
CREATE TABLE rewrites (
    conversation_id    VARCHAR NOT NULL,
    idx                INTEGER NOT NULL,
    colloquial         BOOLEAN NOT NULL,     -- "use colloquial expressions" was added
    rewritten_text     VARCHAR NOT NULL,
    check_passed       BOOLEAN NOT NULL,
    check_reason       VARCHAR NOT NULL,
    rewrite_cache_key  VARCHAR NOT NULL,
    check_cache_key    VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,
    PRIMARY KEY (conversation_id, idx)
);

CREATE TABLE reviews (
    conversation_id   VARCHAR PRIMARY KEY,
    content_quality   DOUBLE NOT NULL,      -- 0-2 in 0.05 steps
    logical_fluency   DOUBLE NOT NULL,
    user_consistency  DOUBLE NOT NULL,
    total             DOUBLE NOT NULL,
    threshold         DOUBLE NOT NULL,
    kept              BOOLEAN NOT NULL,
    reason            VARCHAR NOT NULL,
    cache_key         VARCHAR NOT NULL,
    run_id            VARCHAR NOT NULL
);
