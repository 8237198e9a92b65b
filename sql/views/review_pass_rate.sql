-- Reviewer results per conversation set: how many were kept and the mean of each score.
CREATE OR REPLACE VIEW review_pass_rate AS
SELECT c.conversation_set, count(*) AS reviewed, count(*) FILTER (WHERE v.kept) AS kept,
       round(count(*) FILTER (WHERE v.kept) / count(*), 4) AS pass_rate,
       round(avg(v.content_quality), 3) AS content_quality, round(avg(v.logical_fluency), 3) AS logical_fluency,
       round(avg(v.user_consistency), 3) AS user_consistency, any_value(v.threshold) AS threshold
FROM reviews v JOIN conversations c USING (conversation_id)
GROUP BY ALL;
