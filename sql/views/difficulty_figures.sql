-- How hard a conversation set was, in the figures `muse run` prints (issue 11 item 5): organic
-- and injected shares of the targets, the reviewer's drops, re-asks per 100 model answers (an
-- answer the gateway refused and asked again for: malformed JSON, off-schema, empty), and the
-- conversation judge's per-aspect standard deviation (rounds averaged per conversation first,
-- sample sd over conversations, as judge_summary). One row per conversation set and judge model;
-- the judge columns are NULL until `muse evaluate` scored the set. Percentages are 0-100.
CREATE OR REPLACE VIEW difficulty_figures AS
WITH sets AS (
    SELECT c.conversation_set, count(*) AS conversations,
           count(*) FILTER (WHERE NOT c.target_injected) AS organic,
           count(*) FILTER (WHERE c.target_injected) AS injected,
           count(v.conversation_id) AS reviewed,
           count(*) FILTER (WHERE NOT v.kept) AS dropped
    FROM conversations c LEFT JOIN reviews v USING (conversation_id)
    GROUP BY c.conversation_set
), answers AS (  -- every call about a conversation has an entity id '<conversation id>[/...]'; those of
                  -- `muse evaluate` (judge, tasks, elements) are the evaluation's, not the set's making
    SELECT c.conversation_set, count(*) AS answers, count(*) FILTER (WHERE l.status IN ('invalid', 'abandoned')) AS reasks
    FROM llm_calls l JOIN conversations c ON c.conversation_id = split_part(l.entity_id, '/', 1)
    WHERE l.status IN ('ok', 'invalid', 'abandoned')
      AND l.run_id NOT IN (SELECT run_id FROM runs WHERE command = 'evaluate')
    GROUP BY c.conversation_set
), judged AS (
    SELECT c.conversation_set, s.judge_model, s.conversation_id,
           avg(s.naturalness) AS nat, avg(s.logical) AS logical, avg(s.informative) AS informative,
           avg(s.pc_correlation) AS pc_correlation, avg(s.it_correspondence) AS it_correspondence
    FROM judge_scores s JOIN conversations c USING (conversation_id)
    GROUP BY ALL
), spread AS (
    SELECT conversation_set, judge_model, count(*) AS judged,
           round(stddev_samp(nat), 3) AS natural_sd, round(stddev_samp(logical), 3) AS logical_sd,
           round(stddev_samp(informative), 3) AS informative_sd,
           round(stddev_samp(pc_correlation), 3) AS pc_correlation_sd,
           round(stddev_samp(it_correspondence), 3) AS it_correspondence_sd
    FROM judged GROUP BY ALL
)
SELECT s.conversation_set, s.conversations,
       s.organic, round(100 * s.organic / s.conversations, 1) AS organic_pct,
       s.injected, round(100 * s.injected / s.conversations, 1) AS injected_pct,
       s.reviewed, s.dropped, round(100 * s.dropped / nullif(s.reviewed, 0), 1) AS dropped_pct,
       coalesce(a.answers, 0) AS answers, coalesce(a.reasks, 0) AS reasks,
       round(100 * a.reasks / nullif(a.answers, 0), 2) AS reasks_per_100,
       j.judge_model, coalesce(j.judged, 0) AS judged,
       j.natural_sd, j.logical_sd, j.informative_sd, j.pc_correlation_sd, j.it_correspondence_sd
FROM sets s LEFT JOIN answers a USING (conversation_set) LEFT JOIN spread j USING (conversation_set);
