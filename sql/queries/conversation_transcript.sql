-- One conversation as the dataset has it: every utterance with its action, final text and the products it mentions or shows
-- param conversation_id: the conversation, a conversations.conversation_id
SELECT t.idx, t.round, t.role, t.action, t.text,
       coalesce(r.check_passed, false) AS rewrite_used,
       coalesce((SELECT list(coalesce(p.title, m.id) ORDER BY m.pos)
                   FROM unnest(t.product_ids) WITH ORDINALITY AS m(id, pos)
                   LEFT JOIN products p ON p.product_id = m.id), []::VARCHAR[]) AS mentioned,
       t.image_product_ids AS images,
       list_contains(t.product_ids, c.target_product_id) AS names_target
FROM turns t JOIN conversations c USING (conversation_id)
LEFT JOIN rewrites r USING (conversation_id, idx)
WHERE t.conversation_id = $conversation_id
ORDER BY t.idx
