/**
 * Every span body format received (over HTTP, and Jaeger's protobuf over gRPC), with the
 * function that decodes it into model spans. The receivers pick the format (from the path,
 * Content-Type or gRPC method); the pipeline runs the decoding (large bodies on its decoding
 * thread).
 */
import type { Span } from '../model/span.js'
import { forEachPostSpansRequestSpan } from './jaeger/post-spans-request.js'
import { forEachJaegerThriftSpan } from './jaeger/thrift-batch.js'
import { jaegerThriftConverter } from './jaeger/thrift-to-model.js'
import { decodeZipkinV1Json } from './zipkin/v1-json.js'
import { forEachZipkinV1ThriftSpan } from './zipkin/v1-thrift.js'
import { convertZipkinV1Span, zipkinV1ToModel } from './zipkin/v1-to-model.js'
import { decodeZipkinV2Json } from './zipkin/v2-json.js'
import { forEachZipkinV2ProtoSpan } from './zipkin/v2-proto.js'
import { convertZipkinV2Span, zipkinV2ToModel } from './zipkin/v2-to-model.js'

/** Decodes a body, giving `take` each span in turn. */
type SpanDecoder = (body: Buffer, take: (span: Span) => void) => void

const each =
  (decode: (body: Buffer) => Span[]): SpanDecoder =>
  (body, take) => {
    for (const span of decode(body)) take(span)
  }

export const SPAN_DECODERS = {
  'zipkin-v1-json': each((body) => zipkinV1ToModel(decodeZipkinV1Json(body))),
  // The binary formats convert each span as soon as it is read: what is read of it is garbage
  // before the next span is read, instead of living through the decoding of the whole body.
  'zipkin-v1-thrift': (body, take) =>
    forEachZipkinV1ThriftSpan(body, (span, i) => {
      for (const converted of convertZipkinV1Span(span, i)) take(converted)
    }),
  'zipkin-v2-json': each((body) => zipkinV2ToModel(decodeZipkinV2Json(body))),
  'zipkin-v2-proto3': (body, take) => forEachZipkinV2ProtoSpan(body, (span, i) => take(convertZipkinV2Span(span, i))),
  'jaeger-thrift-binary': (body, take) => forEachJaegerThriftSpan(body, 'binary', jaegerThriftConverter(take)),
  'jaeger-thrift-compact': (body, take) => forEachJaegerThriftSpan(body, 'compact', jaegerThriftConverter(take)),
  'jaeger-proto': forEachPostSpansRequestSpan,
} satisfies Record<string, SpanDecoder>

export type SpanFormat = keyof typeof SPAN_DECODERS
