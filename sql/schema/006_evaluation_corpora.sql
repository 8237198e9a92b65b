-- The conversation judge also scores dialogues of external corpora (ReDial, INSPIRED) for
-- Table 3. Their conversation_id is '<corpus>:<the corpus's own dialogue id>' (stable across
-- runs and files of one release); `corpus` says where a row's conversation comes from.
ALTER TABLE judge_scores ADD COLUMN corpus VARCHAR DEFAULT 'muse';  -- muse | redial | inspired
ALTER TABLE judge_scores ALTER COLUMN corpus SET NOT NULL;
-- the file an external dialogue was read from; NULL for muse's own conversations
ALTER TABLE judge_scores ADD COLUMN source VARCHAR;
-- Image-text correspondence is not applicable when the judge was shown no photo (text-only
-- corpora): NULL then, never a number the judge had to make up.
ALTER TABLE judge_scores ALTER COLUMN it_correspondence DROP NOT NULL;

-- The response task's BLEU and Distinct in CRSLab's convention too (muse_core/crslab_metrics.py):
-- sentence-averaged BLEU of n-gram order n, no smoothing; distinct n-grams / generated turns.
ALTER TABLE response_task_scores ADD COLUMN crslab_bleu_1 DOUBLE;
ALTER TABLE response_task_scores ADD COLUMN crslab_bleu_2 DOUBLE;
ALTER TABLE response_task_scores ADD COLUMN crslab_bleu_3 DOUBLE;
ALTER TABLE response_task_scores ADD COLUMN crslab_bleu_4 DOUBLE;
ALTER TABLE response_task_scores ADD COLUMN crslab_dist_1 DOUBLE;
ALTER TABLE response_task_scores ADD COLUMN crslab_dist_2 DOUBLE;
ALTER TABLE response_task_scores ADD COLUMN crslab_dist_3 DOUBLE;
ALTER TABLE response_task_scores ADD COLUMN crslab_dist_4 DOUBLE;
