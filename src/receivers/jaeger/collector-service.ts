/** `jaeger.api_v2.CollectorService/PostSpans`: one batch per call, OK once it is committed. */
import type * as grpc from '@grpc/grpc-js'
import { type GrpcLog, unary } from '../../server/grpc-server.js'
import type { SpanSink } from '../span-sink.js'

export function collectorService(sink: SpanSink, log: GrpcLog): grpc.UntypedServiceImplementation {
  return {
    PostSpans: unary(async (request) => {
      await sink.acceptBody('jaeger-proto', request, { transport: 'grpc', format: 'jaeger-proto', bytes: request.length })
      return {}
    }, log),
  }
}
