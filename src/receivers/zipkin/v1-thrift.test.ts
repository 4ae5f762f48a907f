/**
 * Zipkin v1 Thrift bytes written field by field with the thrift package's own TBinaryProtocol
 * writer (the ids of thrift/zipkinCore.thrift), then decoded and converted.
 */
import thrift from 'thrift'
import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../errors.js'
import { forEachZipkinV1ThriftSpan } from './v1-thrift.js'
import { zipkinV1ToModel } from './v1-to-model.js'
import type { ZipkinV1Span } from './zipkin-v1-span.js'

const { TBinaryProtocol, TBufferedTransport, Thrift, Int64 } = thrift
const T = Thrift.Type

type Writer = InstanceType<typeof TBinaryProtocol>

function decodeZipkinV1Thrift(body: Buffer): ZipkinV1Span[] {
  const spans: ZipkinV1Span[] = []
  forEachZipkinV1ThriftSpan(body, (span) => spans.push(span))
  return spans
}

/** Bytes written through a TBinaryProtocol over a buffered transport. */
function write(body: (protocol: Writer) => void): Buffer {
  let bytes = Buffer.alloc(0)
  const transport = new TBufferedTransport(undefined, (out) => (bytes = Buffer.from(out as Buffer)))
  const protocol = new TBinaryProtocol(transport)
  body(protocol)
  protocol.flush()
  return bytes
}

function i64(protocol: Writer, id: number, hex: string) {
  protocol.writeFieldBegin('', T.I64, id)
  protocol.writeI64(new Int64(hex))
  protocol.writeFieldEnd()
}

function endpoint(protocol: Writer, id: number, service: string, ipv4: number, port: number, ipv6?: Buffer) {
  protocol.writeFieldBegin('', T.STRUCT, id)
  protocol.writeStructBegin('Endpoint')
  protocol.writeFieldBegin('', T.I32, 1)
  protocol.writeI32(ipv4)
  protocol.writeFieldBegin('', T.I16, 2)
  protocol.writeI16(port)
  protocol.writeFieldBegin('', T.STRING, 3)
  protocol.writeString(service)
  if (ipv6) {
    protocol.writeFieldBegin('', T.STRING, 4)
    protocol.writeBinary(ipv6)
  }
  protocol.writeFieldStop()
  protocol.writeStructEnd()
}

function binaryAnnotation(protocol: Writer, key: string, value: Buffer, type: number) {
  protocol.writeStructBegin('BinaryAnnotation')
  protocol.writeFieldBegin('', T.STRING, 1)
  protocol.writeString(key)
  protocol.writeFieldBegin('', T.STRING, 2)
  protocol.writeBinary(value)
  protocol.writeFieldBegin('', T.I32, 3)
  protocol.writeI32(type)
  endpoint(protocol, 4, 'billing', 0x0a000001, -1) // port 65535 arrives as i16 -1
  protocol.writeFieldStop()
  protocol.writeStructEnd()
}

const be = (size: number, fill: (b: Buffer) => void) => {
  const b = Buffer.alloc(size)
  fill(b)
  return b
}

function typedSpan(): Buffer {
  return write((p) => {
    p.writeListBegin(T.STRUCT, 1)
    p.writeStructBegin('Span')
    i64(p, 1, '8000000000000001')
    p.writeFieldBegin('', T.STRING, 3)
    p.writeString('charge')
    i64(p, 4, 'fffffffffffffffe')
    p.writeFieldBegin('', T.LIST, 6)
    p.writeListBegin(T.STRUCT, 0)
    p.writeFieldBegin('', T.LIST, 8)
    p.writeListBegin(T.STRUCT, 7)
    binaryAnnotation(p, 'ok', Buffer.from([1]), 0)
    binaryAnnotation(p, 'raw', Buffer.from([0xde, 0xad]), 1)
    binaryAnnotation(p, 'short', be(2, (b) => b.writeInt16BE(-2)), 2)
    binaryAnnotation(p, 'int', be(4, (b) => b.writeInt32BE(-70000)), 3)
    binaryAnnotation(p, 'long', be(8, (b) => b.writeBigInt64BE(9007199254740993n)), 4)
    binaryAnnotation(p, 'ratio', be(8, (b) => b.writeDoubleBE(0.1)), 5)
    binaryAnnotation(p, 'text', Buffer.from('ünïcode'), 6)
    p.writeFieldBegin('', T.BOOL, 9)
    p.writeBool(true)
    i64(p, 10, '00060a3c7d0e1f20')
    i64(p, 11, '00000000000003e8')
    i64(p, 12, '0123456789abcdef')
    p.writeFieldStop()
    p.writeStructEnd()
  })
}

