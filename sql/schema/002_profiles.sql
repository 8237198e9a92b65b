-- Scenario-grounded user profiles (paper 3.2): scenarios, personas, screened candidates, profiles.

CREATE TABLE scenarios (
    scenario_id  VARCHAR PRIMARY KEY,      -- <domain>-<reason>-<n> for seeds, sha-derived for generated
    domain       VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,         -- worn-out | work | season | trend | sports | gifts | attend | celebrate
    text         VARCHAR NOT NULL,
    origin       VARCHAR NOT NULL,         -- seed | generated
    round        INTEGER,                  -- self-instruct round that produced it
    cache_key    VARCHAR,                  -- llm_calls row of the generating call
    run_id       VARCHAR NOT NULL,
    position     INTEGER NOT NULL,         -- order in which it was kept (dedup depends on order)
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE users (
    user_id     VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    gender      VARCHAR NOT NULL,          -- male | female | unspecified
    age         INTEGER NOT NULL,
    profession  VARCHAR,                   -- NULL at 15 or younger
    domain      VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL
);

-- Every screen a candidate (scenario or profile) went through, passed or not, and why.
CREATE TABLE screens (
    stage       VARCHAR NOT NULL,          -- scenario | profile
    entity_id   VARCHAR NOT NULL,          -- candidate id
    screen      VARCHAR NOT NULL,          -- judge | leak | dedup | ...
    passed      BOOLEAN NOT NULL,
    reason      VARCHAR,
    score       DOUBLE,                    -- e.g. the max BLEU against kept texts
    cache_key   VARCHAR,                   -- the model call behind the screen, if any
    run_id      VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (stage, entity_id, screen)
);

-- One row per profile candidate k = 0, 1, 2, ... of a profile set, decided in order.
CREATE TABLE profile_candidates (
    candidate_id       VARCHAR PRIMARY KEY,  -- <set>-<k>
    profile_set        VARCHAR NOT NULL,     -- seed + settings that define the candidate sequence
    k                  INTEGER NOT NULL,
    user_id            VARCHAR NOT NULL,
    scenario_id        VARCHAR NOT NULL,
    target_product_id  VARCHAR NOT NULL,
    outcome            VARCHAR NOT NULL,     -- profile | rejected
    rejected_by        VARCHAR,              -- the first screen it failed
    run_id             VARCHAR NOT NULL
);

CREATE TABLE profiles (
    profile_id           VARCHAR PRIMARY KEY,  -- = candidate_id
    profile_set          VARCHAR NOT NULL,
    user_id              VARCHAR NOT NULL,
    scenario_id          VARCHAR NOT NULL,
    target_product_id    VARCHAR NOT NULL,
    backstory            VARCHAR NOT NULL,
    requirements         VARCHAR[] NOT NULL,   -- the two features the backstory asks for
    judge_cache_key      VARCHAR NOT NULL,
    backstory_cache_key  VARCHAR NOT NULL,
    run_id               VARCHAR NOT NULL,
    created_at           TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- One row per self-instruct call: what it was asked for and how much of it was kept.
CREATE TABLE scenario_rounds (
    domain     VARCHAR NOT NULL,
    round      INTEGER NOT NULL,
    reason     VARCHAR NOT NULL,
    proposed   INTEGER NOT NULL,
    kept       INTEGER NOT NULL,
    cache_key  VARCHAR NOT NULL,
    run_id     VARCHAR NOT NULL,
    PRIMARY KEY (domain, round)
);
