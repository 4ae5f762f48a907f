-- A block's size before compression, so a read inflates it into one buffer of the right size
-- instead of growing one chunk by chunk. Blocks written before this migration have none.
ALTER TABLE span_blocks ADD COLUMN data_bytes INTEGER;
