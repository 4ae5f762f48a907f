/**
 * Decodes the body of a `CollectorService/PostSpans` call, a PostSpansRequest, into model
 * spans one at a time: each span is decoded and converted before the next is read.
 */
import type protobuf from 'protobufjs'
import type { Span } from '../../model/span.js'
import { decodeWireMessage } from '../../server/grpc-server.js'
import { type JaegerProtoProcess, type JaegerProtoSpan, loadJaegerProto } from '../../server/jaeger-proto.js'
import { forEachFieldBytes } from '../proto-fields.js'
import { jaegerProtoSpanConverter } from './proto-to-model.js'

const INVALID = 'the request is not a valid PostSpansRequest message'

let types: { span: protobuf.Type; process: protobuf.Type } | undefined

export function forEachPostSpansRequestSpan(body: Buffer, take: (span: Span) => void): void {
  types ??= { span: loadJaegerProto().type('Span'), process: loadJaegerProto().type('Process') }
  const { span: spanType, process: processType } = types
  // A message field sent twice: the last one counts, as protobufjs decodes it.
  let batch: Buffer | undefined
  forEachFieldBytes(body, 1, INVALID, (bytes) => (batch = bytes)) // PostSpansRequest.batch
  if (!batch) return
  // The process follows the spans on the wire; a first pass finds it.
  let process: JaegerProtoProcess | undefined
  forEachFieldBytes(batch, 2, INVALID, (bytes) => (process = decodeWireMessage<JaegerProtoProcess>(processType, bytes))) // Batch.process
  const convert = jaegerProtoSpanConverter(process)
  forEachFieldBytes(batch, 1, INVALID, (bytes, i) => take(convert(decodeWireMessage<JaegerProtoSpan>(spanType, bytes), i))) // Batch.spans
}
