/**
 * Decodes Zipkin v1 Thrift (thrift/zipkinCore.thrift): a TBinaryProtocol list header, then that
 * many Span structs. Reading goes through the `thrift` package's protocol classes; the struct
 * walk is written out here so every field is checked as it is read.
 */
import type { TProtocol } from 'thrift'
import { InvalidInputError } from '../../errors.js'
import { readStruct, readThriftBody, ThriftType as T } from '../thrift-reading.js'
import { ipv6Text } from './ipv6-text.js'
import type { ZipkinV1Annotation, ZipkinV1BinaryAnnotation, ZipkinV1Span, ZipkinV1Value, ZipkinEndpoint } from './zipkin-v1-span.js'

type Protocol = TProtocol

/** AnnotationType by its enum number. */
const VALUE_TYPES = ['BOOL', 'BYTES', 'I16', 'I32', 'I64', 'DOUBLE', 'STRING'] as const

/** Gives `take` each span as soon as it is read, so that it can be converted before the next is read. */
export function forEachZipkinV1ThriftSpan(body: Buffer, take: (span: ZipkinV1Span, i: number) => void): void {
  if (body.length === 0) return
  readThriftBody(body, 'binary', 'a Zipkin v1 Thrift list of spans', (protocol) => {
    const { etype, size } = protocol.readListBegin()
    if (etype !== T.STRUCT) throw new InvalidInputError(`the Thrift body must start with a list of Span structs (element type 12), got element type ${etype}`)
    checkSize(size, body.length, 'span list')
    for (let i = 0; i < size; i++) take(readSpan(protocol, `span[${i}]`, body.length), i)
  })
}

/**
 * A list cannot have more elements than the body has bytes (each takes at least one), so a
 * forged count is refused before anything is allocated for it.
 */
function checkSize(size: number, bodyBytes: number, what: string): void {
  if (size < 0 || size > bodyBytes) throw new InvalidInputError(`the ${what} claims ${size} elements in a body of ${bodyBytes} bytes`)
}

function i64Hex(protocol: Protocol): string {
  return protocol.readI64().toOctetString()
}

/** Span field types by field id (thrift/zipkinCore.thrift). */
const SPAN_FIELD_TYPES: Record<number, number> = {
  1: T.I64,
  3: T.STRING,
  4: T.I64,
  5: T.I64,
  6: T.LIST,
  8: T.LIST,
  9: T.BOOL,
  10: T.I64,
  11: T.I64,
  12: T.I64,
}

function readSpan(protocol: Protocol, path: string, bodyBytes: number): ZipkinV1Span {
  let traceIdLow: string | undefined
  let traceIdHigh: string | undefined
  let id: string | undefined
  const span: Omit<ZipkinV1Span, 'traceId' | 'id'> = { name: '', debug: false, annotations: [], binaryAnnotations: [] }
  readStruct(protocol, (fid, type) => {
    // A field whose id is known but whose type is not the schema's is skipped like an unknown one.
    if (type !== SPAN_FIELD_TYPES[fid]) return false
    switch (fid) {
      case 1:
        traceIdLow = i64Hex(protocol)
        break
      case 3:
        span.name = protocol.readString()
        break
      case 4:
        id = i64Hex(protocol)
        break
      case 5:
        span.parentId = i64Hex(protocol)
        break
      case 6:
        span.annotations = readList(protocol, `${path}.annotations`, bodyBytes, (list, i) => readAnnotation(protocol, list, i))
        break
      case 8:
        span.binaryAnnotations = readList(protocol, `${path}.binary_annotations`, bodyBytes, (list, i) => readBinaryAnnotation(protocol, list, i))
        break
      case 9:
        span.debug = protocol.readBool()
        break
      case 10:
        span.timestamp = microseconds(protocol, () => `${path}.timestamp`)
        break
      case 11:
        span.duration = microseconds(protocol, () => `${path}.duration`)
        break
      case 12:
        traceIdHigh = i64Hex(protocol)
        break
    }
    return true
  })
  if (traceIdLow === undefined) throw new InvalidInputError(`${path}.trace_id is missing`)
  if (id === undefined) throw new InvalidInputError(`${path}.id is missing`)
  // Zipkin v1 writers send 0 for "not known"; treat it as absent.
  if (span.timestamp === 0) delete span.timestamp
  if (span.duration === 0) delete span.duration
  const traceId = traceIdHigh !== undefined && traceIdHigh !== '0000000000000000' ? traceIdHigh + traceIdLow : traceIdLow
  return { traceId, id, ...span }
}

