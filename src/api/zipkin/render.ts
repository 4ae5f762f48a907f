/** Zipkin v2 JSON (zipkin2-api.yaml `Span`) built from model spans, losing nothing Zipkin can hold. */
import { shortTraceId } from '../../model/ids.js'
import { ANNOTATION_FIELD, DEBUG_FLAG, type Endpoint, type Log, SPAN_KIND_TAG, type Span, type Tag, parentSpanId } from '../../model/span.js'
import { tagValueString } from '../../model/tag-string.js'
import { EMPTY_SERVICE_NAME } from '../../model/span.js'

export interface ZipkinJsonEndpoint {
  serviceName?: string
  ipv4?: string
  ipv6?: string
  port?: number
}

export interface ZipkinJsonSpan {
  traceId: string
  parentId?: string
  id: string
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER'
  name?: string
  timestamp?: number
  duration?: number
  localEndpoint?: ZipkinJsonEndpoint
  remoteEndpoint?: ZipkinJsonEndpoint
  annotations?: { timestamp: number; value: string }[]
  tags?: Record<string, string>
  debug?: boolean
  shared?: boolean
}

export function toZipkinTrace(spans: readonly Span[]): ZipkinJsonSpan[] {
  return spans.map(toZipkinSpan)
}

export function toZipkinSpan(span: Span): ZipkinJsonSpan {
  const rendered: ZipkinJsonSpan = { traceId: shortTraceId(span.traceId), id: span.spanId }
  const parentId = parentSpanId(span)
  if (parentId !== undefined) rendered.parentId = parentId
  if (span.kind !== undefined && span.kind !== 'internal') rendered.kind = span.kind.toUpperCase() as ZipkinJsonSpan['kind']
  if (span.operationName !== '') rendered.name = span.operationName
  // 0 is how the model keeps "not reported"; Zipkin omits the field then.
  if (span.startTimeUs > 0) rendered.timestamp = span.startTimeUs
  if (span.durationUs > 0) rendered.duration = span.durationUs
  const local = localEndpoint(span)
  if (local) rendered.localEndpoint = local
  if (span.remoteEndpoint) rendered.remoteEndpoint = { ...span.remoteEndpoint }
  if (span.logs.length > 0) rendered.annotations = span.logs.map((log) => ({ timestamp: log.timestampUs, value: annotationValue(log) }))
  // A Jaeger span's `span.kind` tag is Zipkin's `kind` field: it is not repeated as a tag.
  const tags = rendered.kind === undefined ? span.tags : span.tags.filter((tag) => tag.key !== SPAN_KIND_TAG)
  if (tags.length > 0) rendered.tags = Object.fromEntries(tags.map((tag) => [tag.key, zipkinTagValue(tag)]))
  if ((span.flags & DEBUG_FLAG) !== 0) rendered.debug = true
  if (span.shared) rendered.shared = true
  return rendered
}

/** Spans from Zipkin keep their endpoint; others (Jaeger) have only a process service name. */
function localEndpoint(span: Span): Endpoint | undefined {
  if (span.localEndpoint) return { ...span.localEndpoint }
  const name = span.process.serviceName
  return name === '' || name === EMPTY_SERVICE_NAME ? undefined : { serviceName: name }
}

/** A Zipkin annotation is one `event` field; other logs become their fields as a JSON object. */
function annotationValue(log: Log): string {
  const only = log.fields.length === 1 ? log.fields[0]! : undefined
  if (only?.key === ANNOTATION_FIELD) return zipkinTagValue(only)
  return JSON.stringify(Object.fromEntries(log.fields.map((field) => [field.key, zipkinTagValue(field)])))
}

/** Zipkin tags are strings; bytes as base64, as Zipkin v1 JSON writes BYTES. */
function zipkinTagValue(tag: Tag): string {
  return tag.type === 'binary' ? Buffer.from(tag.value).toString('base64') : tagValueString(tag)
}
