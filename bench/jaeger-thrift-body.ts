/**
 * A Jaeger batch as one jaeger.thrift `Batch` (thrift/jaeger.thrift) in TBinaryProtocol, the
 * body of `POST /api/traces`, written with the thrift package's protocol classes.
 */
import thrift, { type TProtocol } from 'thrift'
import type { JaegerBatch, JaegerSpan } from './jaeger-span.js'

const { Type } = thrift.Thrift

/** Ids go in as their eight bytes, never through a JS number. Times in µs fit a double exactly. */
function i64(hex: string): thrift.Int64 {
  return new thrift.Int64(Buffer.from(hex.padStart(16, '0'), 'hex'))
}

function field(p: TProtocol, name: string, type: number, id: number, write: () => void): void {
  p.writeFieldBegin(name, type, id)
  write()
  p.writeFieldEnd()
}

function struct(p: TProtocol, name: string, writeFields: () => void): void {
  p.writeStructBegin(name)
  writeFields()
  p.writeFieldStop()
  p.writeStructEnd()
}

function list<T>(p: TProtocol, items: T[], writeItem: (item: T) => void): void {
  p.writeListBegin(Type.STRUCT, items.length)
  for (const item of items) writeItem(item)
  p.writeListEnd()
}

function writeTags(p: TProtocol, id: number, tags: [string, string][]): void {
  field(p, 'tags', Type.LIST, id, () =>
    list(p, tags, ([key, value]) =>
      struct(p, 'Tag', () => {
        field(p, 'key', Type.STRING, 1, () => p.writeString(key))
        field(p, 'vType', Type.I32, 2, () => p.writeI32(0))
        field(p, 'vStr', Type.STRING, 3, () => p.writeString(value))
      }),
    ),
  )
}

function writeSpan(p: TProtocol, span: JaegerSpan): void {
  struct(p, 'Span', () => {
    field(p, 'traceIdLow', Type.I64, 1, () => p.writeI64(i64(span.traceIdHex.slice(16))))
    field(p, 'traceIdHigh', Type.I64, 2, () => p.writeI64(i64(span.traceIdHex.slice(0, 16))))
    field(p, 'spanId', Type.I64, 3, () => p.writeI64(i64(span.spanIdHex)))
    field(p, 'parentSpanId', Type.I64, 4, () => p.writeI64(i64(span.parentIdHex ?? '0')))
    field(p, 'operationName', Type.STRING, 5, () => p.writeString(span.operationName))
    field(p, 'flags', Type.I32, 7, () => p.writeI32(1))
    field(p, 'startTime', Type.I64, 8, () => p.writeI64(span.startTimeUs))
    field(p, 'duration', Type.I64, 9, () => p.writeI64(span.durationUs))
    writeTags(p, 10, span.tags)
    if (span.logs.length > 0) {
      field(p, 'logs', Type.LIST, 11, () =>
        list(p, span.logs, (log) =>
          struct(p, 'Log', () => {
            field(p, 'timestamp', Type.I64, 1, () => p.writeI64(log.timestampUs))
            writeTags(p, 2, log.fields)
          }),
        ),
      )
    }
  })
}

export function jaegerThriftBody(batch: JaegerBatch): Buffer {
  const chunks: Buffer[] = []
  const transport = new thrift.TBufferedTransport(undefined, (bytes?: Buffer) => {
    if (bytes) chunks.push(bytes)
  })
  const p: TProtocol = new thrift.TBinaryProtocol(transport)
  struct(p, 'Batch', () => {
    field(p, 'process', Type.STRUCT, 1, () =>
      struct(p, 'Process', () => {
        field(p, 'serviceName', Type.STRING, 1, () => p.writeString(batch.serviceName))
        writeTags(p, 2, batch.processTags)
      }),
    )
    field(p, 'spans', Type.LIST, 2, () => list(p, batch.spans, (span) => writeSpan(p, span)))
  })
  p.flush()
  return Buffer.concat(chunks)
}
