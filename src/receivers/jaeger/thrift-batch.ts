/**
 * Reads one jaeger.thrift `Batch` (thrift/jaeger.thrift) from a request body with the thrift
 * package's binary or compact protocol, into typed structs. Unknown fields are skipped, as
 * Thrift's generated readers do; a missing required field or a truncated body is bad input.
 */
import type { TProtocol } from 'thrift'
import { InvalidInputError } from '../../errors.js'
import { readStruct, readThriftBody, type ThriftEncoding, ThriftType, thriftTypeName } from '../thrift-reading.js'


export interface JaegerThriftTag {
  key: string
  /** TagType: STRING 0, DOUBLE 1, BOOL 2, LONG 3, BINARY 4. */
  vType: number
  vStr?: string
  vDouble?: number
  vBool?: boolean
  vLong?: bigint
  vBinary?: Buffer
}

export interface JaegerThriftLog {
  timestamp: bigint
  fields: JaegerThriftTag[]
}

export interface JaegerThriftSpanRef {
  /** CHILD_OF 0, FOLLOWS_FROM 1. */
  refType: number
  traceIdLow: bigint
  traceIdHigh: bigint
  spanId: bigint
}

export interface JaegerThriftSpan {
  traceIdLow: bigint
  traceIdHigh: bigint
  spanId: bigint
  parentSpanId: bigint
  operationName: string
  references: JaegerThriftSpanRef[]
  flags: number
  startTime: bigint
  duration: bigint
  tags: JaegerThriftTag[]
  logs: JaegerThriftLog[]
}

export interface JaegerThriftProcess {
  serviceName: string
  tags: JaegerThriftTag[]
}

export interface JaegerThriftBatch {
  process: JaegerThriftProcess
  spans: JaegerThriftSpan[]
}

export function decodeJaegerThriftBatch(body: Buffer, encoding: ThriftEncoding): JaegerThriftBatch {
  return readThriftBody(body, encoding, `a Thrift ${encoding} Batch`, readBatch)
}

function readList<T>(protocol: TProtocol, elementType: number, path: string, read: (path: string) => T): T[] {
  const { etype, size } = protocol.readListBegin()
  if (etype !== elementType && size > 0) throw new InvalidInputError(`${path}: expected a list of ${thriftTypeName(elementType)}, got a list of ${thriftTypeName(etype)}`)
  const items: T[] = []
  for (let i = 0; i < size; i++) items.push(read(`${path}[${i}]`))
  protocol.readListEnd()
  return items
}

function readI64(protocol: TProtocol): bigint {
  const value = protocol.readI64()
  return value.buffer.readBigInt64BE(value.offset)
}

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw new InvalidInputError(`${path} is missing (a required field)`)
  return value
}

function readBatch(protocol: TProtocol): JaegerThriftBatch {
  let process: JaegerThriftProcess | undefined
  let spans: JaegerThriftSpan[] | undefined
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.STRUCT) process = readProcess(protocol, 'batch.process')
    else if (id === 2 && type === ThriftType.LIST) spans = readList(protocol, ThriftType.STRUCT, 'batch.spans', (path) => readSpan(protocol, path))
    else return false
    return true
  })
  return { process: required(process, 'batch.process'), spans: required(spans, 'batch.spans') }
}

function readProcess(protocol: TProtocol, path: string): JaegerThriftProcess {
  let serviceName: string | undefined
  let tags: JaegerThriftTag[] = []
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.STRING) serviceName = protocol.readString()
    else if (id === 2 && type === ThriftType.LIST) tags = readTags(protocol, `${path}.tags`)
    else return false
    return true
  })
  return { serviceName: required(serviceName, `${path}.serviceName`), tags }
}

function readTags(protocol: TProtocol, path: string): JaegerThriftTag[] {
  return readList(protocol, ThriftType.STRUCT, path, (here) => readTag(protocol, here))
}

