-- Kept backstories that give their target away by the one leak rule (leak_rule.sql), the rule the
-- profile screen applies: must stay empty.
CREATE OR REPLACE VIEW backstory_leaks AS
WITH checked AS (
    SELECT pr.profile_id, p.title, p.store, pr.backstory,
           target_leak(pr.backstory, p.title, p.store, p.details, s.attributes) AS why
    FROM profiles pr
    JOIN products p ON p.product_id = pr.target_product_id
    LEFT JOIN product_summaries s ON s.product_id = p.product_id
)
SELECT profile_id, title, store, why, backstory FROM checked WHERE why IS NOT NULL;
