import { ANNOTATION_FIELD, type Endpoint, type Log, type Span, type Tag, parentSpanId } from '../../model/span.js'
import { tagValueString } from '../../model/tag-string.js'

/**
 * Joins the fragments of one span: the same span reported twice, in parts or late (Zipkin
 * reporters flush annotations separately; one-way RPCs report each side alone). Fragments
 * with the same span id are one span when their kinds agree (or one has none), their shared
 * flags agree (or one has no kind) and their local endpoints are equal (or one has none), as in
 * Zipkin's own trace merging. A span still without a start takes it from its annotations.
 * Returns adjusted copies in first-seen order; the input is not changed.
 */
export function mergeSpanFragments(trace: readonly Span[]): Span[] {
  const merged: Span[] = []
  // Positions in `merged` of the spans with each span id.
  const positionsById = new Map<string, number[]>()
  for (const fragment of trace) {
    let positions = positionsById.get(fragment.spanId)
    if (!positions) positionsById.set(fragment.spanId, (positions = []))
    const position = positions.find((p) => sameSpan(merged[p]!, fragment))
    if (position === undefined) {
      positions.push(merged.length)
      merged.push({ ...fragment })
    } else {
      merged[position] = join(merged[position]!, fragment)
    }
  }
  return merged.map(timeFromAnnotations)
}

function sameSpan(a: Span, b: Span): boolean {
  if (a.kind !== undefined && b.kind !== undefined) {
    if (a.kind !== b.kind || a.shared !== b.shared) return false
  }
  // Fragments from different hosts stay apart (a message handed to several consumers).
  const left = a.localEndpoint
  const right = b.localEndpoint
  // Spans without endpoints (Jaeger's) are told apart by their service.
  if (left === undefined && right === undefined) return a.process.serviceName === b.process.serviceName
  return (
    left === undefined ||
    right === undefined ||
    (left.serviceName === right.serviceName && left.ipv4 === right.ipv4 && left.ipv6 === right.ipv6 && left.port === right.port)
  )
}

function join(a: Span, b: Span): Span {
  const span: Span = { ...a }
  const starts = [a, b].filter((s) => s.startTimeUs > 0)
  if (starts.length > 0) {
    span.startTimeUs = Math.min(...starts.map((s) => s.startTimeUs))
    const ends = starts.filter((s) => s.durationUs > 0).map((s) => s.startTimeUs + s.durationUs)
    span.durationUs = ends.length > 0 ? Math.max(...ends) - span.startTimeUs : 0
  }
  if (span.operationName === '' || span.operationName === 'unknown') span.operationName = b.operationName || span.operationName
  span.kind ??= b.kind
  span.shared = a.shared || b.shared
  span.flags = a.flags | b.flags
  if (parentSpanId(a) === undefined) span.references = [...a.references, ...b.references.filter((r) => !a.references.some((x) => sameReference(x, r)))]
  span.tags = union(a.tags, b.tags, (t) => `${t.key}\0${t.type}\0${tagValueString(t)}`)
  span.logs = union(a.logs, b.logs, logKey).sort((x, y) => x.timestampUs - y.timestampUs)
  if (b.localEndpoint) span.localEndpoint = fill(a.localEndpoint ?? {}, b.localEndpoint)
  if (b.remoteEndpoint) span.remoteEndpoint = fill(a.remoteEndpoint ?? {}, b.remoteEndpoint)
  if (a.localEndpoint?.serviceName === undefined && b.localEndpoint?.serviceName !== undefined) span.process = b.process
  span.warnings = [...new Set([...a.warnings, ...b.warnings])]
  return span
}

function sameReference(x: Span['references'][number], y: Span['references'][number]): boolean {
  return x.type === y.type && x.traceId === y.traceId && x.spanId === y.spanId
}

/** `first`'s fields, with the ones it lacks taken from `second`. */
function fill(first: Endpoint, second: Endpoint | undefined): Endpoint {
  return { ...second, ...Object.fromEntries(Object.entries(first).filter(([, v]) => v !== undefined)) }
}

function logKey(log: Log): string {
  return `${log.timestampUs}\0${log.fields.map((f) => `${f.key}\0${tagValueString(f)}`).join('\0')}`
}

function union<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set(a.map(key))
  return [...a, ...b.filter((item) => !seen.has(key(item)))]
}

/** Zipkin spans reported without timestamp or duration: span their annotations instead. */
function timeFromAnnotations(span: Span): Span {
  if (span.startTimeUs > 0 || span.logs.length === 0) return span
  const times = span.logs.filter((log) => log.fields.some((f: Tag) => f.key === ANNOTATION_FIELD)).map((log) => log.timestampUs)
  if (times.length === 0) return span
  const start = Math.min(...times)
  const end = Math.max(...times)
  return { ...span, startTimeUs: start, durationUs: span.durationUs || end - start, warnings: [...span.warnings, 'start time taken from annotations'] }
}
