import thrift from 'thrift'
import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../errors.js'
import { forEachJaegerThriftSpan } from './thrift-batch.js'

const { TBinaryProtocol, TBufferedTransport, Thrift, Int64 } = thrift
const T = Thrift.Type

type Writer = InstanceType<typeof TBinaryProtocol>

/** A Batch written field by field with the thrift package's own binary writer. */
function batchBody(fields: ((protocol: Writer) => void)[]): Buffer {
  let bytes = Buffer.alloc(0)
  const transport = new TBufferedTransport(undefined, (out) => (bytes = Buffer.from(out as Buffer)))
  const protocol = new TBinaryProtocol(transport)
  protocol.writeStructBegin('Batch')
  for (const field of fields) field(protocol)
  protocol.writeFieldStop()
  protocol.writeStructEnd()
  protocol.flush()
  return bytes
}

const processField = (protocol: Writer) => {
  protocol.writeFieldBegin('process', T.STRUCT, 1)
  protocol.writeStructBegin('Process')
  protocol.writeFieldBegin('serviceName', T.STRING, 1)
  protocol.writeString('svc')
  protocol.writeFieldEnd()
  protocol.writeFieldStop()
  protocol.writeStructEnd()
  protocol.writeFieldEnd()
}

/** The spans field, with spans of the given ids and every required field. */
const spansField = (ids: number[]) => (protocol: Writer) => {
  protocol.writeFieldBegin('spans', T.LIST, 2)
  protocol.writeListBegin(T.STRUCT, ids.length)
  for (const id of ids) {
    protocol.writeStructBegin('Span')
    for (const [field, value] of [[1, 1], [2, 0], [3, id], [4, 0], [8, 1_700_000_000_000_000], [9, 5]] as const) {
      protocol.writeFieldBegin('', T.I64, field)
      protocol.writeI64(new Int64(value))
      protocol.writeFieldEnd()
    }
    protocol.writeFieldBegin('operationName', T.STRING, 5)
    protocol.writeString('op')
    protocol.writeFieldEnd()
    protocol.writeFieldBegin('flags', T.I32, 7)
    protocol.writeI32(1)
    protocol.writeFieldEnd()
    protocol.writeFieldStop()
    protocol.writeStructEnd()
  }
  protocol.writeListEnd()
  protocol.writeFieldEnd()
}

function readSpans(body: Buffer): [bigint, string, number][] {
  const taken: [bigint, string, number][] = []
  forEachJaegerThriftSpan(body, 'binary', (span, process, i) => taken.push([span.spanId, process.serviceName, i]))
  return taken
}

describe('forEachJaegerThriftSpan', () => {
  it('gives each span with the process, also spans sent before the process', () => {
    expect(readSpans(batchBody([processField, spansField([7, 8])]))).toEqual([
      [7n, 'svc', 0],
      [8n, 'svc', 1],
    ])
    expect(readSpans(batchBody([spansField([7, 8]), processField]))).toEqual([
      [7n, 'svc', 0],
      [8n, 'svc', 1],
    ])
  })

  it('refuses a batch without its process or its spans', () => {
    expect(() => readSpans(batchBody([spansField([7])]))).toThrow('batch.process is missing (a required field)')
    expect(() => readSpans(batchBody([processField]))).toThrow('batch.spans is missing (a required field)')
  })

  it('names the wire types when a list holds the wrong kind of element', () => {
    // Batch { 2: list<i32> [1] } in the binary protocol: spans must be a list of structs.
    const body = Buffer.from([0x0f, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00])
    expect(() => forEachJaegerThriftSpan(body, 'binary', () => {})).toThrow('batch.spans: expected a list of STRUCT, got a list of I32')
  })

  it('turns any malformed body into InvalidInputError, in either protocol', () => {
    // Field 1 declared a struct, then bytes that are no valid field header / run out.
    for (const body of [Buffer.from([0x0c, 0x00, 0x01, 0x7f]), Buffer.from([0x0c, 0x00]), Buffer.alloc(0)]) {
      for (const encoding of ['binary', 'compact'] as const) {
        expect(() => forEachJaegerThriftSpan(body, encoding, () => {})).toThrow(InvalidInputError)
      }
    }
  })
})
