/** Decodes Zipkin proto3 `ListOfSpans` (proto/zipkin.proto) into Zipkin v2 spans. */
import { PROTO_DIR } from '../../project-files.js'
import protobuf from 'protobufjs'
import { InvalidInputError } from '../../errors.js'
import { hexOf } from '../../model/ids.js'
import { forEachFieldBytes } from '../proto-fields.js'
import { ipv6Text } from './ipv6-text.js'
import type { ZipkinEndpoint, ZipkinKind, ZipkinV2Span } from './zipkin-v2-span.js'

/**
 * A Span as protobufjs decodes it, not copied into a plain object: a field not on the wire reads
 * as its default (empty bytes, '', 0, null for a message), a 64-bit integer as a Long.
 */
interface ProtoSpan {
  traceId: Uint8Array
  parentId: Uint8Array
  id: Uint8Array
  kind: number
  name: string
  timestamp: ProtoUint64
  duration: ProtoUint64
  localEndpoint: ProtoEndpoint | null
  remoteEndpoint: ProtoEndpoint | null
  annotations: { timestamp: ProtoUint64; value: string }[]
  tags: Record<string, string>
  debug: boolean
  shared: boolean
}

interface ProtoEndpoint {
  serviceName: string
  ipv4: Uint8Array
  ipv6: Uint8Array
  port: number
}

/** A Long (its low and high 32 bits), or a number where protobufjs gives one. */
type ProtoUint64 = number | { low: number; high: number }

const KINDS: (ZipkinKind | undefined)[] = [undefined, 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']

let spanType: protobuf.Type | undefined

/** Loaded on first use, not at import. */
function zipkinSpanType(): protobuf.Type {
  spanType ??= protobuf.loadSync(`${PROTO_DIR}zipkin.proto`).lookupType('zipkin.proto3.Span')
  return spanType
}

const INVALID = 'the body is not a Zipkin proto3 ListOfSpans'

/**
 * Gives `take` each span of a ListOfSpans (its field 1) as soon as it is decoded, so that it
 * can be converted before the next is decoded.
 */
export function forEachZipkinV2ProtoSpan(body: Buffer, take: (span: ZipkinV2Span, i: number) => void): void {
  const type = zipkinSpanType()
  forEachFieldBytes(body, 1, INVALID, (bytes, i) => {
    let proto: ProtoSpan
    try {
      proto = type.decode(bytes) as unknown as ProtoSpan
    } catch (error) {
      throw new InvalidInputError(`${INVALID} (${(error as Error).message})`)
    }
    take(convertSpan(proto, `span[${i}]`), i)
  })
}

function hexId(bytes: Uint8Array, lengths: number[], path: string): string | undefined {
  if (bytes.length === 0) return undefined
  if (!lengths.includes(bytes.length)) throw new InvalidInputError(`${path}: expected ${lengths.join(' or ')} bytes, got ${bytes.length}`)
  return hexOf(bytes)
}

/** Microseconds, undefined for 0 (proto3's default: not set). */
function microseconds(value: ProtoUint64, path: string): number | undefined {
  if (typeof value === 'number') return value === 0 ? undefined : value
  const high = value.high >>> 0
  // Above 2^53 - 1 a JS number would round it.
  if (high > 0x1f_ffff) throw new InvalidInputError(`${path}: ${BigInt(high) * 0x1_0000_0000n + BigInt(value.low >>> 0)} microseconds is out of range`)
  const us = high * 0x1_0000_0000 + (value.low >>> 0)
  return us === 0 ? undefined : us
}

function convertSpan(proto: ProtoSpan, path: string): ZipkinV2Span {
  const traceId = hexId(proto.traceId, [8, 16], `${path}.trace_id`)
  if (traceId === undefined) throw new InvalidInputError(`${path}.trace_id is missing`)
  const id = hexId(proto.id, [8], `${path}.id`)
  if (id === undefined) throw new InvalidInputError(`${path}.id is missing`)
  const span: ZipkinV2Span = {
    traceId,
    id,
    annotations: proto.annotations.map((a, j) => ({
      timestamp: microseconds(a.timestamp, `${path}.annotations[${j}].timestamp`) ?? 0,
      value: a.value,
    })),
    tags: { ...proto.tags },
  }
  const parentId = hexId(proto.parentId, [8], `${path}.parent_id`)
  if (parentId !== undefined) span.parentId = parentId
  if (proto.kind !== 0) {
    const kind = KINDS[proto.kind]
    if (!kind) throw new InvalidInputError(`${path}.kind: expected 0 to 4, got ${proto.kind}`)
    span.kind = kind
  }
  if (proto.name) span.name = proto.name
  const timestamp = microseconds(proto.timestamp, `${path}.timestamp`)
  if (timestamp !== undefined) span.timestamp = timestamp
  const duration = microseconds(proto.duration, `${path}.duration`)
  if (duration !== undefined) span.duration = duration
  if (proto.debug) span.debug = true
  if (proto.shared) span.shared = true
  if (proto.localEndpoint) span.localEndpoint = convertEndpoint(proto.localEndpoint, `${path}.local_endpoint`)
  if (proto.remoteEndpoint) span.remoteEndpoint = convertEndpoint(proto.remoteEndpoint, `${path}.remote_endpoint`)
  return span
}

function convertEndpoint(proto: ProtoEndpoint, path: string): ZipkinEndpoint {
  const endpoint: ZipkinEndpoint = {}
  if (proto.serviceName) endpoint.serviceName = proto.serviceName
  if (proto.ipv4.length > 0) {
    if (proto.ipv4.length !== 4) throw new InvalidInputError(`${path}.ipv4: expected 4 bytes, got ${proto.ipv4.length}`)
    endpoint.ipv4 = [...proto.ipv4].join('.')
  }
  if (proto.ipv6.length > 0) {
    const text = ipv6Text(proto.ipv6)
    if (text === undefined) throw new InvalidInputError(`${path}.ipv6: expected 16 bytes, got ${proto.ipv6.length}`)
    endpoint.ipv6 = text
  }
  if (proto.port) {
    if (proto.port < 0 || proto.port > 65535) throw new InvalidInputError(`${path}.port: expected 1 to 65535, got ${proto.port}`)
    endpoint.port = proto.port
  }
  return endpoint
}
