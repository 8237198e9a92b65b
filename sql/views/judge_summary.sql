-- Paper Table 3: the conversation-level judge per corpus (muse, redial, inspired) and judge model.
-- Each conversation's rounds are averaged first; mean and sample sd are over conversations.
-- judged_by says whether a language model or muse's rule-based offline engine gave the scores
-- (call_origins is the one definition of that label). it_correspondence_n counts conversations
-- whose judge saw a photo: text-only corpora have none, so their it_correspondence is NULL.
CREATE OR REPLACE VIEW judge_summary AS
WITH engines AS (
    SELECT DISTINCT l.cache_key, o.engine FROM llm_calls l JOIN call_origins o USING (call_id)
), per_conversation AS (
    SELECT s.corpus, s.judge_model, s.conversation_id, count(*) AS rounds,
           string_agg(DISTINCT e.engine, ', ' ORDER BY e.engine) AS engines,
           avg(s.naturalness) AS "natural", avg(s.logical) AS logical, avg(s.informative) AS informative,
           avg(s.pc_correlation) AS pc_correlation, avg(s.it_correspondence) AS it_correspondence
    FROM judge_scores s LEFT JOIN engines e USING (cache_key)
    GROUP BY s.corpus, s.judge_model, s.conversation_id
)
SELECT corpus, judge_model,
       coalesce(string_agg(DISTINCT engines, ', ' ORDER BY engines), 'unknown') AS judged_by,
       count(*) AS conversations, max(rounds) AS rounds,
       round(avg("natural"), 3) AS "natural", round(stddev_samp("natural"), 3) AS natural_sd,
       round(avg(logical), 3) AS logical, round(stddev_samp(logical), 3) AS logical_sd,
       round(avg(informative), 3) AS informative, round(stddev_samp(informative), 3) AS informative_sd,
       round(avg(pc_correlation), 3) AS pc_correlation, round(stddev_samp(pc_correlation), 3) AS pc_correlation_sd,
       round(avg(it_correspondence), 3) AS it_correspondence,
       round(stddev_samp(it_correspondence), 3) AS it_correspondence_sd,
       count(it_correspondence) AS it_correspondence_n
FROM per_conversation
GROUP BY corpus, judge_model;
