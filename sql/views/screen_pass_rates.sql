-- Paper Figure 9: how many candidates each screen saw and passed, per stage.
CREATE OR REPLACE VIEW screen_pass_rates AS
SELECT stage, screen, count(*) AS seen, count(*) FILTER (WHERE passed) AS passed,
       round(count(*) FILTER (WHERE passed) / count(*), 4) AS pass_rate
FROM screens GROUP BY ALL;
