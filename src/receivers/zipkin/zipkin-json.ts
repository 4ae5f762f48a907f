/** What Zipkin's JSON v1 and v2 bodies share: the list around the spans, and endpoints. */
import { InvalidInputError } from '../../errors.js'
import { asObject, invalid, optionalInteger, optionalString, parseJson } from '../json-fields.js'
import type { ZipkinEndpoint } from './zipkin-v2-span.js'

/** The first byte of a Thrift list of structs (its element type), which no JSON text starts with. */
export const THRIFT_LIST_OF_STRUCTS = 12

/**
 * The items of a Zipkin JSON list body ([] when empty), or the error Zipkin gives for a
 * Thrift body or a single value sent instead; `thriftAdvice` says where Thrift should go.
 */
export function parseZipkinJsonList(body: Buffer, encoding: 'JSON_V1' | 'JSON_V2', thriftAdvice: string): unknown[] {
  if (body.length === 0) return []
  if (body[0] === THRIFT_LIST_OF_STRUCTS) throw new InvalidInputError(`Expected a ${encoding} encoded list, but received: THRIFT; ${thriftAdvice}`)
  const list = parseJson(body, `a JSON list of Zipkin ${encoding === 'JSON_V1' ? 'v1' : 'v2'} spans`)
  if (!Array.isArray(list)) throw new InvalidInputError(`Expected a ${encoding} encoded list, but received a single JSON value; wrap the spans in [ ]`)
  return list
}

export function decodeEndpoint(value: unknown, path: string): ZipkinEndpoint {
  const json = asObject(value, path)
  const endpoint: ZipkinEndpoint = {}
  const serviceName = optionalString(json, 'serviceName', path)
  if (serviceName !== undefined) endpoint.serviceName = serviceName
  const ipv4 = optionalString(json, 'ipv4', path)
  if (ipv4 !== undefined) endpoint.ipv4 = ipv4
  const ipv6 = optionalString(json, 'ipv6', path)
  if (ipv6 !== undefined) endpoint.ipv6 = ipv6
  const port = optionalInteger(json, 'port', path)
  if (port !== undefined) {
    if (port > 65535) throw invalid(`${path}.port`, 'a port number up to 65535', port)
    if (port !== 0) endpoint.port = port
  }
  return endpoint
}
