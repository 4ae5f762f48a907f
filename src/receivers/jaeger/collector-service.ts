/** `jaeger.api_v2.CollectorService/PostSpans`: one batch per call, OK once it is committed. */
import type * as grpc from '@grpc/grpc-js'
import { type GrpcLog, decodeMessage, unary } from '../../server/grpc-server.js'
import type { JaegerProto, JaegerProtoBatch } from '../../server/jaeger-proto.js'
import type { SpanSink } from '../span-sink.js'
import { jaegerProtoToModel } from './proto-to-model.js'

export function collectorService(proto: JaegerProto, sink: SpanSink, log: GrpcLog): grpc.UntypedServiceImplementation {
  const requestType = proto.type('PostSpansRequest')
  return {
    PostSpans: unary(async (request) => {
      const { batch } = decodeMessage<{ batch: JaegerProtoBatch | null }>(requestType, request)
      const spans = batch ? jaegerProtoToModel(batch) : []
      await sink.acceptSpans(spans, { transport: 'grpc', format: 'jaeger-proto', bytes: request.length })
      return {}
    }, log),
  }
}
