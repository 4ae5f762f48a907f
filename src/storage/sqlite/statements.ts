/**
 * Every SQL text spanlite runs, in one place so that the query-plan test can check each of
 * them (except the conversions of the layouts before migrations 009 and 014, run once, which
 * read whole tables).
 */

export const INSERT_SERVICE = 'INSERT INTO services (name) VALUES (?) ON CONFLICT (name) DO NOTHING'
export const SELECT_SERVICE_ID = 'SELECT id FROM services WHERE name = ?'
/** Services with an operation left: retention drops operations whose spans are all gone. */
export const SELECT_SERVICES = `SELECT name FROM services s
  WHERE EXISTS (SELECT 1 FROM operations o WHERE o.service_id = s.id) ORDER BY name`
/** Services spans were filed under (services also names remote services, and '' for spans without one). */
export const SELECT_SERVICE_IDS = 'SELECT id FROM services WHERE EXISTS (SELECT 1 FROM operations WHERE operations.service_id = services.id)'
export const INSERT_OPERATION =
  'INSERT INTO operations (service_id, name, kind) VALUES (?, ?, ?) ON CONFLICT (service_id, name, kind) DO NOTHING'
export const SELECT_OPERATION_ID = 'SELECT id FROM operations WHERE service_id = ? AND name = ? AND kind = ?'
export const SELECT_OPERATIONS = 'SELECT name, kind FROM operations WHERE service_id = ? ORDER BY name, kind'
export const SELECT_OPERATIONS_OF_KIND = 'SELECT name, kind FROM operations WHERE service_id = ? AND kind = ? ORDER BY name'
export const UPDATE_OPERATION_LAST_START = 'UPDATE operations SET last_start_us = max(last_start_us, ?) WHERE id = ?'
/** Operations whose newest span started before a time. */
export const DELETE_OPERATIONS_BEFORE = 'DELETE FROM operations WHERE last_start_us < ?'
export const DELETE_REMOTE_SERVICES_BEFORE = 'DELETE FROM remote_services WHERE last_start_us < ?'
export const DELETE_TAG_VALUES_BEFORE = 'DELETE FROM tag_values WHERE last_start_us < ?'

/** A remote service name or autocomplete value seen, with the start of the span that named it. */
export const UPSERT_REMOTE_SERVICE = `INSERT INTO remote_services (service_id, name, last_start_us) VALUES (?, ?, ?)
  ON CONFLICT DO UPDATE SET last_start_us = max(last_start_us, excluded.last_start_us)`
export const SELECT_REMOTE_SERVICES = 'SELECT name FROM remote_services WHERE service_id = ? ORDER BY name'
export const UPSERT_TAG_VALUE = `INSERT INTO tag_values (key, value, last_start_us) VALUES (?, ?, ?)
  ON CONFLICT DO UPDATE SET last_start_us = max(last_start_us, excluded.last_start_us)`
export const SELECT_TAG_VALUES = 'SELECT value FROM tag_values WHERE key = ? ORDER BY value'

export const INSERT_BLOCK = 'INSERT INTO span_blocks (id, span_count, min_start_us, max_start_us, summary, data, data_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)'
/** The sequence number after the newest block's spans. */
export const SELECT_BLOCKS_END = 'SELECT id + span_count FROM span_blocks WHERE id = (SELECT max(id) FROM span_blocks)'
export const SELECT_BLOCK_DATA = 'SELECT span_count, data, data_bytes FROM span_blocks WHERE id = ?'
/** The block holding a sequence number: the last one starting at or before it. */
export const SELECT_BLOCK_AT = 'SELECT id FROM span_blocks WHERE id <= ? ORDER BY id DESC LIMIT 1'
/** Small blocks merged: the first becomes the merged block, the others go. */
export const UPDATE_MERGED_BLOCK = 'UPDATE span_blocks SET span_count = ?, min_start_us = ?, max_start_us = ?, summary = ?, data = ?, data_bytes = ? WHERE id = ?'
export const DELETE_MERGED_BLOCKS = 'DELETE FROM span_blocks WHERE id > ? AND id <= ?'
export const SELECT_BLOCK_SUMMARY = 'SELECT summary FROM span_blocks WHERE id = ?'
/** What the query side keeps in memory of every block. */
export const SELECT_BLOCK_INDEX = 'SELECT id, span_count, max_start_us FROM span_blocks ORDER BY id'
/** Blocks whose spans are not in a sealed segment yet, to rebuild the open postings. */
export const SELECT_BLOCKS_FROM = 'SELECT id, summary, data, data_bytes FROM span_blocks WHERE id >= ? ORDER BY id'
/** Blocks by their newest span, newest first: searches that name no service, operation or term. */
export const SELECT_BLOCKS_BY_MAX_START = `SELECT min_start_us, max_start_us, summary FROM span_blocks
  WHERE max_start_us >= ? ORDER BY max_start_us DESC`

