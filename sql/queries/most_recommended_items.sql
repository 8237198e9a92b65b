-- Products the assistant recommended most often, how often each was accepted, and whether it was the target
WITH recs AS (
    SELECT t.conversation_id, t.idx, t.round, unnest(t.product_ids) AS product_id
    FROM turns t WHERE t.action = 'recommend'
),
accepted AS (
    -- the user's accept turn names the item it accepts
    SELECT DISTINCT t.conversation_id, unnest(t.product_ids) AS product_id FROM turns t WHERE t.action = 'accept'
)
SELECT r.product_id, p.title,
       s.attributes ->> 'product_type' AS product_type,
       count(*) AS recommended,
       count(*) FILTER (WHERE a.conversation_id IS NOT NULL) AS accepted,
       round(count(*) FILTER (WHERE a.conversation_id IS NOT NULL) / count(*), 4) AS acceptance_rate,
       count(*) FILTER (WHERE r.product_id = c.target_product_id) AS as_target,
       count(DISTINCT r.conversation_id) AS conversations
FROM recs r
JOIN conversations c USING (conversation_id)
LEFT JOIN accepted a ON a.conversation_id = r.conversation_id AND a.product_id = r.product_id
LEFT JOIN products p ON p.product_id = r.product_id
LEFT JOIN product_summaries s ON s.product_id = r.product_id
GROUP BY ALL
ORDER BY recommended DESC, accepted DESC, r.product_id
