-- Honesty rates per conversation set and open type: organic vs injected success, target leaks,
-- grounding failures. Each conversation counts once: leaks and grounding failures are reduced to
-- one flag per conversation before they meet `conversations` (a join with their rows, one per
-- leaking turn or failure, would count a conversation once per row).
CREATE OR REPLACE VIEW target_outcomes AS
WITH per_conversation AS (
    SELECT c.conversation_set, c.open_type, c.target_injected, c.accepted_round,
           EXISTS (SELECT 1 FROM target_leaks l WHERE l.conversation_id = c.conversation_id) AS leaked,
           EXISTS (SELECT 1 FROM grounding_failures g WHERE g.conversation_id = c.conversation_id) AS ungrounded
    FROM conversations c
)
SELECT conversation_set, open_type, count(*) AS conversations,
       count(*) FILTER (WHERE NOT target_injected) AS organic,
       count(*) FILTER (WHERE target_injected) AS injected,
       round(count(*) FILTER (WHERE NOT target_injected) / count(*), 4) AS organic_rate,
       round(avg(accepted_round), 2) AS mean_accepted_round,
       count(*) FILTER (WHERE leaked) AS leaked,
       round(count(*) FILTER (WHERE leaked) / count(*), 4) AS leak_rate,
       count(*) FILTER (WHERE ungrounded) AS ungrounded
FROM per_conversation
GROUP BY ALL;
