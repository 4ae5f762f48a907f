/** Zipkin JSON v2 spans as proto3 ListOfSpans bodies, encoded by protobufjs from proto/zipkin.proto. */
import protobuf from 'protobufjs'
import type { ZipkinJsonSpan } from './zipkin-query.js'

export const ListOfSpans = protobuf.loadSync(new URL('../../proto/zipkin.proto', import.meta.url).pathname).lookupType('zipkin.proto3.ListOfSpans')
const KIND = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } as const

function ipv6Bytes(text: string): Buffer {
  const [head, tail = ''] = text.split('::') as [string, string?]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = text.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return Buffer.from(groups.flatMap((g) => [(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff]))
}

function protoEndpoint(endpoint: Record<string, unknown> | undefined) {
  if (!endpoint) return undefined
  return {
    serviceName: endpoint.serviceName,
    ipv4: endpoint.ipv4 ? Buffer.from((endpoint.ipv4 as string).split('.').map(Number)) : undefined,
    ipv6: endpoint.ipv6 ? ipv6Bytes(endpoint.ipv6 as string) : undefined,
    port: endpoint.port,
  }
}

/** The JSON v2 spans as a proto3 ListOfSpans body. */
export function toProto(spans: ZipkinJsonSpan[]): Uint8Array {
  const message = ListOfSpans.fromObject({
    spans: spans.map((span) => ({
      traceId: Buffer.from(span.traceId, 'hex'),
      parentId: span.parentId ? Buffer.from(span.parentId, 'hex') : undefined,
      id: Buffer.from(span.id, 'hex'),
      kind: span.kind ? KIND[span.kind as keyof typeof KIND] : 0,
      name: span.name,
      timestamp: span.timestamp === undefined ? undefined : String(span.timestamp),
      duration: span.duration === undefined ? undefined : String(span.duration),
      localEndpoint: protoEndpoint(span.localEndpoint),
      remoteEndpoint: protoEndpoint(span.remoteEndpoint),
      annotations: (span.annotations ?? []).map((a) => ({ timestamp: String(a.timestamp), value: a.value })),
      tags: span.tags,
      debug: span.debug,
      shared: span.shared,
    })),
  })
  return ListOfSpans.encode(message).finish()
}
