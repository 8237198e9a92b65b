-- The identity of the settings that made a row (muse_core/stages.py: the skill's version, its
-- role's model and sampling, the stage's thresholds, and the identities of the stages it read).
-- A run whose settings give another identity redoes the row; the earlier answers stay in llm_calls.
-- NULL: written before identities were recorded, so redone once.
ALTER TABLE product_summaries ADD COLUMN identity VARCHAR;
ALTER TABLE rewrites ADD COLUMN identity VARCHAR;
ALTER TABLE reviews ADD COLUMN identity VARCHAR;
