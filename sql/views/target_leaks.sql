-- User turns that give the target away before the assistant first recommends it (or at all, if it
-- never does), by the one leak rule (leak_rule.sql: brand, title, a run of distinctive title
-- words, a distinctive detail phrase), in the dataset's text or the simulator's. Should be empty.
CREATE OR REPLACE VIEW target_leaks AS
WITH first_rec AS (
    SELECT t.conversation_id, min(t.idx) AS idx
    FROM turns t JOIN conversations c USING (conversation_id)
    WHERE t.action = 'recommend' AND list_contains(t.product_ids, c.target_product_id)
    GROUP BY ALL
),
checked AS (
    SELECT c.conversation_set, t.conversation_id, t.idx, p.product_id, p.title, p.store, t.text,
           coalesce(target_leak(t.text, p.title, p.store, p.details, p.summary_attributes),
                    target_leak(t.original_text, p.title, p.store, p.details, p.summary_attributes)) AS why
    FROM turns t
    JOIN conversations c USING (conversation_id)
    LEFT JOIN first_rec f USING (conversation_id)
    -- the target as the conversation had it, not as a later re-ingest changed it
    JOIN conversation_products p ON p.conversation_id = c.conversation_id AND p.product_id = c.target_product_id
    WHERE t.role = 'user' AND (f.idx IS NULL OR t.idx < f.idx)
)
SELECT conversation_set, conversation_id, idx, product_id, title, store, why, text
FROM checked WHERE why IS NOT NULL;
