-- Actions per round and role, with each action's share of its round and role (paper Figure 4)
SELECT conversation_set, round, role, action, turns, share_of_round,
       -- the share of conversations that reached this round, to read late rounds in context
       (SELECT count(DISTINCT t.conversation_id) FROM turns t JOIN conversations c USING (conversation_id)
         WHERE c.conversation_set = m.conversation_set AND t.round = m.round) AS conversations_in_round
FROM action_mix m
ORDER BY conversation_set, round, role, turns DESC, action
