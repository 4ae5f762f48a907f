/**
 * Every span body format received (over HTTP, and Jaeger's protobuf over gRPC), with the
 * function that decodes it into model spans. The receivers pick the format (from the path,
 * Content-Type or gRPC method); the pipeline runs the decoding (large bodies on its decoding
 * thread).
 */
import type { Span } from '../model/span.js'
import { decodePostSpansRequest } from './jaeger/post-spans-request.js'
import { decodeJaegerThriftBatch } from './jaeger/thrift-batch.js'
import { jaegerThriftToModel } from './jaeger/thrift-to-model.js'
import { decodeZipkinV1Json } from './zipkin/v1-json.js'
import { decodeZipkinV1Thrift } from './zipkin/v1-thrift.js'
import { zipkinV1ToModel } from './zipkin/v1-to-model.js'
import { decodeZipkinV2Json } from './zipkin/v2-json.js'
import { decodeZipkinV2Proto } from './zipkin/v2-proto.js'
import { zipkinV2ToModel } from './zipkin/v2-to-model.js'

export const SPAN_DECODERS = {
  'zipkin-v1-json': (body: Buffer) => zipkinV1ToModel(decodeZipkinV1Json(body)),
  'zipkin-v1-thrift': (body: Buffer) => zipkinV1ToModel(decodeZipkinV1Thrift(body)),
  'zipkin-v2-json': (body: Buffer) => zipkinV2ToModel(decodeZipkinV2Json(body)),
  'zipkin-v2-proto3': (body: Buffer) => zipkinV2ToModel(decodeZipkinV2Proto(body)),
  'jaeger-thrift-binary': (body: Buffer) => jaegerThriftToModel(decodeJaegerThriftBatch(body, 'binary')),
  'jaeger-thrift-compact': (body: Buffer) => jaegerThriftToModel(decodeJaegerThriftBatch(body, 'compact')),
  'jaeger-proto': decodePostSpansRequest,
} satisfies Record<string, (body: Buffer) => Span[]>

export type SpanFormat = keyof typeof SPAN_DECODERS
