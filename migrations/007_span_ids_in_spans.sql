-- Span rows take the span id and whether the span is a client half, and the trace index takes
-- the span id: one index then finds a trace's spans, dedupes retries and finds a parent span's
-- service for the dependency links, which kept a second per-span index of their own before.
-- Rows written before this version keep span id 0: a child arriving after the upgrade whose
-- parent was stored before it is not linked.
ALTER TABLE spans ADD COLUMN span_id INTEGER NOT NULL DEFAULT 0; -- the 64-bit id as a signed integer
ALTER TABLE spans ADD COLUMN client_half INTEGER NOT NULL DEFAULT 0;
DROP INDEX spans_by_trace;
CREATE UNIQUE INDEX spans_by_trace ON spans (trace_id, span_id, content_hash);
DROP TABLE dependency_spans;