/** `element` gets the list's path and its index, to name the element only in an error. */
function readList<T>(protocol: Protocol, path: string, bodyBytes: number, element: (path: string, i: number) => T): T[] {
  const { etype, size } = protocol.readListBegin()
  if (etype !== T.STRUCT) throw new InvalidInputError(`${path}: expected a list of structs, got element type ${etype}`)
  checkSize(size, bodyBytes, path)
  const items: T[] = []
  for (let i = 0; i < size; i++) items.push(element(path, i))
  protocol.readListEnd()
  return items
}

function microseconds(protocol: Protocol, path: () => string): number {
  const value = protocol.readI64()
  const number = value.toNumber(false)
  if (!Number.isSafeInteger(number) || number < 0) throw new InvalidInputError(`${path()}: expected non-negative microseconds, got ${value.toOctetString()} (hex)`)
  return number
}

function readAnnotation(protocol: Protocol, list: string, i: number): ZipkinV1Annotation {
  let timestamp: number | undefined
  let value: string | undefined
  let endpoint: ZipkinEndpoint | undefined
  readStruct(protocol, (fid, type) => {
    if (fid === 1 && type === T.I64) timestamp = microseconds(protocol, () => `${list}[${i}].timestamp`)
    else if (fid === 2 && type === T.STRING) value = protocol.readString()
    else if (fid === 3 && type === T.STRUCT) endpoint = readEndpoint(protocol)
    else return false
    return true
  })
  if (timestamp === undefined) throw new InvalidInputError(`${list}[${i}].timestamp is missing`)
  if (value === undefined) throw new InvalidInputError(`${list}[${i}].value is missing`)
  return endpoint ? { timestamp, value, endpoint } : { timestamp, value }
}

function readBinaryAnnotation(protocol: Protocol, list: string, i: number): ZipkinV1BinaryAnnotation {
  let key: string | undefined
  let bytes: Buffer | undefined
  let type = 6 // STRING when absent, as Zipkin reads it
  let endpoint: ZipkinEndpoint | undefined
  readStruct(protocol, (fid, ftype) => {
    if (fid === 1 && ftype === T.STRING) key = protocol.readString()
    else if (fid === 2 && ftype === T.STRING) bytes = protocol.readBinary()
    else if (fid === 3 && ftype === T.I32) type = protocol.readI32()
    else if (fid === 4 && ftype === T.STRUCT) endpoint = readEndpoint(protocol)
    else return false
    return true
  })
  if (key === undefined) throw new InvalidInputError(`${list}[${i}].key is missing`)
  const value = typedValue(type, bytes ?? Buffer.alloc(0), () => `${list}[${i}].value`)
  return endpoint ? { key, ...value, endpoint } : { key, ...value }
}

/** Reads a binary annotation's bytes as its declared type; numbers are big-endian. */
function typedValue(typeNumber: number, bytes: Buffer, path: () => string): ZipkinV1Value {
  const type = VALUE_TYPES[typeNumber]
  const need = (length: number) => {
    if (bytes.length !== length) throw new InvalidInputError(`${path()}: a ${type} value takes ${length} bytes, got ${bytes.length}`)
  }
  switch (type) {
    case 'BOOL':
      need(1)
      return { type, value: bytes[0] !== 0 }
    case 'BYTES':
      return { type, value: new Uint8Array(bytes) }
    case 'I16':
      need(2)
      return { type, value: BigInt(bytes.readInt16BE(0)) }
    case 'I32':
      need(4)
      return { type, value: BigInt(bytes.readInt32BE(0)) }
    case 'I64':
      need(8)
      return { type, value: bytes.readBigInt64BE(0) }
    case 'DOUBLE':
      need(8)
      return { type, value: bytes.readDoubleBE(0) }
    case 'STRING':
      return { type, value: bytes.toString('utf8') }
    default:
      throw new InvalidInputError(`${path()}: annotation_type ${typeNumber} is not one of 0 (BOOL) to 6 (STRING)`)
  }
}

function readEndpoint(protocol: Protocol): ZipkinEndpoint {
  const endpoint: ZipkinEndpoint = {}
  readStruct(protocol, (fid, type) => {
    if (fid === 1 && type === T.I32) {
      const packed = protocol.readI32() >>> 0
      if (packed !== 0) endpoint.ipv4 = `${packed >>> 24}.${(packed >>> 16) & 0xff}.${(packed >>> 8) & 0xff}.${packed & 0xff}`
    } else if (fid === 2 && type === T.I16) {
      // Thrift has no unsigned types: ports above 32767 arrive negative.
      const port = protocol.readI16() & 0xffff
      if (port !== 0) endpoint.port = port
    } else if (fid === 3 && type === T.STRING) {
      const name = protocol.readString()
      if (name !== '') endpoint.serviceName = name
    } else if (fid === 4 && type === T.STRING) {
      const ipv6 = ipv6Text(protocol.readBinary())
      if (ipv6 !== undefined) endpoint.ipv6 = ipv6
    } else return false
    return true
  })
  return endpoint
}
