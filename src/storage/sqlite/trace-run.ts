/**
 * The `spans` column of a trace run: per span, its content hash and the low 32 bits of its
 * span id (4 bytes each), then its service id and whether it is a client span as one varint.
 * Thirty-two bits of the span id tell a trace's spans apart for dependency links; a content
 * hash that matches is confirmed against the stored span before a retry is dropped.
 */
import type { SpanId } from '../../model/span.js'
import { ByteReader, ByteWriter } from './bytes.js'

export interface RunSpan {
  contentHash: number
  spanIdLow: number
  serviceId: number
  client: boolean
}

export function spanIdLow(spanId: SpanId): number {
  return Number.parseInt(spanId.slice(8), 16)
}

export function encodeRunSpans(spans: readonly RunSpan[]): Buffer {
  const out = new ByteWriter()
  for (const span of spans) {
    out.uint32(span.contentHash)
    out.uint32(span.spanIdLow)
    out.varint(span.serviceId * 2 + (span.client ? 1 : 0))
  }
  return out.toBuffer()
}

export function decodeRunSpans(data: Uint8Array): RunSpan[] {
  const input = new ByteReader(data)
  const spans: RunSpan[] = []
  while (!input.done) {
    const contentHash = input.uint32()
    const low = input.uint32()
    const service = input.varint()
    spans.push({ contentHash, spanIdLow: low, serviceId: Math.floor(service / 2), client: service % 2 === 1 })
  }
  return spans
}
