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

/** Given each span of a Batch with the batch's process; `i` is the span's place in the batch. */
export type BatchSpanTaker = (span: JaegerThriftSpan, process: JaegerThriftProcess, i: number) => void

/**
 * Reads one Batch, giving `take` each span as soon as it and the process are read, so that it
 * can be converted before the next is read. Spans sent before the process (Thrift allows any
 * field order) wait for it.
 */
export function forEachJaegerThriftSpan(body: Buffer, encoding: ThriftEncoding, take: BatchSpanTaker): void {
  readThriftBody(body, encoding, `a Thrift ${encoding} Batch`, (protocol) => readBatch(protocol, take))
}

/** Reads a list, giving `read` each element's path and place. */
function forEachInList(protocol: TProtocol, elementType: number, path: string, read: (path: string, i: number) => void): void {
  const { etype, size } = protocol.readListBegin()
  if (etype !== elementType && size > 0) throw new InvalidInputError(`${path}: expected a list of ${thriftTypeName(elementType)}, got a list of ${thriftTypeName(etype)}`)
  for (let i = 0; i < size; i++) read(`${path}[${i}]`, i)
  protocol.readListEnd()
}

function readList<T>(protocol: TProtocol, elementType: number, path: string, read: (path: string) => T): T[] {
  const items: T[] = []
  forEachInList(protocol, elementType, path, (here) => items.push(read(here)))
  return items
}

function readI64(protocol: TProtocol): bigint {
  const value = protocol.readI64()
  return value.buffer.readBigInt64BE(value.offset)
}

/**
 * The struct, once its required fields are there; the message names a missing one. (Fields
 * are set on one object rather than gathered in variables: that decodes several times faster.)
 */
function requireFields<S, K extends keyof S>(struct: Partial<S>, path: string, ...fields: K[]): Partial<S> & Pick<S, K> {
  for (const field of fields) {
    if (struct[field] === undefined) throw new InvalidInputError(`${path}.${String(field)} is missing (a required field)`)
  }
  return struct as Partial<S> & Pick<S, K>
}

function readBatch(protocol: TProtocol, take: BatchSpanTaker): void {
  let process: JaegerThriftProcess | undefined
  let spansRead = false
  const early: JaegerThriftSpan[] = []
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.STRUCT) {
      const read = readProcess(protocol, 'batch.process')
      early.forEach((span, i) => take(span, read, i))
      early.length = 0
      process = read
    } else if (id === 2 && type === ThriftType.LIST) {
      forEachInList(protocol, ThriftType.STRUCT, 'batch.spans', (path, i) => {
        const span = readSpan(protocol, path)
        if (process) take(span, process, i)
        else early.push(span)
      })
      spansRead = true
    } else return false
    return true
  })
  if (!process) throw new InvalidInputError('batch.process is missing (a required field)')
  if (!spansRead) throw new InvalidInputError('batch.spans is missing (a required field)')
}

function readProcess(protocol: TProtocol, path: string): JaegerThriftProcess {
  const process: Partial<JaegerThriftProcess> = { tags: [] }
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.STRING) process.serviceName = protocol.readString()
    else if (id === 2 && type === ThriftType.LIST) process.tags = readTags(protocol, `${path}.tags`)
    else return false
    return true
  })
  return requireFields(process, path, 'serviceName', 'tags')
}

function readTags(protocol: TProtocol, path: string): JaegerThriftTag[] {
  return readList(protocol, ThriftType.STRUCT, path, (here) => readTag(protocol, here))
}

function readTag(protocol: TProtocol, path: string): JaegerThriftTag {
  const tag: Partial<JaegerThriftTag> = {}
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.STRING) tag.key = protocol.readString()
    else if (id === 2 && type === ThriftType.I32) tag.vType = protocol.readI32()
    else if (id === 3 && type === ThriftType.STRING) tag.vStr = protocol.readString()
    else if (id === 4 && type === ThriftType.DOUBLE) tag.vDouble = protocol.readDouble()
    else if (id === 5 && type === ThriftType.BOOL) tag.vBool = protocol.readBool()
    else if (id === 6 && type === ThriftType.I64) tag.vLong = readI64(protocol)
    else if (id === 7 && type === ThriftType.STRING) tag.vBinary = protocol.readBinary()
    else return false
    return true
  })
  return requireFields(tag, path, 'key', 'vType')
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
  const required = ['traceIdLow', 'traceIdHigh', 'spanId', 'parentSpanId', 'operationName', 'flags', 'startTime', 'duration'] as const
  return requireFields(span, path, ...required, 'references', 'tags', 'logs')
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
  return requireFields(ref, path, 'refType', 'traceIdLow', 'traceIdHigh', 'spanId')
}

function readLog(protocol: TProtocol, path: string): JaegerThriftLog {
  const log: Partial<JaegerThriftLog> = {}
  readStruct(protocol, (id, type) => {
    if (id === 1 && type === ThriftType.I64) log.timestamp = readI64(protocol)
    else if (id === 2 && type === ThriftType.LIST) log.fields = readTags(protocol, `${path}.fields`)
    else return false
    return true
  })
  return requireFields(log, path, 'timestamp', 'fields')
}
