/**
 * What searches read of a span block without inflating its spans: per line, the trace id,
 * service, operation, start and duration. Lines of one trace are adjacent in a block (in each of
 * the blocks merged into one), so trace ids are kept once per run of lines. Not compressed:
 * random trace ids make up most of it, so compression saved a seventh of its bytes and cost half
 * its decoding time. About 8 bytes a span.
 */
import type { TraceId } from '../../model/span.js'
import { ByteReader, ByteWriter } from './bytes.js'

export interface SummaryLine {
  traceId: TraceId
  serviceId: number
  operationId: number
  startUs: number
  durationUs: number
}

export interface BlockSummary {
  traceIds: TraceId[]
  serviceIds: Uint32Array
  operationIds: Uint32Array
  startUs: Float64Array
  durationUs: Float64Array
}

export function encodeBlockSummary(lines: readonly SummaryLine[]): Buffer {
  const out = new ByteWriter()
  out.varint(lines.length)
  let minStartUs = Infinity
  for (const line of lines) minStartUs = Math.min(minStartUs, line.startUs)
  out.varint(minStartUs)
  for (let i = 0; i < lines.length; ) {
    let end = i + 1
    while (end < lines.length && lines[end]!.traceId === lines[i]!.traceId) end++
    out.bytes(Buffer.from(lines[i]!.traceId, 'hex'))
    out.varint(end - i)
    i = end
  }
  for (const line of lines) {
    out.varint(line.serviceId)
    out.varint(line.operationId)
    out.varint(line.startUs - minStartUs)
    out.varint(line.durationUs)
  }
  return out.toBuffer()
}

export function decodeBlockSummary(data: Uint8Array): BlockSummary {
  const input = new ByteReader(data)
  const count = input.varint()
  const minStartUs = input.varint()
  const traceIds: TraceId[] = []
  while (traceIds.length < count) {
    const traceId = Buffer.from(input.bytes(16)).toString('hex')
    for (let run = input.varint(); run > 0; run--) traceIds.push(traceId)
  }
  const summary: BlockSummary = {
    traceIds,
    serviceIds: new Uint32Array(count),
    operationIds: new Uint32Array(count),
    startUs: new Float64Array(count),
    durationUs: new Float64Array(count),
  }
  for (let i = 0; i < count; i++) {
    summary.serviceIds[i] = input.varint()
    summary.operationIds[i] = input.varint()
    summary.startUs[i] = minStartUs + input.varint()
    summary.durationUs[i] = input.varint()
  }
  return summary
}
