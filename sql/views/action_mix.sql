-- Which actions each round holds (paper Figure 4, action distribution): counts and share per round and role.
CREATE OR REPLACE VIEW action_mix AS
SELECT conversation_set, round, role, action, turns,
       round(turns / sum(turns) OVER (PARTITION BY conversation_set, round, role), 4) AS share_of_round
FROM (SELECT c.conversation_set, t.round, t.role, t.action, count(*) AS turns
      FROM turns t JOIN conversations c USING (conversation_id) GROUP BY ALL);
