/**
 * Every SQL text spanlite runs, in one place so that the query-plan test can check each of
 * them. Search statements are built per shape (which filters, how many tags) and cached.
 */

export const INSERT_SERVICE = 'INSERT INTO services (name) VALUES (?) ON CONFLICT (name) DO NOTHING'
export const SELECT_SERVICE_ID = 'SELECT id FROM services WHERE name = ?'
export const SELECT_SERVICES = 'SELECT name FROM services ORDER BY name'
export const SELECT_SERVICE_IDS = 'SELECT id FROM services'
export const INSERT_OPERATION =
  'INSERT INTO operations (service_id, name, kind) VALUES (?, ?, ?) ON CONFLICT (service_id, name, kind) DO NOTHING'
export const SELECT_OPERATION_ID = 'SELECT id FROM operations WHERE service_id = ? AND name = ? AND kind = ?'
export const SELECT_OPERATIONS = 'SELECT name, kind FROM operations WHERE service_id = ? ORDER BY name, kind'
export const SELECT_OPERATIONS_OF_KIND = 'SELECT name, kind FROM operations WHERE service_id = ? AND kind = ? ORDER BY name'

export const INSERT_REMOTE_SERVICE = 'INSERT INTO remote_services (service_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING'
export const SELECT_REMOTE_SERVICES = 'SELECT name FROM remote_services WHERE service_id = ? ORDER BY name'
export const INSERT_TAG_VALUE = 'INSERT INTO tag_values (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING'
export const SELECT_TAG_VALUES = 'SELECT value FROM tag_values WHERE key = ? ORDER BY value'

export const INSERT_SPAN = `INSERT INTO spans
  (trace_id, span_id, client_half, content_hash, block_id, block_line, service_id, operation_id, start_us, duration_us)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (trace_id, span_id, content_hash) DO NOTHING`
export const INSERT_BLOCK = 'INSERT INTO span_blocks (id, data, max_start_us) VALUES (?, ?, ?)'
export const SELECT_MAX_BLOCK_ID = 'SELECT coalesce(max(id), 0) AS id FROM span_blocks'
export const SELECT_TRACE_SPANS = 'SELECT block_id, block_line FROM spans WHERE trace_id = ? ORDER BY id'
export const SELECT_BLOCK = 'SELECT data FROM span_blocks WHERE id = ?'

export const INSERT_OPEN_POSTING = 'INSERT INTO tag_postings_open (service_id, tag_hash, span_id) VALUES (?, ?, ?)'
/** One statement per many postings: the per-call cost dominated when each row had its own. */
export const OPEN_POSTINGS_PER_STATEMENT = 100
export const INSERT_OPEN_POSTINGS = `INSERT INTO tag_postings_open (service_id, tag_hash, span_id) VALUES ${Array(OPEN_POSTINGS_PER_STATEMENT).fill('(?, ?, ?)').join(', ')}`
export const SELECT_OPEN_POSTINGS = 'SELECT service_id, tag_hash, span_id FROM tag_postings_open ORDER BY rowid'
export const INSERT_SEGMENT = `INSERT INTO tag_segments (min_start_us, max_start_us)
  SELECT min(s.start_us), max(s.start_us) FROM spans s WHERE s.id IN (SELECT span_id FROM tag_postings_open)`
export const INSERT_POSTING_LIST = 'INSERT INTO tag_posting_lists (segment_id, service_id, tag_hash, span_ids) VALUES (?, ?, ?, ?)'
export const SELECT_POSTING_LIST = 'SELECT span_ids FROM tag_posting_lists WHERE segment_id = ? AND service_id = ? AND tag_hash = ?'
export const CLEAR_OPEN_POSTINGS = 'DELETE FROM tag_postings_open'
export const SELECT_SEGMENTS = 'SELECT id, min_start_us, max_start_us FROM tag_segments ORDER BY id DESC'

