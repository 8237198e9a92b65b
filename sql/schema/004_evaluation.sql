-- Evaluation (paper section 4, Appendix B): statistics, conversation-level judge, the
-- recommendation and response tasks, dialogue elements. Every row names the run that made it.

-- Corpus statistics (Tables 2 and 8), one row per (run, corpus, tokenizer, metric).
CREATE TABLE corpus_stats (
    run_id     VARCHAR NOT NULL,
    corpus     VARCHAR NOT NULL,   -- 'muse:<conversation set>' or 'redial:<path>', 'inspired:<path>'
    tokenizer  VARCHAR NOT NULL,   -- whitespace | nltk
    metric     VARCHAR NOT NULL,   -- conversations, utterances, words_per_utterance, distinct_3, ...
    value      DOUBLE,
    PRIMARY KEY (run_id, corpus, tokenizer, metric)
);

-- Conversation-level LLM judge (Figure 19 / Table 3): one row per conversation and scoring round.
CREATE TABLE judge_scores (
    conversation_id   VARCHAR NOT NULL,
    judge_model       VARCHAR NOT NULL,
    scoring_round     INTEGER NOT NULL,
    naturalness       DOUBLE NOT NULL,   -- 0-2 (Natural)
    logical           DOUBLE NOT NULL,
    informative       DOUBLE NOT NULL,
    pc_correlation    DOUBLE NOT NULL,
    it_correspondence DOUBLE NOT NULL,
    cache_key         VARCHAR NOT NULL,
    run_id            VARCHAR NOT NULL,
    PRIMARY KEY (conversation_id, judge_model, scoring_round)
);

-- Recommendation task (Table 4): per recommendation round and method, where the recommended
-- item ranked when the method's query searched the catalog.
CREATE TABLE rec_task_rounds (
    conversation_id  VARCHAR NOT NULL,
    round            INTEGER NOT NULL,
    method           VARCHAR NOT NULL,   -- gold-query | last-utterance | model:<litellm model>
    query            VARCHAR NOT NULL,
    retriever        VARCHAR NOT NULL,
    gold_product_id  VARCHAR NOT NULL,   -- the item the assistant actually recommended
    rank             INTEGER,            -- 1-based rank of the gold item in the top 20; NULL if absent
    cache_key        VARCHAR,            -- the model call that wrote the query, for model methods
    run_id           VARCHAR NOT NULL,
    PRIMARY KEY (conversation_id, round, method)
);

-- Response task (Table 5): per assistant turn and method, the generated response.
CREATE TABLE response_task_turns (
    conversation_id  VARCHAR NOT NULL,
    idx              INTEGER NOT NULL,   -- the assistant turn being regenerated
    method           VARCHAR NOT NULL,   -- model:<litellm model>
    generated        VARCHAR NOT NULL,
    cache_key        VARCHAR NOT NULL,
    run_id           VARCHAR NOT NULL,
    PRIMARY KEY (conversation_id, idx, method)
);

-- Response task scores per method (corpus-level, computed over response_task_turns).
CREATE TABLE response_task_scores (
    run_id      VARCHAR NOT NULL,
    method      VARCHAR NOT NULL,
    turns       INTEGER NOT NULL,
    bleu_4      DOUBLE NOT NULL,
    rouge_1     DOUBLE NOT NULL,
    rouge_l     DOUBLE NOT NULL,
    distinct_4  DOUBLE NOT NULL,
    avg_words   DOUBLE NOT NULL,
    PRIMARY KEY (run_id, method)
);

-- Dialogue elements (Figure 4): the element types an LLM tagged in each utterance.
CREATE TABLE utterance_elements (
    conversation_id  VARCHAR NOT NULL,
    idx              INTEGER NOT NULL,
    elements         VARCHAR[] NOT NULL,  -- visual | scenario | attribute | chit-chat | preference | feedback | greeting
    cache_key        VARCHAR NOT NULL,
    run_id           VARCHAR NOT NULL,
    PRIMARY KEY (conversation_id, idx)
);
