-- Model calls, tokens and cost per pipeline stage and skill, and per conversation the reviewer kept
WITH calls AS (
    SELECT CASE
               WHEN skill = 'product_summary' THEN 'summaries'
               WHEN skill = 'scenario_expand' THEN 'scenarios'
               WHEN skill IN ('profile_match', 'purchase_backstory') THEN 'profiles'
               WHEN skill IN ('chatter_greet', 'chatter_ask', 'chatter_recommend', 'chatter_chitchat',
                              'user_open', 'user_needs', 'user_compare', 'user_reject', 'user_accept',
                              'user_chitchat', 'querier_analyse', 'querier_query', 'querier_rerank',
                              'outfit_stylist', 'outfit_check') THEN 'conversations'
               WHEN skill IN ('rewrite_utterance', 'rewrite_check') THEN 'rewrite'
               WHEN skill = 'review_conversation' THEN 'review'
               WHEN skill IN ('judge_conversation', 'rec_query', 'response_generate', 'tag_elements') THEN 'evaluation'
               ELSE 'other'  -- a skill added later: map it above
           END AS stage,
           CASE stage WHEN 'summaries' THEN 1 WHEN 'scenarios' THEN 2 WHEN 'profiles' THEN 3
                WHEN 'conversations' THEN 4 WHEN 'rewrite' THEN 5 WHEN 'review' THEN 6
                WHEN 'evaluation' THEN 7 ELSE 8 END AS stage_order,
           skill, status, prompt_tokens, completion_tokens, cost_usd
    FROM llm_calls
),
kept AS (SELECT nullif(count(*), 0) AS n FROM reviews WHERE kept)
SELECT coalesce(stage, 'all stages') AS stage, coalesce(skill, '(all skills)') AS skill,
       count(*) FILTER (WHERE status = 'ok') AS ok_calls,
       count(*) FILTER (WHERE status <> 'ok') AS failed_calls,
       coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
       coalesce(sum(completion_tokens), 0) AS completion_tokens,
       round(sum(cost_usd), 6) AS cost_usd,
       round(sum(cost_usd) / any_value(kept.n), 6) AS cost_per_kept_conversation,
       round((coalesce(sum(prompt_tokens), 0) + coalesce(sum(completion_tokens), 0)) / any_value(kept.n), 1)
           AS tokens_per_kept_conversation
FROM calls, kept
GROUP BY GROUPING SETS ((stage, stage_order, skill), (stage, stage_order), ())
ORDER BY coalesce(stage_order, 99), skill IS NOT NULL, skill
