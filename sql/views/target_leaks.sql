-- User turns that name the target (title or brand) before the assistant recommends it. Should be empty.
CREATE OR REPLACE VIEW target_leaks AS
WITH first_rec AS (
    SELECT t.conversation_id, min(t.idx) AS idx
    FROM turns t JOIN conversations c USING (conversation_id)
    WHERE t.action = 'recommend' AND list_contains(t.product_ids, c.target_product_id)
    GROUP BY ALL
)
SELECT c.conversation_set, t.conversation_id, t.idx, p.product_id, p.title, p.store,
       CASE WHEN contains(lower(t.text || ' ' || t.original_text), lower(p.title)) THEN 'names the title'
            ELSE 'names the brand' END AS why,
       t.text
FROM turns t
JOIN conversations c USING (conversation_id)
JOIN first_rec f USING (conversation_id)
JOIN products p ON p.product_id = c.target_product_id
WHERE t.role = 'user' AND t.idx < f.idx
  AND (contains(lower(t.text || ' ' || t.original_text), lower(p.title))
       OR (length(p.store) > 2
           AND regexp_matches(lower(t.text || ' ' || t.original_text), '\b' || regexp_escape(lower(p.store)) || '\b')));
