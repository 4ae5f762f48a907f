import { describe, expect, it } from 'vitest'
import { decodeBlockSummary, encodeBlockSummary, type SummaryLine } from './block-summary.js'
import { ByteReader, ByteWriter } from './bytes.js'

describe('block summary', () => {
  it('keeps every line: trace runs, ids, and times up to 2^53', () => {
    const lines: SummaryLine[] = [
      { traceId: '0000000000000000000000000000000a', serviceId: 1, operationId: 300, startUs: 1_764_000_000_000_000, durationUs: 0 },
      { traceId: '0000000000000000000000000000000a', serviceId: 2, operationId: 1, startUs: 1_764_000_000_000_001, durationUs: 5 },
      { traceId: 'ffffffffffffffffffffffffffffffff', serviceId: 70_000, operationId: 2, startUs: Number.MAX_SAFE_INTEGER, durationUs: Number.MAX_SAFE_INTEGER },
      { traceId: '0000000000000000000000000000000a', serviceId: 1, operationId: 300, startUs: 0, durationUs: 1 },
    ]
    const summary = decodeBlockSummary(encodeBlockSummary(lines))
    expect(
      summary.traceIds.map((traceId, i) => ({
        traceId,
        serviceId: summary.serviceIds[i],
        operationId: summary.operationIds[i],
        startUs: summary.startUs[i],
        durationUs: summary.durationUs[i],
      })),
    ).toEqual(lines)
  })

  it('varints hold every safe integer exactly', () => {
    const values = [0, 127, 128, 2 ** 31, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]
    const out = new ByteWriter()
    for (const value of values) out.varint(value)
    out.uint32(0xfffffffe)
    const input = new ByteReader(out.toBuffer())
    expect(values.map(() => input.varint())).toEqual(values)
    expect(input.uint32()).toBe(0xfffffffe)
    expect(input.done).toBe(true)
  })
})
