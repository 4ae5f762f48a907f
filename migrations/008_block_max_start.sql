-- Blocks record the newest start of their spans: retention deletes a block once it is older
-- than the oldest span kept, instead of asking an index of span rows by block, which every
-- write had to maintain.
ALTER TABLE span_blocks ADD COLUMN max_start_us INTEGER NOT NULL DEFAULT 0;
UPDATE span_blocks SET max_start_us = coalesce((SELECT max(start_us) FROM spans WHERE block_id = span_blocks.id), 0);
CREATE INDEX span_blocks_by_max_start ON span_blocks (max_start_us);
DROP INDEX spans_by_block;
