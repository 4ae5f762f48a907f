import { InvalidInputError } from '../../errors.js'
import {
  type JsonObject,
  optionalObjectList,
  requiredInteger,
  asObject,
  describe,
  invalid,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
} from '../json-fields.js'
import { decodeEndpoint, parseZipkinJsonList } from './zipkin-json.js'
import type { ZipkinV1Annotation, ZipkinV1BinaryAnnotation, ZipkinV1Span, ZipkinV1Value } from './zipkin-v1-span.js'

/** Decodes a Zipkin JSON v1 list of spans, validating every field on the way. */
export function decodeZipkinV1Json(body: Buffer): ZipkinV1Span[] {
  return parseZipkinJsonList(body, 'JSON_V1', 'send it with Content-Type: application/x-thrift').map((item, i) => decodeSpan(item, `span[${i}]`))
}

function decodeSpan(item: unknown, path: string): ZipkinV1Span {
  const json = asObject(item, path)
  if ('localEndpoint' in json || 'remoteEndpoint' in json || 'kind' in json || 'tags' in json) {
    throw new InvalidInputError(`Expected a JSON_V1 encoded list, but received: JSON_V2 (${path}); post Zipkin v2 spans to /api/v2/spans`)
  }
  let traceId = requiredString(json, 'traceId', path)
  const traceIdHigh = optionalString(json, 'traceIdHigh', path)
  if (traceIdHigh !== undefined) {
    if (traceId.length > 16) throw invalid(`${path}.traceIdHigh`, 'no traceIdHigh beside a 128-bit traceId', traceIdHigh)
    traceId = traceIdHigh.padStart(16, '0') + traceId.padStart(16, '0')
  }
  const span: ZipkinV1Span = {
    traceId,
    id: requiredString(json, 'id', path),
    name: optionalString(json, 'name', path) ?? '',
    debug: optionalBoolean(json, 'debug', path) ?? false,
    annotations: decodeAnnotations(json.annotations, `${path}.annotations`),
    binaryAnnotations: decodeBinaryAnnotations(json.binaryAnnotations, `${path}.binaryAnnotations`),
  }
  const parentId = optionalString(json, 'parentId', path)
  if (parentId !== undefined) span.parentId = parentId
  // Zipkin v1 writers send 0 for "not known"; treat it as absent.
  const timestamp = optionalInteger(json, 'timestamp', path)
  if (timestamp) span.timestamp = timestamp
  const duration = optionalInteger(json, 'duration', path)
  if (duration) span.duration = duration
  return span
}

function decodeAnnotations(value: unknown, path: string): ZipkinV1Annotation[] {
  return optionalObjectList(value, path, (json, here) => {
    const annotation: ZipkinV1Annotation = { timestamp: requiredInteger(json, 'timestamp', here), value: requiredString(json, 'value', here) }
    if (json.endpoint != null) annotation.endpoint = decodeEndpoint(json.endpoint, `${here}.endpoint`)
    return annotation
  })
}

function decodeBinaryAnnotations(value: unknown, path: string): ZipkinV1BinaryAnnotation[] {
  return optionalObjectList(value, path, (json, here) => {
    const annotation: ZipkinV1BinaryAnnotation = { key: requiredString(json, 'key', here), ...decodeValue(json, here) }
    if (json.endpoint != null) annotation.endpoint = decodeEndpoint(json.endpoint, `${here}.endpoint`)
    return annotation
  })
}

const INTEGER = /^-?\d+$/

/**
 * A typed value: `type` when given (Zipkin's AnnotationType names), else inferred from the
 * JSON value as Zipkin does (string, or true/false for an address annotation).
 */
function decodeValue(json: JsonObject, path: string): ZipkinV1Value {
  const value = json.value
  const key = json.key
  // Some writers (py_zipkin) send address annotations as "1" rather than true.
  if (json.type === undefined && (key === 'ca' || key === 'sa' || key === 'ma') && (value === '1' || value === 'true' || value === 1)) {
    return { type: 'BOOL', value: true }
  }
  const type = optionalString(json, 'type', path) ?? (typeof value === 'boolean' ? 'BOOL' : 'STRING')
  const where = `${path}.value`
  switch (type) {
    case 'STRING':
      if (typeof value !== 'string') throw invalid(where, 'a string', value)
      return { type, value }
    case 'BOOL':
      if (typeof value !== 'boolean') throw invalid(where, 'true or false', value)
      return { type, value }
    case 'I16':
    case 'I32':
    case 'I64': {
      // Quoted integers keep 64-bit values exact; bare numbers must be safe integers to be exact.
      const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined
      if (text === undefined || !INTEGER.test(text)) throw invalid(where, `an integer for type ${type}`, value)
      const integer = BigInt(text)
      const bits = type === 'I16' ? 16 : type === 'I32' ? 32 : 64
      if (BigInt.asIntN(bits, integer) !== integer) throw invalid(where, `a ${bits}-bit integer`, value)
      return { type, value: integer }
    }
    case 'DOUBLE': {
      const number = typeof value === 'string' ? Number(value) : value
      if (typeof number !== 'number' || Number.isNaN(number)) throw invalid(where, 'a number for type DOUBLE', value)
      return { type, value: number }
    }
    case 'BYTES':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw invalid(where, 'base64 for type BYTES', value)
      return { type, value: new Uint8Array(Buffer.from(value, 'base64')) }
    default:
      throw new InvalidInputError(`${path}.type: expected BOOL, BYTES, I16, I32, I64, DOUBLE or STRING, got ${describe(type)}`)
  }
}
