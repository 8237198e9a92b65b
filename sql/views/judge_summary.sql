-- Paper Table 3: the conversation-level judge per corpus (muse, redial, inspired) and judge model.
-- Each conversation's rounds are averaged first; mean and sample sd are over conversations.
-- judged_by says whether a language model or muse's rule-based offline engine gave the scores
-- (call_origins is the one definition of that label): the distinct engines of the column's own
-- calls, so a mixed column names each engine once. it_correspondence_n counts conversations
-- whose judge saw a photo: text-only corpora have none, so their it_correspondence is NULL.
CREATE OR REPLACE VIEW judge_summary AS
WITH engines AS (
    SELECT DISTINCT l.cache_key, o.engine FROM llm_calls l JOIN call_origins o USING (call_id)
), judged_by AS (
    SELECT s.corpus, s.judge_model, string_agg(DISTINCT e.engine, ', ' ORDER BY e.engine) AS judged_by
    FROM judge_scores s LEFT JOIN engines e USING (cache_key)
    GROUP BY s.corpus, s.judge_model
), per_conversation AS (
    SELECT corpus, judge_model, conversation_id, count(*) AS rounds,
           avg(naturalness) AS "natural", avg(logical) AS logical, avg(informative) AS informative,
           avg(pc_correlation) AS pc_correlation, avg(it_correspondence) AS it_correspondence
    FROM judge_scores
    GROUP BY corpus, judge_model, conversation_id
)
SELECT corpus, judge_model,
       coalesce(any_value(j.judged_by), 'unknown') AS judged_by,
       count(*) AS conversations, max(rounds) AS rounds,
       round(avg("natural"), 3) AS "natural", round(stddev_samp("natural"), 3) AS natural_sd,
       round(avg(logical), 3) AS logical, round(stddev_samp(logical), 3) AS logical_sd,
       round(avg(informative), 3) AS informative, round(stddev_samp(informative), 3) AS informative_sd,
       round(avg(pc_correlation), 3) AS pc_correlation, round(stddev_samp(pc_correlation), 3) AS pc_correlation_sd,
       round(avg(it_correspondence), 3) AS it_correspondence,
       round(stddev_samp(it_correspondence), 3) AS it_correspondence_sd,
       count(it_correspondence) AS it_correspondence_n
FROM per_conversation JOIN judged_by j USING (corpus, judge_model)
GROUP BY corpus, judge_model;
