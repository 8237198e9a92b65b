-- Human evaluation studies (paper Figure 5, Tables 7 and 9; Appendix D.5): what was sampled,
-- who annotates what, and every answer. `muse view --annotate` writes study_responses and
-- study_judgments only; everything else here is written by `muse study create`.

CREATE TABLE studies (
    study_id      VARCHAR PRIMARY KEY,   -- short random id, e.g. st-3f9a1c2b
    kind          VARCHAR NOT NULL,      -- utterance-ab | conversation-ab | image-vs-text
    seed          INTEGER NOT NULL,      -- the sample and the turns to write follow it (not the sides)
    n_items       INTEGER NOT NULL,
    annotators    INTEGER NOT NULL,      -- human annotators
    aspects       VARCHAR[] NOT NULL,    -- asked per compare task (logical, informative, ... or overall)
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- One sampled conversation (context) per item, with what both sides are made of.
CREATE TABLE study_items (
    item_id          VARCHAR PRIMARY KEY,  -- random, never shown next to a side
    study_id         VARCHAR NOT NULL,
    position         INTEGER NOT NULL,     -- 0, 1, ... in sample order
    conversation_id  VARCHAR NOT NULL,
    turns            JSON NOT NULL,        -- the conversation as shown: [{idx, role, action, text, images: [product_id]}]
    reply_idx        INTEGER,              -- utterance-ab: the turn to answer (the context is the turns before it)
    slots            INTEGER[] NOT NULL,   -- turns annotators write (utterance-ab: [reply_idx]; conversation-ab: 4)
    products         JSON NOT NULL,        -- {product_id: {title, summary, image_sha256}} of the products shown
    profile          JSON,                 -- the shopper's persona and backstory (Appendix D.5 shows it)
    text_turns       JSON,                 -- image-vs-text: the turns with each photo replaced by its description
    writer           VARCHAR,              -- annotator_id who writes the slots (NULL: nothing to write)
    UNIQUE (study_id, position)
);

-- One row per annotator: a human (private link) or a model (`muse study llm`).
CREATE TABLE study_annotators (
    annotator_id  VARCHAR PRIMARY KEY,
    study_id      VARCHAR NOT NULL,
    label         VARCHAR NOT NULL,      -- annotator 1, 2, ... or llm:<model>
    kind          VARCHAR NOT NULL,      -- human | llm
    token_sha256  VARCHAR UNIQUE,        -- sha256 of the link's token (the token itself is never stored)
    model         VARCHAR,
    UNIQUE (study_id, label)
);

-- One task per (annotator, item, slot): write one turn, or compare the item's two sides.
CREATE TABLE study_tasks (
    task_id       VARCHAR PRIMARY KEY,   -- random: a link to a task names no item or side
    study_id      VARCHAR NOT NULL,
    item_id       VARCHAR NOT NULL,
    annotator_id  VARCHAR NOT NULL,
    task          VARCHAR NOT NULL,      -- write | compare
    slot          INTEGER,               -- write: the turn written
    muse_side     VARCHAR,               -- compare: 'A' or 'B', drawn at random per (item, annotator), half each
    position      INTEGER NOT NULL,      -- order in the annotator's queue
    UNIQUE (annotator_id, item_id, task, slot)
);

-- A written turn (write task); saved once.
CREATE TABLE study_responses (
    task_id     VARCHAR PRIMARY KEY,
    text        VARCHAR NOT NULL,
    saved_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- A compare task's answer per aspect; saved once, all aspects together.
CREATE TABLE study_judgments (
    task_id     VARCHAR NOT NULL,
    aspect      VARCHAR NOT NULL,
    choice      VARCHAR NOT NULL,        -- as shown: A | B | tie
    outcome     VARCHAR NOT NULL,        -- for muse's side: win | tie | loss
    comment     VARCHAR,
    cache_key   VARCHAR,                 -- the llm_calls row of a model's judgment
    saved_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (task_id, aspect)
);