/**
 * A run's `block_id + first_line` is its first span's sequence number. `block_id` is the block it
 * was written to; that block may since have been merged into an earlier one (SELECT_BLOCK_AT).
 */
export const INSERT_TRACE_RUN = 'INSERT INTO trace_runs (trace_id, block_id, first_line, spans) VALUES (?, ?, ?, ?)'
export const SELECT_TRACE_RUNS = 'SELECT block_id, first_line, spans FROM trace_runs WHERE trace_id = ? ORDER BY block_id'

export const INSERT_SEGMENT = 'INSERT INTO segments (first_seq, last_seq, min_start_us, max_start_us) VALUES (?, ?, ?, ?)'
export const SELECT_SEGMENTS = 'SELECT id, first_seq, last_seq, min_start_us, max_start_us FROM segments ORDER BY id DESC'
export const SELECT_LAST_SEALED_SEQ = 'SELECT last_seq FROM segments ORDER BY id DESC LIMIT 1'
export const INSERT_POSTING_CHUNK = 'INSERT INTO posting_chunks (segment_id, first_hash, data) VALUES (?, ?, ?)'
/** The chunk of a segment that would hold a key: the last one starting at or before it. */
export const SELECT_POSTING_CHUNK = `SELECT first_hash AS firstHash, data FROM posting_chunks
  WHERE segment_id = ? AND first_hash <= ? ORDER BY first_hash DESC LIMIT 1`
export const SELECT_OPERATION_IDS_BY_NAME = 'SELECT id FROM operations WHERE service_id = ? AND name = ?'

/** Retention takes whole blocks, those whose spans all started before a time, oldest first. */
export const SELECT_OLDEST_BLOCK = 'SELECT id, span_count, summary FROM span_blocks WHERE max_start_us < ? ORDER BY max_start_us LIMIT 1'
export const DELETE_BLOCK = 'DELETE FROM span_blocks WHERE id = ?'
/** A trace's runs in a block: those written to it or to the blocks merged into it. */
export const DELETE_TRACE_RUNS = 'DELETE FROM trace_runs WHERE trace_id = ? AND block_id >= ? AND block_id < ?'
export const SELECT_FIRST_BLOCK_ID = 'SELECT min(id) FROM span_blocks'
export const SELECT_OLDEST_START = 'SELECT min_start_us FROM span_blocks ORDER BY max_start_us LIMIT 1'
/** The start of the oldest span stored, late ones included. */
export const SELECT_MIN_START = 'SELECT min(min_start_us) FROM span_blocks'
/** Segments all of whose spans are gone. */
export const SELECT_EXPIRED_SEGMENTS = 'SELECT id FROM segments WHERE last_seq < ?'
export const DELETE_SEGMENT_CHUNKS = 'DELETE FROM posting_chunks WHERE segment_id = ?'
export const DELETE_SEGMENT = 'DELETE FROM segments WHERE id = ?'

/** Whether any span of the trace waits for its parent. */
export const SELECT_TRACE_WAITING = 'SELECT 1 FROM dependency_waiting WHERE trace_id = ? LIMIT 1'
export const INSERT_DEPENDENCY_WAITING = `INSERT INTO dependency_waiting
  (trace_id, parent_span_id, wants_client, child_service_id, child_start_us) VALUES (?, ?, ?, ?, ?)`
