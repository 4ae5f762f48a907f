/** Decodes the body of a `CollectorService/PostSpans` call, a PostSpansRequest, into model spans. */
import type protobuf from 'protobufjs'
import type { Span } from '../../model/span.js'
import { decodeWireMessage } from '../../server/grpc-server.js'
import { type JaegerProtoBatch, loadJaegerProto } from '../../server/jaeger-proto.js'
import { jaegerProtoToModel } from './proto-to-model.js'

let requestType: protobuf.Type | undefined

export function decodePostSpansRequest(body: Buffer): Span[] {
  requestType ??= loadJaegerProto().type('PostSpansRequest')
  const { batch } = decodeWireMessage<{ batch: JaegerProtoBatch | null }>(requestType, body)
  return batch ? jaegerProtoToModel(batch) : []
}
