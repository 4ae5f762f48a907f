/** Spans as a Zipkin proto3 `ListOfSpans` body, encoded with protobufjs from proto/zipkin.proto. */
import { fileURLToPath } from 'node:url'
import protobuf from 'protobufjs'
import type { ZipkinV2JsonSpan } from './traffic.js'

const KINDS = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } as const

let listOfSpans: protobuf.Type | undefined

export function zipkinProtoBody(spans: ZipkinV2JsonSpan[]): Buffer {
  listOfSpans ??= protobuf.loadSync(fileURLToPath(new URL('../proto/zipkin.proto', import.meta.url))).lookupType('zipkin.proto3.ListOfSpans')
  const message = listOfSpans.fromObject({
    spans: spans.map((span) => ({
      traceId: Buffer.from(span.traceId, 'hex'),
      parentId: span.parentId ? Buffer.from(span.parentId, 'hex') : undefined,
      id: Buffer.from(span.id, 'hex'),
      kind: span.kind ? KINDS[span.kind] : 0,
      name: span.name,
      timestamp: String(span.timestamp),
      duration: String(span.duration),
      localEndpoint: {
        serviceName: span.localEndpoint.serviceName,
        ipv4: Buffer.from(span.localEndpoint.ipv4.split('.').map(Number)),
        port: span.localEndpoint.port,
      },
      remoteEndpoint: span.remoteEndpoint ? { serviceName: span.remoteEndpoint.serviceName } : undefined,
      annotations: (span.annotations ?? []).map((a) => ({ timestamp: String(a.timestamp), value: a.value })),
      tags: span.tags,
    })),
  })
  return Buffer.from(listOfSpans.encode(message).finish())
}
