-- LoRA fine-tuning on the exported tasks (`muse finetune`, paper Tables 4-6) and the pairwise
-- judge of tuned against zero-shot responses (Table 6's win ratio).

-- One row per finished adapter: what trained it, on which data, with which settings.
CREATE TABLE finetune_runs (
    run_id                    VARCHAR PRIMARY KEY,
    task                      VARCHAR NOT NULL,   -- rec-query | response
    base                      VARCHAR NOT NULL,   -- as given to --base
    base_sha256               VARCHAR NOT NULL,   -- of the weight file(s)
    data_sha256               VARCHAR NOT NULL,   -- of <task>.jsonl and <task>.ids.txt
    photos                    VARCHAR NOT NULL,   -- images | product-summaries (a text model) | none
    settings                  JSON NOT NULL,      -- hyper-parameters, split, seed
    out_dir                   VARCHAR NOT NULL,
    train_examples            INTEGER NOT NULL,
    validation_examples       INTEGER NOT NULL,
    train_conversations       INTEGER NOT NULL,
    validation_conversations  INTEGER NOT NULL,
    steps                     INTEGER NOT NULL,
    validation_loss_before    DOUBLE,
    validation_loss_after     DOUBLE,
    seconds                   DOUBLE NOT NULL,
    created_at                TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Per optimizer step: the batch's training loss; the validation loss where it was measured
-- (step 0 is the base model before training).
CREATE TABLE finetune_steps (
    run_id           VARCHAR NOT NULL,
    step             INTEGER NOT NULL,
    train_loss       DOUBLE,
    validation_loss  DOUBLE,
    PRIMARY KEY (run_id, step)
);

-- Pairwise judge (Table 6): for one assistant turn, which of two generated responses is better.
CREATE TABLE response_pairwise (
    run_id           VARCHAR NOT NULL,
    conversation_id  VARCHAR NOT NULL,
    idx              INTEGER NOT NULL,
    method           VARCHAR NOT NULL,   -- the tuned model
    baseline         VARCHAR NOT NULL,   -- its base, zero-shot
    first_shown      VARCHAR NOT NULL,   -- method | baseline: the order is seeded per turn (position bias)
    winner           VARCHAR NOT NULL,   -- method | baseline | tie
    cache_key        VARCHAR,
    PRIMARY KEY (conversation_id, idx, method, baseline)
);
