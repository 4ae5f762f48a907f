import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../errors.js'
import type { Span } from '../../model/span.js'
import type { JaegerThriftSpan } from './thrift-batch.js'
import { jaegerThriftConverter } from './thrift-to-model.js'

function thriftSpan(extra: Partial<JaegerThriftSpan> = {}): JaegerThriftSpan {
  return {
    traceIdLow: -1n,
    traceIdHigh: 0n,
    spanId: -2n,
    parentSpanId: 0n,
    operationName: 'op',
    references: [],
    flags: 3,
    startTime: 1_700_000_000_000_001n,
    duration: 25n,
    tags: [],
    logs: [],
    ...extra,
  }
}

const batch = (spans: JaegerThriftSpan[]) => ({ process: { serviceName: 'svc', tags: [{ key: 'ip', vType: 0, vStr: '10.0.0.1' }] }, spans })

/** The model spans of a batch, given span by span to the converter as the batch reader does. */
function jaegerThriftToModel({ process, spans }: ReturnType<typeof batch>): Span[] {
  const converted: Span[] = []
  const convert = jaegerThriftConverter((span) => converted.push(span))
  spans.forEach((span, i) => convert(span, process, i))
  return converted
}

describe('jaegerThriftConverter', () => {
  it('reads signed i64 ids as their unsigned 64-bit pattern and keeps times in microseconds', () => {
    const [span] = jaegerThriftToModel(batch([thriftSpan()]))
    expect(span).toMatchObject({
      traceId: '0000000000000000ffffffffffffffff',
      spanId: 'fffffffffffffffe',
      flags: 3,
      startTimeUs: 1_700_000_000_000_001,
      durationUs: 25,
      process: { serviceName: 'svc', tags: [{ key: 'ip', type: 'string', value: '10.0.0.1' }] },
    })
  })

  it('turns parentSpanId into a leading CHILD_OF reference unless a reference already names it', () => {
    const follows = { refType: 1, traceIdLow: -1n, traceIdHigh: 0n, spanId: 7n }
    const [implicit, explicit] = jaegerThriftToModel(
      batch([thriftSpan({ parentSpanId: 5n, references: [follows] }), thriftSpan({ parentSpanId: 7n, references: [follows] })]),
    )
    expect(implicit!.references).toEqual([
      { type: 'child_of', traceId: '0000000000000000ffffffffffffffff', spanId: '0000000000000005' },
      { type: 'follows_from', traceId: '0000000000000000ffffffffffffffff', spanId: '0000000000000007' },
    ])
    expect(explicit!.references).toEqual([{ type: 'follows_from', traceId: '0000000000000000ffffffffffffffff', spanId: '0000000000000007' }])
  })

  it('maps every tag type and takes the kind from span.kind, keeping the tag', () => {
    const [span] = jaegerThriftToModel(
      batch([
        thriftSpan({
          tags: [
            { key: 'span.kind', vType: 0, vStr: 'producer' },
            { key: 'd', vType: 1, vDouble: 1.5 },
            { key: 'b', vType: 2, vBool: true },
            { key: 'l', vType: 3, vLong: -9_223_372_036_854_775_808n },
            { key: 'x', vType: 4, vBinary: Buffer.from([1, 2]) },
          ],
        }),
      ]),
    )
    expect(span!.kind).toBe('producer')
    expect(span!.tags).toEqual([
      { key: 'span.kind', type: 'string', value: 'producer' },
      { key: 'd', type: 'float64', value: 1.5 },
      { key: 'b', type: 'bool', value: true },
      { key: 'l', type: 'int64', value: -9_223_372_036_854_775_808n },
      { key: 'x', type: 'binary', value: new Uint8Array([1, 2]) },
    ])
  })

  it('rejects zero ids, unknown tag types and negative times, naming the field', () => {
    expect(() => jaegerThriftToModel(batch([thriftSpan(), thriftSpan({ traceIdLow: 0n })]))).toThrow(/batch\.spans\[1\]: the trace id/)
    expect(() => jaegerThriftToModel(batch([thriftSpan({ tags: [{ key: 'k', vType: 8 }] })]))).toThrow(/batch\.spans\[0\]\.tags\[0\]\.vType/)
    expect(() => jaegerThriftToModel(batch([thriftSpan({ duration: -1n })]))).toThrow(InvalidInputError)
  })
})
