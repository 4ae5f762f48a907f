/**
 * A generated span as a Jaeger SDK would report it: the kind and the remote service become
 * tags, annotations become logs, the parent a CHILD_OF reference. Shared by the jaeger.thrift
 * and the Jaeger gRPC encoders so both send the same spans.
 */
import type { ZipkinV2JsonSpan } from './traffic.js'

export interface JaegerSpan {
  /** 32 hex digits; the high half is zeros for 64-bit trace ids. */
  traceIdHex: string
  spanIdHex: string
  /** Undefined for a root span. */
  parentIdHex?: string
  operationName: string
  startTimeUs: number
  durationUs: number
  tags: [string, string][]
  logs: { timestampUs: number; fields: [string, string][] }[]
}

export interface JaegerBatch {
  serviceName: string
  processTags: [string, string][]
  spans: JaegerSpan[]
}

/** Spans of one service (a Jaeger Batch has one process), as one batch. */
export function jaegerBatch(spans: ZipkinV2JsonSpan[]): JaegerBatch {
  const serviceName = spans[0]?.localEndpoint.serviceName ?? 'unknown'
  const mixed = spans.find((span) => span.localEndpoint.serviceName !== serviceName)
  if (mixed) throw new Error(`a Jaeger batch holds one service's spans, got ${serviceName} and ${mixed.localEndpoint.serviceName}`)
  return {
    serviceName,
    processTags: [
      ['hostname', `${serviceName}-host`],
      ['jaeger.version', 'Node-3.19.0'],
    ],
    spans: spans.map(jaegerSpan),
  }
}

function jaegerSpan(span: ZipkinV2JsonSpan): JaegerSpan {
  const tags = Object.entries(span.tags)
  if (span.kind) tags.push(['span.kind', span.kind.toLowerCase()])
  if (span.remoteEndpoint) tags.push(['peer.service', span.remoteEndpoint.serviceName])
  return {
    traceIdHex: span.traceId.padStart(32, '0'),
    spanIdHex: span.id,
    parentIdHex: span.parentId,
    operationName: span.name,
    startTimeUs: span.timestamp,
    durationUs: span.duration,
    tags,
    logs: (span.annotations ?? []).map((a) => ({ timestampUs: a.timestamp, fields: [['event', a.value]] })),
  }
}
