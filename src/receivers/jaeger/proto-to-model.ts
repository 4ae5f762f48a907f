/** Converts a decoded Jaeger api_v2 protobuf batch into model spans, validating as it goes. */
import { InvalidInputError } from '../../errors.js'
import { hexOf, normalizeSpanId, normalizeTraceId } from '../../model/ids.js'
import type { Log, Process, Reference, Span, SpanId, Tag, TraceId } from '../../model/span.js'
import type {
  JaegerProtoKeyValue,
  JaegerProtoProcess,
  JaegerProtoSpan,
  JaegerProtoTimestamp,
  ProtoInt64,
} from '../../server/jaeger-proto.js'
import { spanKindOf } from './span-kind-tag.js'

/**
 * Converts the spans of a batch one at a time, `i` being the span's place in the batch. A span
 * without a process of its own takes the batch's (as Jaeger's collector does).
 */
export function jaegerProtoSpanConverter(batchProcess: JaegerProtoProcess | null | undefined): (span: JaegerProtoSpan, i: number) => Span {
  const process = batchProcess ? convertProcess(batchProcess, 'batch.process') : undefined
  return (span, i) => convertSpan(span, process, `batch.spans[${i}]`)
}

function convertSpan(proto: JaegerProtoSpan, batchProcess: Process | undefined, path: string): Span {
  const traceId = traceIdOf(proto.traceId, `${path}.traceId`)
  const tags = proto.tags.map((kv, i) => convertKeyValue(kv, `${path}.tags[${i}]`))
  const process = proto.process ? convertProcess(proto.process, `${path}.process`) : batchProcess
  if (!process) throw new InvalidInputError(`${path}.process is missing and the batch has no process; set one of them`)
  if (proto.flags < 0 || proto.flags > 0xffffffff) throw new InvalidInputError(`${path}.flags: expected an unsigned 32-bit integer, got ${proto.flags}`)
  const span: Span = {
    traceId,
    spanId: spanIdOf(proto.spanId, `${path}.spanId`),
    references: proto.references.map(
      (ref, i): Reference => ({
        type: ref.refType === 1 ? 'follows_from' : 'child_of',
        traceId: traceIdOf(ref.traceId, `${path}.references[${i}].traceId`),
        spanId: spanIdOf(ref.spanId, `${path}.references[${i}].spanId`),
      }),
    ),
    operationName: proto.operationName,
    shared: false,
    startTimeUs: proto.startTime ? timestampUs(proto.startTime, `${path}.startTime`) : 0,
    durationUs: proto.duration ? timestampUs(proto.duration, `${path}.duration`) : 0,
    flags: proto.flags,
    tags,
    logs: proto.logs.map(
      (log, i): Log => ({
        timestampUs: log.timestamp ? timestampUs(log.timestamp, `${path}.logs[${i}].timestamp`) : 0,
        fields: log.fields.map((kv, j) => convertKeyValue(kv, `${path}.logs[${i}].fields[${j}]`)),
      }),
    ),
    process,
    warnings: [...proto.warnings],
  }
  const kind = spanKindOf(tags)
  if (kind) span.kind = kind
  return span
}

function convertProcess(proto: JaegerProtoProcess, path: string): Process {
  return { serviceName: proto.serviceName, tags: proto.tags.map((kv, i) => convertKeyValue(kv, `${path}.tags[${i}]`)) }
}

function convertKeyValue(kv: JaegerProtoKeyValue, path: string): Tag {
  switch (kv.vType) {
    case 0:
      return { key: kv.key, type: 'string', value: kv.vStr }
    case 1:
      return { key: kv.key, type: 'bool', value: kv.vBool }
    case 2:
      return { key: kv.key, type: 'int64', value: int64Of(kv.vInt64) }
    case 3:
      return { key: kv.key, type: 'float64', value: kv.vFloat64 }
    case 4:
      return { key: kv.key, type: 'binary', value: new Uint8Array(kv.vBinary) }
    default:
      throw new InvalidInputError(`${path}.vType: expected STRING, BOOL, INT64, FLOAT64 or BINARY (0-4), got ${kv.vType}`)
  }
}

/** 16 bytes, big-endian (high half first), as Jaeger's TraceID marshals. */
function traceIdOf(bytes: Uint8Array, path: string): TraceId {
  const id = bytes.length === 16 ? normalizeTraceId(hexOf(bytes)) : undefined
  if (!id) throw new InvalidInputError(`${path}: expected 16 bytes, not all zero, got ${describeBytes(bytes)}`)
  return id
}

function spanIdOf(bytes: Uint8Array, path: string): SpanId {
  const id = bytes.length === 8 ? normalizeSpanId(hexOf(bytes)) : undefined
  if (!id) throw new InvalidInputError(`${path}: expected 8 bytes, not all zero, got ${describeBytes(bytes)}`)
  return id
}

function describeBytes(bytes: Uint8Array): string {
  return bytes.length === 0 ? 'none' : `${bytes.length} bytes (${hexOf(bytes.subarray(0, 16))})`
}

function int64Of(value: ProtoInt64): bigint {
  return typeof value === 'object' ? BigInt(value.high) * 0x1_0000_0000n + BigInt(value.low >>> 0) : BigInt(value)
}

/** A Timestamp or Duration in whole microseconds; sub-microsecond digits are dropped, as Jaeger's UI model does. */
export function timestampUs(value: JaegerProtoTimestamp, path: string): number {
  const seconds = int64Of(value.seconds)
  const us = seconds * 1_000_000n + BigInt(Math.trunc(value.nanos / 1000))
  if (us < 0n || us > BigInt(Number.MAX_SAFE_INTEGER) || value.nanos < 0 || value.nanos > 999_999_999) {
    throw new InvalidInputError(`${path}: expected a non-negative time in range, got ${seconds}s ${value.nanos}ns`)
  }
  return Number(us)
}
