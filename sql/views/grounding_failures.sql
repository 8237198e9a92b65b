-- Mentioned products or shown images that do not exist in the catalog. Should be empty.
CREATE OR REPLACE VIEW grounding_failures AS
SELECT c.conversation_set, t.conversation_id, t.idx, 'unknown product' AS problem, m.product_id
FROM turns t JOIN conversations c USING (conversation_id), unnest(t.product_ids) AS m(product_id)
WHERE m.product_id NOT IN (SELECT product_id FROM products)
UNION ALL
SELECT c.conversation_set, t.conversation_id, t.idx, 'image not stored' AS problem, m.product_id
FROM turns t JOIN conversations c USING (conversation_id), unnest(t.image_product_ids) AS m(product_id)
WHERE m.product_id NOT IN (SELECT product_id FROM product_images)
UNION ALL
SELECT c.conversation_set, q.conversation_id, NULL AS idx, 'recommended item differs from the querier''s' AS problem,
       q.chosen_product_id
FROM querier_rounds q JOIN conversations c USING (conversation_id)
WHERE NOT EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = q.conversation_id AND t.round = q.round
                  AND t.action = 'recommend' AND list_contains(t.product_ids, q.chosen_product_id));