describe('decodeZipkinV1Thrift', () => {
  it('keeps every binary annotation type, big-endian, and 64-bit values exact', () => {
    const [span] = decodeZipkinV1Thrift(typedSpan())
    expect(span).toMatchObject({ traceId: '0123456789abcdef8000000000000001', id: 'fffffffffffffffe', name: 'charge', debug: true, duration: 1000 })
    expect(span!.binaryAnnotations.map(({ key, type, value }) => [key, type, value])).toEqual([
      ['ok', 'BOOL', true],
      ['raw', 'BYTES', new Uint8Array([0xde, 0xad])],
      ['short', 'I16', -2n],
      ['int', 'I32', -70000n],
      ['long', 'I64', 9007199254740993n],
      ['ratio', 'DOUBLE', 0.1],
      ['text', 'STRING', 'ünïcode'],
    ])
    expect(span!.binaryAnnotations[0]!.endpoint).toEqual({ serviceName: 'billing', ipv4: '10.0.0.1', port: 65535 })
  })

  it('converts them to typed tags and the debug flag', () => {
    const [span] = zipkinV1ToModel(decodeZipkinV1Thrift(typedSpan()))
    expect(span!.tags).toEqual([
      { key: 'ok', type: 'bool', value: true },
      { key: 'raw', type: 'binary', value: new Uint8Array([0xde, 0xad]) },
      { key: 'short', type: 'int64', value: -2n },
      { key: 'int', type: 'int64', value: -70000n },
      { key: 'long', type: 'int64', value: 9007199254740993n },
      { key: 'ratio', type: 'float64', value: 0.1 },
      { key: 'text', type: 'string', value: 'ünïcode' },
    ])
    expect(span!.flags & 2).toBe(2)
    expect(span!.process.serviceName).toBe('billing')
    expect(span!.traceId).toBe('0123456789abcdef8000000000000001')
  })

  it('reads IPv6 endpoints', () => {
    const ipv6 = Buffer.from('20010db8000000000000000000000001', 'hex')
    const body = write((p) => {
      p.writeListBegin(T.STRUCT, 1)
      p.writeStructBegin('Span')
      i64(p, 1, '0000000000000001')
      i64(p, 4, '0000000000000002')
      p.writeFieldBegin('', T.LIST, 6)
      p.writeListBegin(T.STRUCT, 1)
      p.writeStructBegin('Annotation')
      i64(p, 1, '00060a3c7d0e1f20')
      p.writeFieldBegin('', T.STRING, 2)
      p.writeString('cs')
      endpoint(p, 3, 'web', 0, 80, ipv6)
      p.writeFieldStop()
      p.writeStructEnd()
      p.writeFieldStop()
      p.writeStructEnd()
    })
    const [span] = zipkinV1ToModel(decodeZipkinV1Thrift(body))
    expect(span).toMatchObject({ kind: 'client', localEndpoint: { serviceName: 'web', ipv6: '2001:db8::1', port: 80 }, startTimeUs: 0x60a3c7d0e1f20 })
  })

  it('rejects truncated bodies, wrong value sizes and unknown types with InvalidInputError', () => {
    const body = typedSpan()
    expect(() => decodeZipkinV1Thrift(body.subarray(0, body.length - 5))).toThrow(InvalidInputError)
    expect(() => decodeZipkinV1Thrift(Buffer.from([11, 0, 0, 0, 1]))).toThrow(/element type 11/)
    const badSize = write((p) => {
      p.writeListBegin(T.STRUCT, 1)
      p.writeStructBegin('Span')
      i64(p, 1, '01')
      i64(p, 4, '02')
      p.writeFieldBegin('', T.LIST, 8)
      p.writeListBegin(T.STRUCT, 1)
      binaryAnnotation(p, 'n', Buffer.from([1, 2, 3]), 3)
      p.writeFieldStop()
      p.writeStructEnd()
    })
    expect(() => decodeZipkinV1Thrift(badSize)).toThrow('span[0].binary_annotations[0].value: a I32 value takes 4 bytes, got 3')
    expect(() => decodeZipkinV1Thrift(Buffer.from([12, 0x7f, 0xff, 0xff, 0xff]))).toThrow(/claims/)
  })
})
