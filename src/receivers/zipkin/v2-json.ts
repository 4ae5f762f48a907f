import { InvalidInputError } from '../../errors.js'
import {
  type JsonObject,
  optionalObjectList,
  requiredInteger,
  asObject,
  invalid,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
} from '../json-fields.js'
import { decodeEndpoint, parseZipkinJsonList } from './zipkin-json.js'
import type { ZipkinAnnotation, ZipkinKind, ZipkinV2Span } from './zipkin-v2-span.js'

const KINDS = new Set<string>(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'])

/** Decodes a Zipkin JSON v2 list of spans, validating every field on the way. */
export function decodeZipkinV2Json(body: Buffer): ZipkinV2Span[] {
  const thriftAdvice = 'post Zipkin v1 Thrift to /api/v1/spans with Content-Type: application/x-thrift'
  return parseZipkinJsonList(body, 'JSON_V2', thriftAdvice).map((item, i) => decodeSpan(item, `span[${i}]`))
}

function decodeSpan(item: unknown, path: string): ZipkinV2Span {
  const json = asObject(item, path)
  if ('binaryAnnotations' in json || hasV1Annotations(json)) {
    throw new InvalidInputError(`Expected a JSON_V2 encoded list, but received: JSON_V1 (${path}); post Zipkin v1 spans to /api/v1/spans`)
  }
  const span: ZipkinV2Span = {
    traceId: requiredString(json, 'traceId', path),
    id: requiredString(json, 'id', path),
    annotations: decodeAnnotations(json.annotations, `${path}.annotations`),
    tags: decodeTags(json.tags, `${path}.tags`),
  }
  const parentId = optionalString(json, 'parentId', path)
  if (parentId !== undefined) span.parentId = parentId
  const kind = optionalString(json, 'kind', path)
  if (kind !== undefined) {
    if (!KINDS.has(kind)) throw invalid(`${path}.kind`, 'CLIENT, SERVER, PRODUCER or CONSUMER', kind)
    span.kind = kind as ZipkinKind
  }
  const name = optionalString(json, 'name', path)
  if (name !== undefined) span.name = name
  const timestamp = optionalInteger(json, 'timestamp', path)
  if (timestamp !== undefined) span.timestamp = timestamp
  const duration = optionalInteger(json, 'duration', path)
  if (duration !== undefined) span.duration = duration
  const debug = optionalBoolean(json, 'debug', path)
  if (debug !== undefined) span.debug = debug
  const shared = optionalBoolean(json, 'shared', path)
  if (shared !== undefined) span.shared = shared
  if (json.localEndpoint != null) span.localEndpoint = decodeEndpoint(json.localEndpoint, `${path}.localEndpoint`)
  if (json.remoteEndpoint != null) span.remoteEndpoint = decodeEndpoint(json.remoteEndpoint, `${path}.remoteEndpoint`)
  return span
}

function hasV1Annotations(json: JsonObject): boolean {
  return Array.isArray(json.annotations) && json.annotations.some((a) => typeof a === 'object' && a !== null && 'endpoint' in a)
}

function decodeAnnotations(value: unknown, path: string): ZipkinAnnotation[] {
  return optionalObjectList(value, path, (json, here) => ({ timestamp: requiredInteger(json, 'timestamp', here), value: requiredString(json, 'value', here) }))
}

/** Tag values are strings; numbers and booleans are taken in their JSON spelling. */
function decodeTags(value: unknown, path: string): Record<string, string> {
  if (value === undefined || value === null) return {}
  const json = asObject(value, path)
  const tags: Record<string, string> = {}
  for (const [key, tag] of Object.entries(json)) {
    if (typeof tag === 'string') tags[key] = tag
    else if (typeof tag === 'number' || typeof tag === 'boolean') tags[key] = String(tag)
    else throw invalid(`${path}.${key}`, 'a string', tag)
  }
  return tags
}
