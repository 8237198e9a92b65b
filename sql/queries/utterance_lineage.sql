-- One utterance end to end: the prompt and raw answer that wrote it, the rewrite and its fact check, the final text, and the querier's round
-- param conversation_id: the conversation, a conversations.conversation_id
-- param idx: the utterance's position in it, turns.idx (0 is the greeting)
WITH first_ok AS (
    -- a cache key is replayed from its first 'ok' row: that row is the call that counts
    SELECT cache_key, skill, model, request, response
    FROM llm_calls WHERE status = 'ok'
    QUALIFY row_number() OVER (PARTITION BY cache_key ORDER BY created_at, call_id) = 1
)
SELECT t.conversation_id, t.idx, t.round, t.role, t.action,
       w.skill, w.model, w.request AS prompt, w.response AS raw_response,
       t.original_text,
       r.colloquial, r.rewritten_text, r.check_passed, r.check_reason,
       ck.response AS check_response,
       t.text AS final_text,
       t.product_ids, t.image_product_ids,
       q.needs AS querier_needs, q.attributes AS querier_attributes, q.query AS querier_query,
       q.retriever, q.candidates, q.dropped, q.reranked_product_id, q.rerank_reason,
       q.chosen_product_id, q.target_in_candidates, q.injected
FROM turns t
LEFT JOIN first_ok w ON w.cache_key = t.cache_key
LEFT JOIN rewrites r ON r.conversation_id = t.conversation_id AND r.idx = t.idx
LEFT JOIN first_ok ck ON ck.cache_key = r.check_cache_key
LEFT JOIN querier_rounds q ON q.conversation_id = t.conversation_id AND q.round = t.round
WHERE t.conversation_id = $conversation_id AND t.idx = CAST($idx AS INTEGER)
