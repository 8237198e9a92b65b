-- Conversations whose target was never among the querier's candidates in any round, and whether it was injected
SELECT c.conversation_id, c.open_type, c.rounds, c.round_limit, c.target_injected, c.accepted_round,
       c.target_product_id, p.title AS target_title,
       s.attributes ->> 'product_type' AS target_type,
       list(q.query ORDER BY q.round) AS queries
FROM conversations c
JOIN querier_rounds q USING (conversation_id)
LEFT JOIN products p ON p.product_id = c.target_product_id
LEFT JOIN product_summaries s ON s.product_id = c.target_product_id
GROUP BY ALL
HAVING NOT bool_or(q.target_in_candidates)
ORDER BY c.conversation_id
