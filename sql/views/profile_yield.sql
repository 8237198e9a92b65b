-- Share of profile candidates that became profiles (the paper reports about 21.6%), by set.
CREATE OR REPLACE VIEW profile_yield AS
SELECT profile_set, count(*) AS candidates, count(*) FILTER (WHERE outcome = 'profile') AS profiles,
       round(count(*) FILTER (WHERE outcome = 'profile') / count(*), 4) AS yield,
       list(DISTINCT rejected_by) FILTER (WHERE rejected_by IS NOT NULL) AS rejected_by
FROM profile_candidates GROUP BY ALL;
