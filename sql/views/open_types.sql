-- Open-type mix, and how often a multimodal (outfit) opening was tried and succeeded (paper: ~47%).
CREATE OR REPLACE VIEW open_types AS
SELECT c.conversation_set,
       count(*) AS conversations,
       count(*) FILTER (WHERE c.open_type = 'text') AS text_open,
       count(*) FILTER (WHERE c.open_type = 'multimodal') AS multimodal_open,
       round(count(*) FILTER (WHERE c.open_type = 'multimodal') / count(*), 4) AS multimodal_share,
       count(a.conversation_id) AS outfit_attempts,
       count(*) FILTER (WHERE a.compatible) AS outfit_successes,
       round(count(*) FILTER (WHERE a.compatible) / nullif(count(a.conversation_id), 0), 4) AS outfit_success_rate
FROM conversations c LEFT JOIN outfit_attempts a USING (conversation_id)
GROUP BY ALL;
