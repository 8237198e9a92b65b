-- Why the user simulator rejected recommendations: the main difference (user_compare) by product attribute, with examples
WITH compares AS (
    -- one row per call: a cache key can hold retried attempts, and cache hits add no row
    SELECT c.entity_id, split_part(c.entity_id, '/', 1) AS conversation_id,
           json_extract_string(c.response, '$.aspect') AS aspect,
           json_extract_string(c.response, '$.recommended') AS recommended,
           json_extract_string(c.response, '$.wanted') AS wanted
    FROM llm_calls c
    WHERE c.skill = 'user_compare' AND c.status = 'ok'
    QUALIFY row_number() OVER (PARTITION BY c.cache_key ORDER BY c.created_at, c.call_id) = 1
)
SELECT coalesce(x.aspect, '(none)') AS aspect,
       count(*) AS rejections,
       round(count(*) / sum(count(*)) OVER (), 4) AS share,
       count(DISTINCT x.conversation_id) AS conversations,
       list_sort(list(DISTINCT x.recommended || ' -> ' || x.wanted))[1:3] AS examples
FROM compares x
-- only calls behind stored conversations (an interrupted run may have left others)
WHERE x.conversation_id IN (SELECT conversation_id FROM conversations)
GROUP BY ALL
ORDER BY rejections DESC, aspect
