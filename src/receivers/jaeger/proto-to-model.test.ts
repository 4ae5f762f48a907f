import { describe, expect, it } from 'vitest'
import type { Span } from '../../model/span.js'
import type { JaegerProtoProcess, JaegerProtoSpan } from '../../server/jaeger-proto.js'
import { jaegerProtoSpanConverter } from './proto-to-model.js'

/** A batch's spans converted one by one, as the PostSpans decoder gives them. */
function jaegerProtoToModel(batch: { spans: JaegerProtoSpan[]; process: JaegerProtoProcess | null }): Span[] {
  return batch.spans.map(jaegerProtoSpanConverter(batch.process))
}

function protoSpan(extra: Partial<JaegerProtoSpan> = {}): JaegerProtoSpan {
  return {
    traceId: Buffer.from('000000000000000000000000000000ab', 'hex'),
    spanId: Buffer.from('00000000000000cd', 'hex'),
    operationName: 'op',
    references: [],
    flags: 0,
    // int64 fields decode as Longs: low and high 32 bits.
    startTime: { seconds: { low: 1_700_000_000, high: 0 }, nanos: 123_456_789 },
    duration: { seconds: { low: 0, high: 0 }, nanos: 7_000 },
    tags: [],
    logs: [],
    process: null,
    processId: '',
    warnings: [],
    ...extra,
  }
}

describe('jaegerProtoSpanConverter', () => {
  it('gives spans without a process the batch process and keeps their own otherwise', () => {
    const own = { serviceName: 'own', tags: [] }
    const batch = { spans: [protoSpan(), protoSpan({ process: own })], process: { serviceName: 'batch', tags: [] } }
    expect(jaegerProtoToModel(batch).map((s) => s.process.serviceName)).toEqual(['batch', 'own'])
  })

  it('converts times to whole microseconds', () => {
    const [span] = jaegerProtoToModel({ spans: [protoSpan()], process: { serviceName: 's', tags: [] } })
    expect(span!.startTimeUs).toBe(1_700_000_000_123_456)
    expect(span!.durationUs).toBe(7)
  })

  it('rejects a span with no process anywhere and malformed ids, naming the field', () => {
    expect(() => jaegerProtoToModel({ spans: [protoSpan()], process: null })).toThrow(/batch\.spans\[0\]\.process is missing/)
    const badRef = protoSpan({ references: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(4, 1), refType: 0 }] })
    expect(() => jaegerProtoToModel({ spans: [badRef], process: { serviceName: 's', tags: [] } })).toThrow(/batch\.spans\[0\]\.references\[0\]\.spanId: expected 8 bytes/)
    const badTime = protoSpan({ startTime: { seconds: { low: -5, high: -1 }, nanos: 0 } })
    expect(() => jaegerProtoToModel({ spans: [badTime], process: { serviceName: 's', tags: [] } })).toThrow(/batch\.spans\[0\]\.startTime: .* got -5s 0ns/)
  })

  it('reads int64 values from both halves of a Long, signed', () => {
    const int64 = (low: number, high: number) => ({ key: 'n', vType: 2, vStr: '', vBool: false, vInt64: { low, high }, vFloat64: 0, vBinary: new Uint8Array() })
    const tags = [int64(1, 0x200000), int64(-2, -1), int64(-1, 0x7fffffff)]
    const [span] = jaegerProtoToModel({ spans: [protoSpan({ tags, startTime: { seconds: { low: 5, high: 1 }, nanos: 0 } })], process: { serviceName: 's', tags: [] } })
    expect(span!.tags.map((tag) => tag.value)).toEqual([2n ** 53n + 1n, -2n, 2n ** 63n - 1n])
    expect(span!.startTimeUs).toBe((2 ** 32 + 5) * 1_000_000)
  })
})
