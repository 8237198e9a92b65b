-- Organic vs injected successes, rounds and reviewer outcome per purchase reason of the profile's scenario
SELECT s.reason AS scenario_reason,
       count(*) AS conversations,
       count(*) FILTER (WHERE NOT c.target_injected) AS organic,
       count(*) FILTER (WHERE c.target_injected) AS injected,
       round(count(*) FILTER (WHERE NOT c.target_injected) / count(*), 4) AS organic_rate,
       round(avg(c.accepted_round), 2) AS mean_accepted_round,
       count(*) FILTER (WHERE c.open_type = 'multimodal') AS multimodal_open,
       count(*) FILTER (WHERE v.kept) AS kept
FROM conversations c
JOIN profiles pr USING (profile_id)
JOIN scenarios s USING (scenario_id)
LEFT JOIN reviews v USING (conversation_id)
GROUP BY ALL
ORDER BY conversations DESC, scenario_reason
