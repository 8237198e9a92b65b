-- The conversation-level judge's mean scores (0-2) per open type (text vs multimodal) and judge model
SELECT c.open_type, j.judge_model,
       count(DISTINCT j.conversation_id) AS conversations,
       count(*) AS scorings,
       round(avg(j.naturalness), 3) AS natural,
       round(avg(j.logical), 3) AS logical,
       round(avg(j.informative), 3) AS informative,
       round(avg(j.pc_correlation), 3) AS pc_correlation,
       round(avg(j.it_correspondence), 3) AS it_correspondence,
       round(avg(j.naturalness + j.logical + j.informative + j.pc_correlation + j.it_correspondence), 3) AS total
FROM judge_scores j JOIN conversations c USING (conversation_id)
GROUP BY ALL
ORDER BY c.open_type, j.judge_model
