import { describe, expect, it } from 'vitest'
import type { Span } from '../../model/span.js'
import { mergeSpanFragments } from './span-merge.js'

function span(fields: Partial<Span>): Span {
  return {
    traceId: '0'.repeat(31) + '1',
    spanId: '00000000000000aa',
    references: [],
    operationName: '',
    shared: false,
    startTimeUs: 0,
    durationUs: 0,
    flags: 1,
    tags: [],
    logs: [],
    process: { serviceName: 'svc', tags: [] },
    localEndpoint: { serviceName: 'svc', ipv4: '10.0.0.1' },
    warnings: [],
    ...fields,
  }
}

describe('mergeSpanFragments', () => {
  it('joins fragments of one span: earliest start, latest end, tags and logs once each', () => {
    const merged = mergeSpanFragments([
      span({ kind: 'server', startTimeUs: 200, durationUs: 50, tags: [{ key: 'a', type: 'string', value: '1' }] }),
      span({ operationName: 'get', tags: [{ key: 'a', type: 'string', value: '1' }, { key: 'b', type: 'string', value: '2' }] }),
      span({ kind: 'server', startTimeUs: 100, durationUs: 20, logs: [{ timestampUs: 110, fields: [{ key: 'event', type: 'string', value: 'x' }] }] }),
    ])
    expect(merged).toHaveLength(1)
    expect(merged[0]).toMatchObject({ kind: 'server', operationName: 'get', startTimeUs: 100, durationUs: 150 })
    expect(merged[0]!.tags.map((t) => t.key)).toEqual(['a', 'b'])
    expect(merged[0]!.logs).toHaveLength(1)
  })

  it('keeps client and server halves, and the same id on different hosts, apart', () => {
    const merged = mergeSpanFragments([
      span({ kind: 'client', startTimeUs: 100 }),
      span({ kind: 'server', shared: true, startTimeUs: 110, localEndpoint: { serviceName: 'api', ipv4: '10.0.0.2' } }),
      span({ kind: 'server', shared: true, startTimeUs: 120, localEndpoint: { serviceName: 'api', ipv4: '10.0.0.3' } }),
    ])
    expect(merged.map((s) => [s.kind, s.startTimeUs])).toEqual([
      ['client', 100],
      ['server', 110],
      ['server', 120],
    ])
  })

  it('takes a missing start and duration from the annotations, and leaves the input alone', () => {
    const input = [span({ logs: [{ timestampUs: 300, fields: [{ key: 'event', type: 'string', value: 'cs' }] }, { timestampUs: 340, fields: [{ key: 'event', type: 'string', value: 'cr' }] }] })]
    const [merged] = mergeSpanFragments(input)
    expect(merged).toMatchObject({ startTimeUs: 300, durationUs: 40 })
    expect(merged!.warnings).toEqual(['start time taken from annotations'])
    expect(input[0]!.startTimeUs).toBe(0)
  })
})
