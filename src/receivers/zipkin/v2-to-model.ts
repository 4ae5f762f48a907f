import { InvalidInputError } from '../../errors.js'
import { normalizeSpanId, normalizeTraceId } from '../../model/ids.js'
import { DEBUG_FLAG, type Endpoint, SAMPLED_FLAG, type Span, type SpanKind } from '../../model/span.js'
import type { ZipkinEndpoint, ZipkinV2Span } from './zipkin-v2-span.js'

/** The log field a Zipkin annotation's value becomes. */
export const ANNOTATION_FIELD = 'event'

/** Converts decoded Zipkin v2 spans; `path` names the request's spans in error messages. */
export function zipkinV2ToModel(spans: readonly ZipkinV2Span[]): Span[] {
  return spans.map((span, i) => convertSpan(span, `span[${i}]`))
}

function convertSpan(zipkin: ZipkinV2Span, path: string): Span {
  const traceId = normalizeTraceId(zipkin.traceId)
  if (!traceId) {
    throw new InvalidInputError(`${path}.traceId: expected up to 32 hex characters, not all zero, got '${zipkin.traceId}'`)
  }
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
    logs: zipkin.annotations.map((a) => ({
      timestampUs: a.timestamp,
      fields: [{ key: ANNOTATION_FIELD, type: 'string', value: a.value }],
    })),
    process: { serviceName: zipkin.localEndpoint?.serviceName ?? '', tags: [] },
    warnings: [],
  }
  if (zipkin.parentId !== undefined) {
    span.references.push({ type: 'child_of', traceId, spanId: checkSpanId(zipkin.parentId, `${path}.parentId`) })
  }
  if (zipkin.kind) span.kind = zipkin.kind.toLowerCase() as SpanKind
  if (zipkin.localEndpoint && !isEmpty(zipkin.localEndpoint)) span.localEndpoint = toEndpoint(zipkin.localEndpoint)
  if (zipkin.remoteEndpoint && !isEmpty(zipkin.remoteEndpoint)) span.remoteEndpoint = toEndpoint(zipkin.remoteEndpoint)
  return span
}

function checkSpanId(hex: string, path: string): string {
  const id = normalizeSpanId(hex)
  if (!id) throw new InvalidInputError(`${path}: expected up to 16 hex characters, not all zero, got '${hex}'`)
  return id
}

function isEmpty(endpoint: ZipkinEndpoint): boolean {
  return endpoint.serviceName === undefined && endpoint.ipv4 === undefined && endpoint.ipv6 === undefined && endpoint.port === undefined
}

function toEndpoint(zipkin: ZipkinEndpoint): Endpoint {
  return { ...zipkin }
}
