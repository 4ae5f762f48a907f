import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../errors.js'
import type { Span } from '../../model/span.js'
import { loadJaegerProto } from '../../server/jaeger-proto.js'
import { forEachPostSpansRequestSpan } from './post-spans-request.js'

const requestType = loadJaegerProto().type('PostSpansRequest')

function span(id: number, process?: { serviceName: string }) {
  return {
    traceId: Buffer.alloc(16, 1),
    spanId: Buffer.from(id.toString(16).padStart(16, '0'), 'hex'),
    operationName: `op${id}`,
    startTime: { seconds: 1_700_000_000, nanos: 0 },
    ...(process ? { process } : {}),
  }
}

/** Bytes as a Jaeger client sends them: protobufjs writes fields in order, the spans before the process. */
const encode = (request: object) => Buffer.from(requestType.encode(requestType.fromObject(request)).finish())

function spansOf(body: Buffer): Span[] {
  const spans: Span[] = []
  forEachPostSpansRequestSpan(body, (converted) => spans.push(converted))
  return spans
}

describe('forEachPostSpansRequestSpan', () => {
  it('gives each span the batch process, which the wire puts after the spans, unless it has its own', () => {
    const body = encode({ batch: { spans: [span(1), span(2, { serviceName: 'own' })], process: { serviceName: 'batch' } } })
    expect(spansOf(body).map((s) => [s.spanId, s.operationName, s.process.serviceName])).toEqual([
      ['0000000000000001', 'op1', 'batch'],
      ['0000000000000002', 'op2', 'own'],
    ])
  })

  it('reads the last batch of a request that holds two, as protobufjs does', () => {
    const first = encode({ batch: { spans: [span(1)], process: { serviceName: 'first' } } })
    const last = encode({ batch: { spans: [span(2)], process: { serviceName: 'last' } } })
    expect(spansOf(Buffer.concat([first, last])).map((s) => [s.spanId, s.process.serviceName])).toEqual([['0000000000000002', 'last']])
  })

  it('gives nothing for an empty request and refuses a truncated one', () => {
    expect(spansOf(Buffer.alloc(0))).toEqual([])
    const body = encode({ batch: { spans: [span(1)], process: { serviceName: 'batch' } } })
    expect(() => spansOf(body.subarray(0, body.length - 3))).toThrow(InvalidInputError)
  })
})