export const SELECT_DEPENDENCY_WAITING = `SELECT rowid, wants_client, child_service_id, child_start_us FROM dependency_waiting
  WHERE trace_id = ? AND parent_span_id = ?`
export const DELETE_DEPENDENCY_WAITING = 'DELETE FROM dependency_waiting WHERE rowid = ?'
export const ADD_DEPENDENCY_LINKS = `INSERT INTO dependency_links (bucket_us, parent_id, child_id, call_count) VALUES (?, ?, ?, ?)
  ON CONFLICT (bucket_us, parent_id, child_id) DO UPDATE SET call_count = call_count + excluded.call_count`
export const SELECT_DEPENDENCY_LINKS = `SELECT p.name AS parent, c.name AS child, sum(l.call_count) AS call_count
  FROM dependency_links l JOIN services p ON p.id = l.parent_id JOIN services c ON c.id = l.child_id
  WHERE l.bucket_us > ? AND l.bucket_us <= ?
  GROUP BY l.parent_id, l.child_id ORDER BY p.name, c.name`
/** For retention: children of a trace still waiting for their parent, and links older than a time. */
export const DELETE_DEPENDENCY_WAITING_OF_TRACE = 'DELETE FROM dependency_waiting WHERE trace_id = ?'
export const DELETE_DEPENDENCY_LINKS_BEFORE = 'DELETE FROM dependency_links WHERE bucket_us < ?'

/** Call counts by Zipkin's rules, changed by the difference a write made to a trace's links. */
export const ADD_ZIPKIN_LINK = `INSERT INTO zipkin_links (bucket_us, parent_id, child_id, call_count, error_count) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (bucket_us, parent_id, child_id) DO UPDATE
  SET call_count = call_count + excluded.call_count, error_count = error_count + excluded.error_count`
export const SELECT_ZIPKIN_LINKS = `SELECT p.name AS parent, c.name AS child, sum(l.call_count) AS call_count, sum(l.error_count) AS error_count
  FROM zipkin_links l JOIN services p ON p.id = l.parent_id JOIN services c ON c.id = l.child_id
  WHERE l.bucket_us > ? AND l.bucket_us <= ?
  GROUP BY l.parent_id, l.child_id HAVING sum(l.call_count) > 0 ORDER BY p.name, c.name`
export const DELETE_ZIPKIN_LINKS_BEFORE = 'DELETE FROM zipkin_links WHERE bucket_us < ?'

/** The trace runs before migration 014, converted once: those written to a block or the ones merged into it. */
export const SELECT_LAYOUT_BEFORE_014 = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'trace_runs_before_014'"
export const COUNT_SPANS_BEFORE_014 = 'SELECT coalesce(sum(span_count), 0) FROM span_blocks'
export const SELECT_BLOCKS_BEFORE_014 = 'SELECT id, span_count, summary, data, data_bytes FROM span_blocks WHERE id > ? ORDER BY id LIMIT 100'
export const SELECT_TRACE_RUNS_BEFORE_014 = `SELECT block_id, first_line, spans FROM trace_runs_before_014
  WHERE trace_id = ? AND block_id >= ? AND block_id < ?`
export const SELECT_RUNS_TO_LINK_BEFORE_014 = 'SELECT trace_id, spans FROM trace_runs ORDER BY trace_id, block_id'
export const DROP_LAYOUT_BEFORE_014 = 'DROP TABLE trace_runs_before_014'

/** The layout before migration 009, read once to move its spans into the current one. */
export const SELECT_LAYOUT_BEFORE_009 = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'spans_before_009'"
export const COUNT_SPANS_BEFORE_009 = 'SELECT count(*) FROM spans_before_009'
export const SELECT_SPANS_BEFORE_009 = 'SELECT id, block_id, block_line FROM spans_before_009 WHERE id > ? ORDER BY id LIMIT 5000'
export const SELECT_BLOCK_BEFORE_009 = 'SELECT data FROM span_blocks_before_009 WHERE id = ?'
export const DROP_LAYOUT_BEFORE_009 = 'DROP TABLE spans_before_009; DROP TABLE span_blocks_before_009'
