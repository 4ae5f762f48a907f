-- Service dependency links, kept current by the span writer instead of a batch job.

-- Call counts per minute of the called span's start: the graph for any window is a short
-- range scan over a few rows per service pair and minute.
CREATE TABLE dependency_links (
  bucket_us  INTEGER NOT NULL, -- start of the minute, microseconds since the epoch
  parent_id  INTEGER NOT NULL, -- services.id of the caller
  child_id   INTEGER NOT NULL, -- services.id of the called service
  call_count INTEGER NOT NULL,
  PRIMARY KEY (bucket_us, parent_id, child_id)
) WITHOUT ROWID;

-- Who each stored span belongs to, so a child arriving later finds its parent's service.
-- client_half is 1 for client spans: a Zipkin server span sharing the id is told apart.
CREATE TABLE dependency_spans (
  trace_id    BLOB NOT NULL,
  span_id     INTEGER NOT NULL, -- the 64-bit id as a signed integer
  client_half INTEGER NOT NULL,
  service_id  INTEGER NOT NULL,
  PRIMARY KEY (trace_id, span_id, client_half)
) WITHOUT ROWID;

-- Spans whose parent is not stored yet; linked and removed when the parent arrives.
-- wants_client is 1 for a shared server span, whose caller is the client half of its own id.
CREATE TABLE dependency_waiting (
  trace_id         BLOB NOT NULL,
  parent_span_id   INTEGER NOT NULL,
  wants_client     INTEGER NOT NULL,
  child_service_id INTEGER NOT NULL,
  child_start_us   INTEGER NOT NULL
);
CREATE INDEX dependency_waiting_by_parent ON dependency_waiting (trace_id, parent_span_id);
