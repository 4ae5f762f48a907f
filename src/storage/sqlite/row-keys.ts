/** How model ids are kept in SQLite columns. */
import type { SpanId, TraceId } from '../../model/span.js'

/** 16 bytes, big-endian. */
export function traceIdKey(traceId: TraceId): Buffer {
  return Buffer.from(traceId, 'hex')
}

/** The 64-bit span id as SQLite's signed integer. */
export function spanIdKey(spanId: SpanId): bigint {
  return BigInt.asIntN(64, BigInt(`0x${spanId}`))
}
