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
  (trace_id, content_hash, block_id, block_line, service_id, operation_id, start_us, duration_us)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (trace_id, content_hash) DO NOTHING`
export const INSERT_BLOCK = 'INSERT INTO span_blocks (id, data) VALUES (?, ?)'
export const SELECT_MAX_BLOCK_ID = 'SELECT coalesce(max(id), 0) AS id FROM span_blocks'
export const SELECT_TRACE_SPANS = 'SELECT block_id, block_line FROM spans WHERE trace_id = ? ORDER BY id'
export const SELECT_BLOCK = 'SELECT data FROM span_blocks WHERE id = ?'

export const INSERT_OPEN_POSTING = 'INSERT INTO tag_postings_open (service_id, tag_hash, span_id) VALUES (?, ?, ?)'
export const COUNT_OPEN_POSTINGS = 'SELECT count(*) AS n FROM tag_postings_open'
export const INSERT_SEGMENT = `INSERT INTO tag_segments (min_start_us, max_start_us)
  SELECT min(s.start_us), max(s.start_us) FROM spans s WHERE s.id IN (SELECT span_id FROM tag_postings_open)`
export const SEAL_OPEN_POSTINGS = `INSERT INTO tag_postings (segment_id, service_id, tag_hash, span_id)
  SELECT ?, service_id, tag_hash, span_id FROM tag_postings_open ORDER BY service_id, tag_hash, span_id`
export const CLEAR_OPEN_POSTINGS = 'DELETE FROM tag_postings_open'
export const SELECT_SEGMENTS = 'SELECT id, min_start_us, max_start_us FROM tag_segments ORDER BY id DESC'

/** The filters every search applies to the matching span `s`; parameters in this order. */
export interface SpanFilterShape {
  withService: boolean
  withOperation: boolean
}

function spanFilters(shape: SpanFilterShape): string {
  const conditions = [
    's.start_us BETWEEN @startMin AND @startMax',
    's.duration_us BETWEEN @durationMin AND @durationMax',
  ]
  if (shape.withService) conditions.unshift('s.service_id = @serviceId')
  if (shape.withOperation) {
    conditions.push('s.operation_id IN (SELECT id FROM operations WHERE service_id = s.service_id AND name = @operation)')
  }
  return conditions.join(' AND ')
}

/** Matching spans, newest first, for searches without tags. */
export function searchSpansSql(shape: SpanFilterShape): string {
  return `SELECT s.trace_id, s.start_us FROM spans s WHERE ${spanFilters(shape)} ORDER BY s.start_us DESC`
}

/**
 * Matching spans of one service that carry every tag; `segment` says where the postings are:
 * a sealed segment (`@segmentId`) or the open, unindexed tail.
 */
export function searchTaggedSpansSql(shape: SpanFilterShape, tagCount: number, segment: 'sealed' | 'open'): string {
  const postings =
    segment === 'sealed'
      ? (i: number) => `SELECT span_id FROM tag_postings WHERE segment_id = @segmentId AND service_id = @serviceId AND tag_hash = @tag${i}`
      : (i: number) => `SELECT span_id FROM tag_postings_open WHERE service_id = @serviceId AND tag_hash = @tag${i}`
  const intersection = Array.from({ length: tagCount }, (_, i) => postings(i)).join(' INTERSECT ')
  return `SELECT s.trace_id, s.start_us FROM spans s WHERE s.id IN (${intersection}) AND ${spanFilters(shape)}`
}
