-- One row per conversation set: what a run produced, stage by stage.
CREATE OR REPLACE VIEW conversation_summary AS
SELECT c.conversation_set,
       count(*) AS conversations,
       count(*) FILTER (WHERE c.open_type = 'multimodal') AS multimodal_open,
       count(*) FILTER (WHERE NOT c.target_injected) AS organic,
       count(*) FILTER (WHERE c.target_injected) AS injected,
       (SELECT count(*) FROM turns t JOIN conversations c2 USING (conversation_id)
        WHERE c2.conversation_set = c.conversation_set) AS utterances,
       (SELECT count(*) FILTER (WHERE NOT r.check_passed) FROM rewrites r JOIN conversations c2 USING (conversation_id)
        WHERE c2.conversation_set = c.conversation_set) AS rewrite_check_failures,
       count(v.conversation_id) AS reviewed,
       count(*) FILTER (WHERE v.kept) AS kept,
       round(sum(c.cost_usd), 6) AS simulation_cost_usd
FROM conversations c LEFT JOIN reviews v USING (conversation_id)
GROUP BY ALL;
