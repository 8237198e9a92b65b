-- Rewrites the fact check refused (the original was kept), with both texts and the reason.
CREATE OR REPLACE VIEW rewrite_check_failures AS
SELECT c.conversation_set, r.conversation_id, r.idx, t.role, r.colloquial, r.check_reason,
       t.original_text, r.rewritten_text
FROM rewrites r JOIN turns t USING (conversation_id, idx) JOIN conversations c USING (conversation_id)
WHERE NOT r.check_passed;
