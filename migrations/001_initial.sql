-- Services and operations are interned; span rows refer to them by id.
CREATE TABLE services (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE operations (
  id         INTEGER PRIMARY KEY,
  service_id INTEGER NOT NULL REFERENCES services (id),
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL, -- '' when the span did not say
  UNIQUE (service_id, name, kind)
);

-- Whole write batches of spans, one encoded span per line, deflated together:
-- compressing a batch at once costs a fraction of the bytes of compressing spans one by one.
CREATE TABLE span_blocks (
  id   INTEGER PRIMARY KEY,
  data BLOB NOT NULL
);

-- One compact row per stored span: where its body is and what searches filter on.
-- AUTOINCREMENT: a row id is never reused after retention deletes spans, so tag postings
-- left behind in a partly expired segment can never point at a newer span.
CREATE TABLE spans (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  trace_id     BLOB NOT NULL,    -- 16 bytes, big-endian
  content_hash INTEGER NOT NULL, -- of the encoded span: a retried span is stored once
  block_id     INTEGER NOT NULL,
  block_line   INTEGER NOT NULL,
  service_id   INTEGER NOT NULL,
  operation_id INTEGER NOT NULL,
  start_us     INTEGER NOT NULL,
  duration_us  INTEGER NOT NULL
);
CREATE UNIQUE INDEX spans_by_trace ON spans (trace_id, content_hash);
CREATE INDEX spans_by_service ON spans (service_id, start_us);
CREATE INDEX spans_by_operation ON spans (operation_id, start_us);

-- Tag postings: (service, hash of tag key and value string) -> span row, for span tags,
-- process tags and log fields. New postings are appended to tag_postings_open, which has no
-- index to maintain; when it holds a segment's worth, one sorted pass moves them into
-- tag_postings, where the leading segment_id makes the move an append at the end of the B-tree.
CREATE TABLE tag_segments (
  id           INTEGER PRIMARY KEY,
  min_start_us INTEGER NOT NULL,
  max_start_us INTEGER NOT NULL
);

CREATE TABLE tag_postings (
  segment_id INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  tag_hash   INTEGER NOT NULL,
  span_id    INTEGER NOT NULL,
  PRIMARY KEY (segment_id, service_id, tag_hash, span_id)
) WITHOUT ROWID;

CREATE TABLE tag_postings_open (
  service_id INTEGER NOT NULL,
  tag_hash   INTEGER NOT NULL,
  span_id    INTEGER NOT NULL
);
