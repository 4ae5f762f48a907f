import type { SpanId, TraceId } from './span.js'

const HEX = /^[0-9a-fA-F]+$/

/**
 * Normalizes a hex trace id of 1 to 32 digits to the model's 32-digit form,
 * or returns undefined when it is not one. All-zero ids are invalid (as in B3).
 */
export function normalizeTraceId(hex: string): TraceId | undefined {
  if (hex.length === 0 || hex.length > 32 || !HEX.test(hex)) return undefined
  const id = hex.toLowerCase().padStart(32, '0')
  return id === ZERO_TRACE_ID ? undefined : id
}

/** Normalizes a hex span id of 1 to 16 digits; undefined when invalid or zero. */
export function normalizeSpanId(hex: string): SpanId | undefined {
  if (hex.length === 0 || hex.length > 16 || !HEX.test(hex)) return undefined
  const id = hex.toLowerCase().padStart(16, '0')
  return id === ZERO_SPAN_ID ? undefined : id
}

const ZERO_TRACE_ID = '0'.repeat(32)
const ZERO_SPAN_ID = '0'.repeat(16)

/** Bytes as lower-case hex digits, read in place (no copy of the bytes). */
export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** 16 hex digits when the high half is zero, else 32: how both Jaeger and Zipkin print trace ids. */
export function shortTraceId(id: TraceId): string {
  return id.startsWith('0000000000000000') ? id.slice(16) : id
}
