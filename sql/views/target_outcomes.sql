-- Honesty rates per conversation set: organic vs injected success, target leaks, grounding failures.
CREATE OR REPLACE VIEW target_outcomes AS
SELECT c.conversation_set, c.open_type, count(*) AS conversations,
       count(*) FILTER (WHERE NOT c.target_injected) AS organic,
       count(*) FILTER (WHERE c.target_injected) AS injected,
       round(count(*) FILTER (WHERE NOT c.target_injected) / count(*), 4) AS organic_rate,
       round(avg(c.accepted_round), 2) AS mean_accepted_round,
       count(DISTINCT l.conversation_id) AS leaked,
       round(count(DISTINCT l.conversation_id) / count(*), 4) AS leak_rate,
       count(DISTINCT g.conversation_id) AS ungrounded
FROM conversations c
LEFT JOIN target_leaks l USING (conversation_id)
LEFT JOIN grounding_failures g USING (conversation_id)
GROUP BY ALL;
