/** Wire encodings the benchmark can send, from the same generated spans, and where each goes. */
import { jaegerProtoRequest } from './jaeger-proto-request.js'
import { jaegerBatch } from './jaeger-span.js'
import { jaegerThriftBody } from './jaeger-thrift-body.js'
import { toProto } from '../test/helpers/zipkin-proto3.js'
import type { ZipkinV2JsonSpan } from './traffic.js'
import { zipkinThriftBody } from './zipkin-thrift-body.js'

export type Format = 'zipkin-v2-json' | 'zipkin-v2-proto3' | 'zipkin-v1-thrift' | 'jaeger-grpc' | 'jaeger-thrift-http'

export interface FormatTarget {
  format: Format
  /** The server listener (a key of the 'spanlite started' urls). */
  listener: 'zipkin' | 'jaegerHttp' | 'jaegerGrpc'
  /** An HTTP path to POST to, or the gRPC method. */
  transport: { http: string } | { grpc: 'PostSpans' }
  /** A Jaeger batch has one process: such formats are sent one service's spans per request. */
  perService: boolean
  targetSpansPerSecond: number
}

export const FORMATS: FormatTarget[] = [
  { format: 'zipkin-v2-json', listener: 'zipkin', transport: { http: '/api/v2/spans' }, perService: false, targetSpansPerSecond: 25_000 },
  { format: 'zipkin-v2-proto3', listener: 'zipkin', transport: { http: '/api/v2/spans' }, perService: false, targetSpansPerSecond: 15_000 },
  { format: 'zipkin-v1-thrift', listener: 'zipkin', transport: { http: '/api/v1/spans' }, perService: false, targetSpansPerSecond: 15_000 },
  { format: 'jaeger-grpc', listener: 'jaegerGrpc', transport: { grpc: 'PostSpans' }, perService: true, targetSpansPerSecond: 15_000 },
  { format: 'jaeger-thrift-http', listener: 'jaegerHttp', transport: { http: '/api/traces' }, perService: true, targetSpansPerSecond: 15_000 },
]

export function formatTarget(format: Format): FormatTarget {
  return FORMATS.find((target) => target.format === format)!
}

export interface EncodedBody {
  /** The HTTP Content-Type; gRPC sends the bytes as the request message. */
  contentType: string
  bytes: Buffer
}

export function encodeBatch(format: Format, spans: ZipkinV2JsonSpan[]): EncodedBody {
  switch (format) {
    case 'zipkin-v2-json':
      return { contentType: 'application/json', bytes: Buffer.from(JSON.stringify(spans)) }
    case 'zipkin-v2-proto3':
      return { contentType: 'application/x-protobuf', bytes: Buffer.from(toProto(spans)) }
    case 'zipkin-v1-thrift':
      return { contentType: 'application/x-thrift', bytes: zipkinThriftBody(spans) }
    case 'jaeger-grpc':
      return { contentType: 'application/grpc', bytes: jaegerProtoRequest(jaegerBatch(spans)) }
    case 'jaeger-thrift-http':
      return { contentType: 'application/x-thrift', bytes: jaegerThriftBody(jaegerBatch(spans)) }
  }
}
