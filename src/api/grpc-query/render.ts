/** Model spans as Jaeger api_v2 protobuf objects (the shape proto/model.proto encodes), with the same derived tags as the HTTP API. */
import type { Process, Span, Tag } from '../../model/span.js'
import type { ProtoObject } from '../../server/grpc-server.js'
import { derivedTags } from '../jaeger/render.js'

const VALUE_TYPES: Record<Tag['type'], number> = { string: 0, bool: 1, int64: 2, float64: 3, binary: 4 }

export function toProtoSpan(span: Span): ProtoObject {
  return {
    traceId: Buffer.from(span.traceId, 'hex'),
    spanId: Buffer.from(span.spanId, 'hex'),
    operationName: span.operationName,
    references: span.references.map((r) => ({
      traceId: Buffer.from(r.traceId, 'hex'),
      spanId: Buffer.from(r.spanId, 'hex'),
      refType: r.type === 'child_of' ? 0 : 1,
    })),
    flags: span.flags,
    startTime: toProtoTime(span.startTimeUs),
    duration: toProtoTime(span.durationUs),
    // Zipkin's kind and remote endpoint as the tags the HTTP API shows too.
    tags: [...span.tags, ...derivedTags(span)].map(toProtoKeyValue),
    logs: span.logs.map((log) => ({ timestamp: toProtoTime(log.timestampUs), fields: log.fields.map(toProtoKeyValue) })),
    process: toProtoProcess(span.process),
    warnings: span.warnings,
  }
}

function toProtoProcess(process: Process): ProtoObject {
  return { serviceName: process.serviceName, tags: process.tags.map(toProtoKeyValue) }
}

function toProtoKeyValue(tag: Tag): ProtoObject {
  const kv: ProtoObject = { key: tag.key, vType: VALUE_TYPES[tag.type] }
  switch (tag.type) {
    case 'string':
      kv.vStr = tag.value
      break
    case 'bool':
      kv.vBool = tag.value
      break
    case 'int64':
      // A decimal string: protobufjs turns it into a 64-bit value without a JS number in between.
      kv.vInt64 = tag.value.toString()
      break
    case 'float64':
      kv.vFloat64 = tag.value
      break
    case 'binary':
      kv.vBinary = Buffer.from(tag.value)
      break
  }
  return kv
}

/** Microseconds as a Timestamp or Duration ({seconds, nanos}). */
export function toProtoTime(us: number): ProtoObject {
  const whole = Math.floor(us)
  return { seconds: String(Math.floor(whole / 1_000_000)), nanos: (whole % 1_000_000) * 1000 }
}
