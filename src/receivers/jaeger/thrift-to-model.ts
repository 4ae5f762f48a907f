/** Converts the spans of a jaeger.thrift Batch into model spans; every span takes the batch's process. */
import { InvalidInputError } from '../../errors.js'
import { normalizeSpanId, normalizeTraceId } from '../../model/ids.js'
import type { Process, Reference, Span, SpanId, Tag, TraceId } from '../../model/span.js'
import { spanKindOf } from './span-kind-tag.js'
import type { BatchSpanTaker, JaegerThriftProcess, JaegerThriftSpan, JaegerThriftTag } from './thrift-batch.js'

/** Converts each span as the batch reader gives it; the process is converted once. */
export function jaegerThriftConverter(take: (span: Span) => void): BatchSpanTaker {
  let converted: { from: JaegerThriftProcess; process: Process } | undefined
  return (span, process, i) => {
    if (converted?.from !== process) converted = { from: process, process: convertProcess(process) }
    take(convertSpan(span, converted.process, `batch.spans[${i}]`))
  }
}

function convertProcess(process: JaegerThriftProcess): Process {
  return { serviceName: process.serviceName, tags: process.tags.map((tag, i) => convertTag(tag, `batch.process.tags[${i}]`)) }
}

function convertSpan(thrift: JaegerThriftSpan, process: Process, path: string): Span {
  const traceId = traceIdOf(thrift.traceIdHigh, thrift.traceIdLow, path)
  const references = thrift.references.map(
    (ref, i): Reference => ({
      type: ref.refType === 1 ? 'follows_from' : 'child_of',
      traceId: traceIdOf(ref.traceIdHigh, ref.traceIdLow, `${path}.references[${i}]`),
      spanId: spanIdOf(ref.spanId, `${path}.references[${i}].spanId`),
    }),
  )
  // parentSpanId is a CHILD_OF reference the sender did not spell out (Jaeger adds it first).
  if (thrift.parentSpanId !== 0n) {
    const parentId = spanIdOf(thrift.parentSpanId, `${path}.parentSpanId`)
    if (!references.some((r) => r.traceId === traceId && r.spanId === parentId)) {
      references.unshift({ type: 'child_of', traceId, spanId: parentId })
    }
  }
  const tags = thrift.tags.map((tag, i) => convertTag(tag, `${path}.tags[${i}]`))
  const span: Span = {
    traceId,
    spanId: spanIdOf(thrift.spanId, `${path}.spanId`),
    references,
    operationName: thrift.operationName,
    shared: false,
    startTimeUs: microseconds(thrift.startTime, `${path}.startTime`),
    durationUs: microseconds(thrift.duration, `${path}.duration`),
    // i32 on the wire; the bits are what count.
    flags: thrift.flags >>> 0,
    tags,
    logs: thrift.logs.map((log, i) => ({
      timestampUs: microseconds(log.timestamp, `${path}.logs[${i}].timestamp`),
      fields: log.fields.map((tag, j) => convertTag(tag, `${path}.logs[${i}].fields[${j}]`)),
    })),
    process,
    warnings: [],
  }
  const kind = spanKindOf(tags)
  if (kind) span.kind = kind
  return span
}

/** Absent optional values take the zero value, as Jaeger's converter reads them. */
function convertTag(tag: JaegerThriftTag, path: string): Tag {
  switch (tag.vType) {
    case 0:
      return { key: tag.key, type: 'string', value: tag.vStr ?? '' }
    case 1:
      return { key: tag.key, type: 'float64', value: tag.vDouble ?? 0 }
    case 2:
      return { key: tag.key, type: 'bool', value: tag.vBool ?? false }
    case 3:
      return { key: tag.key, type: 'int64', value: tag.vLong ?? 0n }
    case 4:
      return { key: tag.key, type: 'binary', value: new Uint8Array(tag.vBinary ?? []) }
    default:
      throw new InvalidInputError(`${path}.vType: expected STRING, DOUBLE, BOOL, LONG or BINARY (0-4), got ${tag.vType}`)
  }
}

/** i64 values are signed on the wire; ids are their unsigned 64-bit pattern. */
function hex64(value: bigint): string {
  return BigInt.asUintN(64, value).toString(16).padStart(16, '0')
}

function traceIdOf(high: bigint, low: bigint, path: string): TraceId {
  const id = normalizeTraceId(hex64(high) + hex64(low))
  if (!id) throw new InvalidInputError(`${path}: the trace id (traceIdHigh, traceIdLow) is zero`)
  return id
}

function spanIdOf(value: bigint, path: string): SpanId {
  const id = normalizeSpanId(hex64(value))
  if (!id) throw new InvalidInputError(`${path}: expected a non-zero span id, got 0`)
  return id
}

function microseconds(value: bigint, path: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidInputError(`${path}: expected non-negative microseconds, got ${value}`)
  return Number(value)
}
