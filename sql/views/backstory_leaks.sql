-- Kept backstories that name their target's title or brand: must stay empty (the leak screen).
CREATE OR REPLACE VIEW backstory_leaks AS
SELECT pr.profile_id, p.title, p.store, pr.backstory
FROM profiles pr JOIN products p ON p.product_id = pr.target_product_id
WHERE contains(lower(pr.backstory), lower(p.title))
   OR (p.store IS NOT NULL AND length(p.store) > 2 AND regexp_matches(lower(pr.backstory), '\b' || regexp_escape(lower(p.store)) || '\b'));
