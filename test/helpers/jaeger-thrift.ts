/**
 * jaeger.thrift Batches written field by field with the thrift package's own binary and compact
 * protocols, so tests control every byte a Jaeger client would send to POST /api/traces.
 */
import thrift, { type TProtocol } from 'thrift'

const { Type } = thrift.Thrift

export type Tag = { key: string; type: 'string'; value: string } | { key: string; type: 'long'; value: bigint } | { key: string; type: 'binary'; value: Buffer } | { key: string; type: 'bool'; value: boolean }

export interface TestSpan {
  traceIdHigh: bigint
  traceIdLow: bigint
  spanId: bigint
  parentSpanId: bigint
  operationName: string
  startTimeUs: bigint
  durationUs: bigint
  tags: Tag[]
  logs?: { timestampUs: bigint; fields: Tag[] }[]
  /** Leave out a required field, as a broken sender would. */
  omitOperationName?: boolean
}

function i64(value: bigint): thrift.Int64 {
  const buffer = Buffer.alloc(8)
  buffer.writeBigInt64BE(BigInt.asIntN(64, value))
  return new thrift.Int64(buffer)
}

function writeTag(p: TProtocol, tag: Tag): void {
  p.writeStructBegin('Tag')
  p.writeFieldBegin('key', Type.STRING, 1)
  p.writeString(tag.key)
  p.writeFieldEnd()
  p.writeFieldBegin('vType', Type.I32, 2)
  p.writeI32({ string: 0, bool: 2, long: 3, binary: 4 }[tag.type])
  p.writeFieldEnd()
  if (tag.type === 'string') {
    p.writeFieldBegin('vStr', Type.STRING, 3)
    p.writeString(tag.value)
  } else if (tag.type === 'bool') {
    p.writeFieldBegin('vBool', Type.BOOL, 5)
    p.writeBool(tag.value)
  } else if (tag.type === 'long') {
    p.writeFieldBegin('vLong', Type.I64, 6)
    p.writeI64(i64(tag.value))
  } else {
    p.writeFieldBegin('vBinary', Type.STRING, 7)
    p.writeBinary(tag.value)
  }
  p.writeFieldEnd()
  p.writeFieldStop()
  p.writeStructEnd()
}

function writeTags(p: TProtocol, name: string, id: number, tags: Tag[]): void {
  p.writeFieldBegin(name, Type.LIST, id)
  p.writeListBegin(Type.STRUCT, tags.length)
  for (const tag of tags) writeTag(p, tag)
  p.writeListEnd()
  p.writeFieldEnd()
}

export function encodeBatch(protocol: 'binary' | 'compact', serviceName: string, spans: TestSpan[]): Buffer {
  let out = Buffer.alloc(0)
  const transport = new thrift.TBufferedTransport(undefined, (bytes?: Buffer) => {
    if (bytes) out = Buffer.concat([out, bytes])
  })
  const p: TProtocol = protocol === 'binary' ? new thrift.TBinaryProtocol(transport) : new thrift.TCompactProtocol(transport)
  p.writeStructBegin('Batch')
  p.writeFieldBegin('process', Type.STRUCT, 1)
  p.writeStructBegin('Process')
  p.writeFieldBegin('serviceName', Type.STRING, 1)
  p.writeString(serviceName)
  p.writeFieldEnd()
  writeTags(p, 'tags', 2, [{ key: 'hostname', type: 'string', value: 'host-1' }])
  p.writeFieldStop()
  p.writeStructEnd()
  p.writeFieldEnd()
  p.writeFieldBegin('spans', Type.LIST, 2)
  p.writeListBegin(Type.STRUCT, spans.length)
  for (const span of spans) {
    p.writeStructBegin('Span')
    const longs: [string, number, bigint][] = [
      ['traceIdLow', 1, span.traceIdLow],
      ['traceIdHigh', 2, span.traceIdHigh],
      ['spanId', 3, span.spanId],
      ['parentSpanId', 4, span.parentSpanId],
    ]
    for (const [name, id, value] of longs) {
      p.writeFieldBegin(name, Type.I64, id)
      p.writeI64(i64(value))
      p.writeFieldEnd()
    }
    if (!span.omitOperationName) {
      p.writeFieldBegin('operationName', Type.STRING, 5)
      p.writeString(span.operationName)
      p.writeFieldEnd()
    }
    p.writeFieldBegin('flags', Type.I32, 7)
    p.writeI32(1)
    p.writeFieldEnd()
    p.writeFieldBegin('startTime', Type.I64, 8)
    p.writeI64(i64(span.startTimeUs))
    p.writeFieldEnd()
    p.writeFieldBegin('duration', Type.I64, 9)
    p.writeI64(i64(span.durationUs))
    p.writeFieldEnd()
    writeTags(p, 'tags', 10, span.tags)
    if (span.logs) {
      p.writeFieldBegin('logs', Type.LIST, 11)
      p.writeListBegin(Type.STRUCT, span.logs.length)
      for (const log of span.logs) {
        p.writeStructBegin('Log')
        p.writeFieldBegin('timestamp', Type.I64, 1)
        p.writeI64(i64(log.timestampUs))
        p.writeFieldEnd()
        writeTags(p, 'fields', 2, log.fields)
        p.writeFieldStop()
        p.writeStructEnd()
      }
      p.writeListEnd()
      p.writeFieldEnd()
    }
    p.writeFieldStop()
    p.writeStructEnd()
  }
  p.writeListEnd()
  p.writeFieldEnd()
  p.writeFieldStop()
  p.writeStructEnd()
  transport.flush()
  return out
}
