/**
 * The `spans` column of a trace run: what writes need of a trace's stored spans without reading
 * the blocks. First the minute the run's earliest span started, as a varint (minutes since the
 * epoch, plus one; 0 when no span of the run has a start). Then per span: the low 16 bits of its
 * content hash, the low 32 bits of its span id and of its parent's (0 for a root span), 16 bits
 * of a hash of its local endpoint (endpointHash), one
 * varint of its service id with its kind code (KIND_CODES), shared and error flags, and one of
 * its remote service's id (0 for none).
 *
 * A content hash that matches is confirmed against the stored span before a retry is dropped;
 * 32 bits of the span ids tell a trace's spans apart for dependency links.
 */
import { KIND_CODES } from '../../model/encoded-spans.js'
import type { SpanId, SpanKind } from '../../model/span.js'
import { ByteReader, ByteWriter } from './bytes.js'

export interface RunSpan {
  /** The low 16 bits of the line's hashString. */
  contentHash: number
  spanIdLow: number
  /** 0 for a root span. */
  parentIdLow: number
  serviceId: number
  endpoint: number
  kind: SpanKind | undefined
  shared: boolean
  error: boolean
  /** 0 for none. */
  remoteServiceId: number
}

export interface TraceRun {
  /** The start of the minute the run's earliest span started in; 0 when none has a start. */
  startUs: number
  spans: RunSpan[]
}

const MINUTE_US = 60_000_000

export function spanIdLow(spanId: SpanId): number {
  return Number.parseInt(spanId.slice(8), 16)
}

/** The low 16 bits of a line hash: what a run keeps of it. */
export const contentHash = (lineHash: number) => lineHash & 0xffff

/** TraceRun.startUs for spans that started at these times (0 for unknown). */
export function runStartUs(startsUs: Iterable<number>): number {
  let earliest = Infinity
  for (const startUs of startsUs) if (startUs > 0 && startUs < earliest) earliest = startUs
  return earliest === Infinity ? 0 : Math.floor(earliest / MINUTE_US) * MINUTE_US
}

export function encodeRun(run: TraceRun): Buffer {
  const out = new ByteWriter()
  out.varint(run.startUs > 0 ? run.startUs / MINUTE_US + 1 : 0)
  for (const span of run.spans) {
    out.uint16(span.contentHash)
    out.uint32(span.spanIdLow)
    out.uint32(span.parentIdLow)
    out.uint16(span.endpoint)
    out.varint(span.serviceId * 32 + KIND_CODES.indexOf(span.kind) * 4 + (span.shared ? 2 : 0) + (span.error ? 1 : 0))
    out.varint(span.remoteServiceId)
  }
  return out.toBuffer()
}

/** How many spans a run's column holds, without decoding them. */
export function runSpanCount(data: Uint8Array): number {
  const input = new ByteReader(data)
  input.varint()
  let count = 0
  for (; !input.done; count++) {
    input.offset += 12
    input.varint()
    input.varint()
  }
  return count
}

export function decodeRun(data: Uint8Array): TraceRun {
  const input = new ByteReader(data)
  const minute = input.varint()
  const spans: RunSpan[] = []
  while (!input.done) {
    const contentHash = input.uint16()
    const spanIdLow = input.uint32()
    const parentIdLow = input.uint32()
    const endpoint = input.uint16()
    const packed = input.varint()
    const remoteServiceId = input.varint()
    spans.push({
      contentHash,
      spanIdLow,
      parentIdLow,
      serviceId: Math.floor(packed / 32),
      endpoint,
      kind: KIND_CODES[Math.floor(packed / 4) % 8],
      shared: (packed & 2) !== 0,
      error: (packed & 1) !== 0,
      remoteServiceId,
    })
  }
  return { startUs: minute === 0 ? 0 : (minute - 1) * MINUTE_US, spans }
}
