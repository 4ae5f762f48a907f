/** A Jaeger batch as the bytes of a `jaeger.api_v2.PostSpansRequest`, encoded with protobufjs from proto/. */
import { loadJaegerProto } from '../src/server/jaeger-proto.js'
import { protoTime } from '../test/helpers/jaeger-fixtures.js'
import type { JaegerBatch } from './jaeger-span.js'

const keyValues = (pairs: [string, string][]) => pairs.map(([key, vStr]) => ({ key, vType: 0, vStr }))

export function jaegerProtoRequest(batch: JaegerBatch): Buffer {
  const type = loadJaegerProto().type('PostSpansRequest')
  const message = type.fromObject({
    batch: {
      process: { serviceName: batch.serviceName, tags: keyValues(batch.processTags) },
      spans: batch.spans.map((span) => ({
        traceId: Buffer.from(span.traceIdHex, 'hex'),
        spanId: Buffer.from(span.spanIdHex, 'hex'),
        operationName: span.operationName,
        references: span.parentIdHex ? [{ traceId: Buffer.from(span.traceIdHex, 'hex'), spanId: Buffer.from(span.parentIdHex, 'hex'), refType: 0 }] : [],
        flags: 1,
        startTime: protoTime(span.startTimeUs),
        duration: protoTime(span.durationUs),
        tags: keyValues(span.tags),
        logs: span.logs.map((log) => ({ timestamp: protoTime(log.timestampUs), fields: keyValues(log.fields) })),
      })),
    },
  })
  return Buffer.from(type.encode(message).finish())
}