function readTag(protocol: TProtocol, path: string): JaegerThriftTag {
  let key: string | undefined
  let vType: number | undefined
  const tag: Partial<JaegerThriftTag> = {}
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.STRING) key = protocol.readString()
    else if (id === 2 && type === ThriftType.I32) vType = protocol.readI32()
    else if (id === 3 && type === ThriftType.STRING) tag.vStr = protocol.readString()
    else if (id === 4 && type === ThriftType.DOUBLE) tag.vDouble = protocol.readDouble()
    else if (id === 5 && type === ThriftType.BOOL) tag.vBool = protocol.readBool()
    else if (id === 6 && type === ThriftType.I64) tag.vLong = readI64(protocol)
    else if (id === 7 && type === ThriftType.STRING) tag.vBinary = protocol.readBinary()
    else return false
    return true
  })
  return { ...tag, key: required(key, `${path}.key`), vType: required(vType, `${path}.vType`) }
}

function readSpan(protocol: TProtocol, path: string): JaegerThriftSpan {
  const span: Partial<JaegerThriftSpan> = { references: [], tags: [], logs: [] }
  readStruct(protocol, (id, type) => {
    if (type === ThriftType.I64 && id >= 1 && id <= 9) {
      const value = readI64(protocol)
      if (id === 1) span.traceIdLow = value
      else if (id === 2) span.traceIdHigh = value
      else if (id === 3) span.spanId = value
      else if (id === 4) span.parentSpanId = value
      else if (id === 8) span.startTime = value
      else if (id === 9) span.duration = value
      // ids 5-7 are not i64 in this struct: a sender bug; the value is dropped like an unknown field.
    } else if (id === 5 && type === ThriftType.STRING) span.operationName = protocol.readString()
    else if (id === 6 && type === ThriftType.LIST) span.references = readList(protocol, ThriftType.STRUCT, `${path}.references`, (here) => readSpanRef(protocol, here))
    else if (id === 7 && type === ThriftType.I32) span.flags = protocol.readI32()
    else if (id === 10 && type === ThriftType.LIST) span.tags = readTags(protocol, `${path}.tags`)
    else if (id === 11 && type === ThriftType.LIST) span.logs = readList(protocol, ThriftType.STRUCT, `${path}.logs`, (here) => readLog(protocol, here))
    else return false
    return true
  })
  return {
    traceIdLow: required(span.traceIdLow, `${path}.traceIdLow`),
    traceIdHigh: required(span.traceIdHigh, `${path}.traceIdHigh`),
    spanId: required(span.spanId, `${path}.spanId`),
    parentSpanId: required(span.parentSpanId, `${path}.parentSpanId`),
    operationName: required(span.operationName, `${path}.operationName`),
    references: span.references!,
    flags: required(span.flags, `${path}.flags`),
    startTime: required(span.startTime, `${path}.startTime`),
    duration: required(span.duration, `${path}.duration`),
    tags: span.tags!,
    logs: span.logs!,
  }
}

function readSpanRef(protocol: TProtocol, path: string): JaegerThriftSpanRef {
  const ref: Partial<JaegerThriftSpanRef> = {}
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.I32) ref.refType = protocol.readI32()
    else if (id === 2 && type === ThriftType.I64) ref.traceIdLow = readI64(protocol)
    else if (id === 3 && type === ThriftType.I64) ref.traceIdHigh = readI64(protocol)
    else if (id === 4 && type === ThriftType.I64) ref.spanId = readI64(protocol)
    else return false
    return true
  })
  return {
    refType: required(ref.refType, `${path}.refType`),
    traceIdLow: required(ref.traceIdLow, `${path}.traceIdLow`),
    traceIdHigh: required(ref.traceIdHigh, `${path}.traceIdHigh`),
    spanId: required(ref.spanId, `${path}.spanId`),
  }
}

function readLog(protocol: TProtocol, path: string): JaegerThriftLog {
  let timestamp: bigint | undefined
  let fields: JaegerThriftTag[] | undefined
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.I64) timestamp = readI64(protocol)
    else if (id === 2 && type === ThriftType.LIST) fields = readTags(protocol, `${path}.fields`)
    else return false
    return true
  })
  return { timestamp: required(timestamp, `${path}.timestamp`), fields: required(fields, `${path}.fields`) }
}
