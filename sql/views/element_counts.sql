-- Paper Figure 4: how many utterances of each role contain each dialogue element.
CREATE OR REPLACE VIEW element_counts AS
WITH tagged AS (
    SELECT t.role, e.elements FROM utterance_elements e JOIN turns t USING (conversation_id, idx)
),
per_role AS (SELECT role, count(*) AS utterances FROM tagged GROUP BY ALL),
flat AS (SELECT role, unnest(elements) AS element FROM tagged)
SELECT f.role, f.element, count(*) AS utterances, round(count(*) / any_value(r.utterances), 4) AS share_of_role
FROM flat f JOIN per_role r ON r.role = f.role
GROUP BY f.role, f.element;
