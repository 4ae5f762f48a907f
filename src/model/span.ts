/**
 * The one span model every receiver decodes into and every API renders from.
 * It keeps what either query API needs: Zipkin's kind/shared/endpoints and
 * Jaeger's typed tags, logs, references and process.
 */

/** 32 lower-case hex digits; a 64-bit id is the same trace with a zero high half. */
export type TraceId = string
/** 16 lower-case hex digits. */
export type SpanId = string

export type SpanKind = 'client' | 'server' | 'producer' | 'consumer' | 'internal'

/** Typed key/value; int64 is a bigint so 64-bit values never lose precision. */
export type Tag =
  | { key: string; type: 'string'; value: string }
  | { key: string; type: 'bool'; value: boolean }
  | { key: string; type: 'int64'; value: bigint }
  | { key: string; type: 'float64'; value: number }
  | { key: string; type: 'binary'; value: Uint8Array }

export type TagType = Tag['type']

export type ReferenceType = 'child_of' | 'follows_from'

export interface Reference {
  type: ReferenceType
  traceId: TraceId
  spanId: SpanId
}

/** The one log field a Zipkin annotation's value is kept in (as Jaeger's Zipkin conversion does). */
export const ANNOTATION_FIELD = 'event'

/** A Jaeger log or a Zipkin annotation (one `event` field, see ANNOTATION_FIELD). */
export interface Log {
  timestampUs: number
  fields: Tag[]
}

export interface Endpoint {
  serviceName?: string
  ipv4?: string
  ipv6?: string
  port?: number
}

/** What an empty service name is stored as, so the span stays findable (Jaeger's spelling). */
export const EMPTY_SERVICE_NAME = 'empty-service-name'

export interface Process {
  serviceName: string
  tags: Tag[]
}

/** The tag Jaeger (OpenTracing) spans state their kind in. */
export const SPAN_KIND_TAG = 'span.kind'

/** Jaeger's flag bits, also used for Zipkin's `debug`. */
export const SAMPLED_FLAG = 1
export const DEBUG_FLAG = 2

export interface Span {
  traceId: TraceId
  spanId: SpanId
  /** The first CHILD_OF reference in the same trace is the parent. */
  references: Reference[]
  operationName: string
  /** Absent when the sender did not say (Jaeger spans without `span.kind`). */
  kind?: SpanKind
  /** Zipkin: this server span shares its id with the client span that called it. */
  shared: boolean
  startTimeUs: number
  durationUs: number
  flags: number
  tags: Tag[]
  logs: Log[]
  process: Process
  localEndpoint?: Endpoint
  remoteEndpoint?: Endpoint
  warnings: string[]
}

/** The parent span id: the first CHILD_OF (else FOLLOWS_FROM) reference within the span's own trace. */
export function parentSpanId(span: Span): SpanId | undefined {
  let followsFrom: SpanId | undefined
  for (const ref of span.references) {
    if (ref.traceId !== span.traceId) continue
    if (ref.type === 'child_of') return ref.spanId
    followsFrom ??= ref.spanId
  }
  return followsFrom
}

/** Zipkin counts a span with an `error` tag (whatever its value) as failed. */
export function spanHasErrorTag(span: Span): boolean {
  return span.tags.some((tag) => tag.key === 'error')
}
