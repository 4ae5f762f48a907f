-- When each operation's newest span started, so that retention can drop the operations (and
-- so hide the services) whose spans are all gone. Operations stored before this migration
-- count as seen with the newest span stored.
ALTER TABLE operations ADD COLUMN last_start_us INTEGER NOT NULL DEFAULT 0;
UPDATE operations SET last_start_us = (SELECT coalesce(max(max_start_us), 0) FROM span_blocks);
-- The start of the oldest span left, found without reading every block.
CREATE INDEX span_blocks_by_min_start ON span_blocks (min_start_us);
