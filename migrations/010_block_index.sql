-- What the query side keeps in memory of every block (see block-index.ts), read at start
-- without touching the blocks' data.
CREATE INDEX span_blocks_by_id ON span_blocks (id, span_count, max_start_us);