export const SELECT_OLDEST_SPANS = 'SELECT id, trace_id FROM spans WHERE start_us < ? ORDER BY start_us LIMIT ?'
export const DELETE_SPAN = 'DELETE FROM spans WHERE id = ?'
/** Blocks all of whose spans started before the oldest span still stored. */
export const DELETE_EXPIRED_BLOCKS = 'DELETE FROM span_blocks WHERE max_start_us < ?'
export const SELECT_OLDEST_START = 'SELECT min(start_us) FROM spans'
/** Segments all of whose spans started before the oldest span still stored. */
export const SELECT_EXPIRED_SEGMENTS = 'SELECT id FROM tag_segments WHERE max_start_us < ?'
export const DELETE_SEGMENT_POSTINGS = 'DELETE FROM tag_posting_lists WHERE segment_id = ?'
export const DELETE_SEGMENT = 'DELETE FROM tag_segments WHERE id = ?'

/** The filters every search applies to the matching span `s`. */
export interface SpanFilterShape {
  withService: boolean
  withOperation: boolean
}

/**
 * `byPostings`: the candidate spans come from tag postings and are read by row id; the unary
 * `+` keeps SQLite from walking a time index of the whole service instead.
 */
function spanFilters(shape: SpanFilterShape, byPostings: boolean): string {
  const column = (name: string) => (byPostings ? `+s.${name}` : `s.${name}`)
  const conditions = [
    `${column('start_us')} BETWEEN @startMin AND @startMax`,
    `${column('duration_us')} BETWEEN @durationMin AND @durationMax`,
  ]
  // Postings are kept per service, so a tagged search needs no service condition of its own.
  if (shape.withService && !byPostings) conditions.unshift('s.service_id = @serviceId')
  if (shape.withOperation) {
    conditions.push(`${column('operation_id')} IN (SELECT id FROM operations WHERE service_id = s.service_id AND name = @operation)`)
  }
  return conditions.join(' AND ')
}

/** Matching spans, newest first, for searches without tags. */
export function searchSpansSql(shape: SpanFilterShape): string {
  return `SELECT s.trace_id, s.start_us FROM spans s WHERE ${spanFilters(shape, false)} ORDER BY s.start_us DESC`
}

/** Matching spans among the row ids in `@ids` (a JSON list), taken from tag posting lists. */
export function searchSpansByIdSql(shape: SpanFilterShape): string {
  return `SELECT s.trace_id, s.start_us FROM spans s WHERE s.id IN (SELECT value FROM json_each(@ids)) AND ${spanFilters(shape, true)}`
}

/** The service of a stored span; the server (or only) half first. */
export const SELECT_DEPENDENCY_PARENT = `SELECT service_id, client_half FROM spans
  WHERE trace_id = ? AND span_id = ? ORDER BY client_half LIMIT 1`
export const SELECT_DEPENDENCY_CLIENT = `SELECT service_id FROM spans
  WHERE trace_id = ? AND span_id = ? AND client_half = 1 LIMIT 1`
export const INSERT_DEPENDENCY_WAITING = `INSERT INTO dependency_waiting
  (trace_id, parent_span_id, wants_client, child_service_id, child_start_us) VALUES (?, ?, ?, ?, ?)`
export const SELECT_DEPENDENCY_WAITING = `SELECT rowid, wants_client, child_service_id, child_start_us FROM dependency_waiting
  WHERE trace_id = ? AND parent_span_id = ?`
export const DELETE_DEPENDENCY_WAITING = 'DELETE FROM dependency_waiting WHERE rowid = ?'
export const ADD_DEPENDENCY_LINK = `INSERT INTO dependency_links (bucket_us, parent_id, child_id, call_count) VALUES (?, ?, ?, 1)
  ON CONFLICT (bucket_us, parent_id, child_id) DO UPDATE SET call_count = call_count + 1`
export const SELECT_DEPENDENCY_LINKS = `SELECT p.name AS parent, c.name AS child, sum(l.call_count) AS call_count
  FROM dependency_links l JOIN services p ON p.id = l.parent_id JOIN services c ON c.id = l.child_id
  WHERE l.bucket_us > ? AND l.bucket_us <= ?
  GROUP BY l.parent_id, l.child_id ORDER BY p.name, c.name`
/** For retention: children of a trace still waiting for their parent, and links older than a time. */
export const DELETE_DEPENDENCY_WAITING_OF_TRACE = 'DELETE FROM dependency_waiting WHERE trace_id = ?'
export const DELETE_DEPENDENCY_LINKS_BEFORE = 'DELETE FROM dependency_links WHERE bucket_us < ?'
