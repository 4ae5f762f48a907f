import { describe, expect, it } from 'vitest'
import type { JaegerProtoBatch, JaegerProtoSpan } from '../../server/jaeger-proto.js'
import { jaegerProtoToModel } from './proto-to-model.js'

function protoSpan(extra: Partial<JaegerProtoSpan> = {}): JaegerProtoSpan {
  return {
    traceId: Buffer.from('000000000000000000000000000000ab', 'hex'),
    spanId: Buffer.from('00000000000000cd', 'hex'),
    operationName: 'op',
    references: [],
    flags: 0,
    startTime: { seconds: '1700000000', nanos: 123_456_789 },
    duration: { seconds: '0', nanos: 7_000 },
    tags: [],
    logs: [],
    process: null,
    processId: '',
    warnings: [],
    ...extra,
  }
}

describe('jaegerProtoToModel', () => {
  it('gives spans without a process the batch process and keeps their own otherwise', () => {
    const own = { serviceName: 'own', tags: [] }
    const batch: JaegerProtoBatch = { spans: [protoSpan(), protoSpan({ process: own })], process: { serviceName: 'batch', tags: [] } }
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
    const badTime = protoSpan({ startTime: { seconds: '-5', nanos: 0 } })
    expect(() => jaegerProtoToModel({ spans: [badTime], process: { serviceName: 's', tags: [] } })).toThrow(/batch\.spans\[0\]\.startTime/)
  })
})
