-- Paper Table 3: the conversation-level judge's mean scores per judge model (rounds averaged).
CREATE OR REPLACE VIEW judge_summary AS
SELECT judge_model, count(DISTINCT conversation_id) AS conversations, max(scoring_round) AS rounds,
       round(avg(naturalness), 3) AS natural, round(avg(logical), 3) AS logical,
       round(avg(informative), 3) AS informative, round(avg(pc_correlation), 3) AS pc_correlation,
       round(avg(it_correspondence), 3) AS it_correspondence
FROM judge_scores GROUP BY ALL;
