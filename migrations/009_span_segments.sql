-- Spans lose their row of their own: a block now carries a summary of its spans (trace ids,
-- services, operations, times), a trace finds its spans through one row per run of its lines in
-- a block, and the search index is sealed segments of postings chunked by key. This costs a
-- fraction of the bytes and the B-tree writes of a row with four indexes per span.
-- The old tables are kept under new names until spanlite has rewritten their spans in the new
-- layout at its next start.
DROP INDEX spans_by_trace;
DROP INDEX spans_by_service;
DROP INDEX spans_by_operation;
DROP INDEX spans_by_start;
DROP INDEX span_blocks_by_max_start;
ALTER TABLE spans RENAME TO spans_before_009;
ALTER TABLE span_blocks RENAME TO span_blocks_before_009;
DROP TABLE tag_posting_lists;
DROP TABLE tag_postings_open;
DROP TABLE tag_segments;

-- Spans get sequence numbers in the order they are stored; a block's id is its first span's.
-- Its lines are sorted by trace id, so a trace's spans in it are adjacent.
CREATE TABLE span_blocks (
  id           INTEGER PRIMARY KEY,
  span_count   INTEGER NOT NULL,
  min_start_us INTEGER NOT NULL,
  max_start_us INTEGER NOT NULL,
  summary      BLOB NOT NULL, -- see block-summary.ts
  data         BLOB NOT NULL  -- the encoded spans, one per line, compressed together (block-compression.ts)
);
CREATE INDEX span_blocks_by_max_start ON span_blocks (max_start_us);

-- Where a trace's spans are: one row per block it has spans in. `spans` says, per span of the
-- run, what writes need without reading the block: its content hash (a retried span is stored
-- once), span id and service (a later child's dependency link).
CREATE TABLE trace_runs (
  trace_id   BLOB NOT NULL, -- 16 bytes, big-endian
  block_id   INTEGER NOT NULL,
  first_line INTEGER NOT NULL,
  spans      BLOB NOT NULL, -- see trace-run.ts
  PRIMARY KEY (trace_id, block_id)
) WITHOUT ROWID;

-- Postings of spans first_seq..last_seq, sealed together once enough spans arrived; the
-- newer spans' postings are held in memory.
CREATE TABLE segments (
  id           INTEGER PRIMARY KEY,
  first_seq    INTEGER NOT NULL,
  last_seq     INTEGER NOT NULL,
  min_start_us INTEGER NOT NULL,
  max_start_us INTEGER NOT NULL
);

CREATE TABLE posting_chunks (
  id         INTEGER PRIMARY KEY,
  segment_id INTEGER NOT NULL,
  first_hash INTEGER NOT NULL,
  data       BLOB NOT NULL -- see posting-chunks.ts
);
CREATE INDEX posting_chunks_by_key ON posting_chunks (segment_id, first_hash);
