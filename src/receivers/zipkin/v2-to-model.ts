import { InvalidInputError } from '../../errors.js'
import { normalizeSpanId, normalizeTraceId } from '../../model/ids.js'
import { ANNOTATION_FIELD, DEBUG_FLAG, type Endpoint, type Log, SAMPLED_FLAG, type Span, type SpanKind } from '../../model/span.js'
import type { ZipkinEndpoint, ZipkinV2Span } from './zipkin-v2-span.js'

/** The log field a Zipkin annotation's value becomes. */

/** Converts decoded Zipkin v2 spans; `path` names the request's spans in error messages. */
export function zipkinV2ToModel(spans: readonly ZipkinV2Span[]): Span[] {
  return spans.map(convertZipkinV2Span)
}

/** The model span of a request's span `i`. */
export function convertZipkinV2Span(zipkin: ZipkinV2Span, i: number): Span {
  const path = `span[${i}]`
  const traceId = checkTraceId(zipkin.traceId, `${path}.traceId`)
  const spanId = checkSpanId(zipkin.id, `${path}.id`)
  const span: Span = {
    traceId,
    spanId,
    references: [],
    operationName: zipkin.name ?? '',
    shared: zipkin.shared === true,
    startTimeUs: zipkin.timestamp ?? 0,
    durationUs: zipkin.duration ?? 0,
    flags: SAMPLED_FLAG | (zipkin.debug ? DEBUG_FLAG : 0),
    tags: Object.entries(zipkin.tags).map(([key, value]) => ({ key, type: 'string', value })),
    logs: zipkin.annotations.map((a) => annotationLog(a.timestamp, a.value)),
    process: { serviceName: zipkin.localEndpoint?.serviceName ?? '', tags: [] },
    warnings: [],
  }
  if (zipkin.parentId !== undefined) {
    span.references.push({ type: 'child_of', traceId, spanId: checkSpanId(zipkin.parentId, `${path}.parentId`) })
  }
  if (zipkin.kind) span.kind = zipkin.kind.toLowerCase() as SpanKind
  const localEndpoint = toModelEndpoint(zipkin.localEndpoint)
  if (localEndpoint) span.localEndpoint = localEndpoint
  const remoteEndpoint = toModelEndpoint(zipkin.remoteEndpoint)
  if (remoteEndpoint) span.remoteEndpoint = remoteEndpoint
  return span
}

export function checkTraceId(hex: string, path: string): string {
  const id = normalizeTraceId(hex)
  if (!id) throw new InvalidInputError(`${path}: expected up to 32 hex characters, not all zero, got '${hex}'`)
  return id
}

/** A Zipkin annotation as a model log: one `event` field. */
export function annotationLog(timestampUs: number, value: string): Log {
  return { timestampUs, fields: [{ key: ANNOTATION_FIELD, type: 'string', value }] }
}

export function checkSpanId(hex: string, path: string): string {
  const id = normalizeSpanId(hex)
  if (!id) throw new InvalidInputError(`${path}: expected up to 16 hex characters, not all zero, got '${hex}'`)
  return id
}

/** A copy of a wire endpoint; undefined when it says nothing. */
export function toModelEndpoint(zipkin: ZipkinEndpoint | undefined): Endpoint | undefined {
  if (!zipkin) return undefined
  if (zipkin.serviceName === undefined && zipkin.ipv4 === undefined && zipkin.ipv6 === undefined && zipkin.port === undefined) return undefined
  return { ...zipkin }
}
