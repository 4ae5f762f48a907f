-- Service links by Zipkin's rules (model/dependency-linker.ts), kept current by the span
-- writer as Jaeger's are (see trace-links.ts), with error counts, per minute of the span that
-- shows each call.
CREATE TABLE zipkin_links (
  bucket_us   INTEGER NOT NULL, -- start of the minute, microseconds since the epoch
  parent_id   INTEGER NOT NULL, -- services.id of the caller
  child_id    INTEGER NOT NULL, -- services.id of the called service
  call_count  INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  PRIMARY KEY (bucket_us, parent_id, child_id)
) WITHOUT ROWID;

-- Trace runs now keep what those links need of each span (see trace-run.ts). The runs stored
-- before are converted, and their traces linked, by the writer at its first start.
ALTER TABLE trace_runs RENAME TO trace_runs_before_014;
CREATE TABLE trace_runs (
  trace_id   BLOB NOT NULL, -- 16 bytes, big-endian
  block_id   INTEGER NOT NULL,
  first_line INTEGER NOT NULL,
  spans      BLOB NOT NULL, -- see trace-run.ts
  PRIMARY KEY (trace_id, block_id)
) WITHOUT ROWID;
