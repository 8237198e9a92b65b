-- Each conversation's products as they were when it was made: its target, its outfit item, every
-- product its turns mention or show and every item its querier rounds chose, resolved in
-- product_history to the version valid at conversations.created_at (the version not yet
-- superseded then; the earliest one if the conversation is older than every version). Exports
-- and the stages that read a finished conversation (rewrite, review, judge, response task) read
-- a conversation's products here, never `products`, so a later re-ingest cannot change them.
-- `current`: that listing is still the catalog's (same content_hash as its row in `products`).
-- No photo bytes here (one row per conversation and product would repeat them): read them from
-- product_history by (product_id, image_sha256).
CREATE OR REPLACE VIEW conversation_products AS
WITH used AS (
    SELECT conversation_id, target_product_id AS product_id FROM conversations
    UNION SELECT conversation_id, outfit_product_id FROM conversations WHERE outfit_product_id IS NOT NULL
    UNION SELECT conversation_id, unnest(product_ids) FROM turns
    UNION SELECT conversation_id, unnest(image_product_ids) FROM turns
    UNION SELECT conversation_id, chosen_product_id FROM querier_rounds
)
SELECT u.conversation_id, u.product_id, h.content_hash, h.domain, h.title, h.main_category, h.categories,
       h.features, h.description, h.store, h.price, h.average_rating, h.rating_number, h.details, h.image_status,
       h.image_status = 'ok' AS has_image, h.image_sha256, h.image_mime, h.image_width, h.image_height,
       h.summary, h.summary_attributes, h.valid_from, h.valid_to,
       coalesce(h.content_hash = p.content_hash, FALSE) AS current
FROM used u
JOIN conversations c ON c.conversation_id = u.conversation_id
JOIN product_history h ON h.product_id = u.product_id AND (h.valid_to IS NULL OR h.valid_to > c.created_at)
LEFT JOIN products p ON p.product_id = u.product_id
QUALIFY row_number() OVER (PARTITION BY u.conversation_id, u.product_id ORDER BY h.valid_to NULLS LAST) = 1;
