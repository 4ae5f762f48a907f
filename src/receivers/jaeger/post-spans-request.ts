/**
 * Decodes the body of a `CollectorService/PostSpans` call, a PostSpansRequest, into model
 * spans one at a time: each span is decoded and converted before the next is read.
 */
import protobuf from 'protobufjs'
import { InvalidInputError } from '../../errors.js'
import type { Span } from '../../model/span.js'
import { decodeWireMessage } from '../../server/grpc-server.js'
import { type JaegerProtoProcess, type JaegerProtoSpan, loadJaegerProto } from '../../server/jaeger-proto.js'
import { jaegerProtoSpanConverter } from './proto-to-model.js'

/** Keys on the wire of the length-delimited fields read: field number and wire type 2. */
const BATCH_KEY = (1 << 3) | 2 // PostSpansRequest.batch
const SPANS_KEY = (1 << 3) | 2 // Batch.spans
const PROCESS_KEY = (2 << 3) | 2 // Batch.process

let types: { span: protobuf.Type; process: protobuf.Type } | undefined

export function forEachPostSpansRequestSpan(body: Buffer, take: (span: Span) => void): void {
  types ??= { span: loadJaegerProto().type('Span'), process: loadJaegerProto().type('Process') }
  const { span: spanType, process: processType } = types
  // A message field sent twice: the last one counts, as protobufjs decodes it.
  let batch: Buffer | undefined
  forEachField(body, BATCH_KEY, (bytes) => (batch = bytes))
  if (!batch) return
  // The process follows the spans on the wire; a first pass finds it.
  let process: JaegerProtoProcess | undefined
  forEachField(batch, PROCESS_KEY, (bytes) => (process = decodeWireMessage<JaegerProtoProcess>(processType, bytes)))
  const convert = jaegerProtoSpanConverter(process)
  forEachField(batch, SPANS_KEY, (bytes, i) => take(convert(decodeWireMessage<JaegerProtoSpan>(spanType, bytes), i)))
}

/** Gives `take` the bytes of each occurrence of one length-delimited field; the others are skipped. */
function forEachField(message: Buffer, key: number, take: (bytes: Buffer, i: number) => void): void {
  const reader = protobuf.Reader.create(message)
  for (let i = 0; reader.pos < reader.len; ) {
    let bytes: Buffer | undefined
    try {
      const fieldKey = reader.uint32()
      if (fieldKey === key) {
        const length = reader.uint32()
        bytes = message.subarray(reader.pos, reader.pos + length)
        reader.skip(length)
      } else {
        reader.skipType(fieldKey & 7)
      }
    } catch (error) {
      throw new InvalidInputError(`the request is not a valid PostSpansRequest message (${(error as Error).message})`)
    }
    if (bytes) take(bytes, i++)
  }
}
