/**
 * The Jaeger storage conformance fixtures (../shared/conformance/jaeger-storage, read by path),
 * turned into PostSpans requests and into one canonical span form that fixtures, the Jaeger
 * HTTP API and gRPC answers are all compared in.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const CONFORMANCE_DIR = fileURLToPath(new URL('../../../shared/conformance/jaeger-storage/', import.meta.url))

export interface FixtureKeyValue {
  key: string
  vType?: 'STRING' | 'BOOL' | 'INT64' | 'FLOAT64' | 'BINARY'
  vStr?: string
  vBool?: boolean
  vInt64?: number | string
  vFloat64?: number
  vBinary?: string
}

export interface FixtureSpan {
  traceId: string
  spanId: string
  operationName: string
  references: { refType?: 'CHILD_OF' | 'FOLLOWS_FROM'; traceId: string; spanId: string }[]
  flags?: number
  startTime: string
  duration: string
  tags: FixtureKeyValue[]
  process: { serviceName: string; tags: FixtureKeyValue[] }
  logs: { timestamp: string; fields: FixtureKeyValue[] }[]
}

export interface QueryCase {
  Caption: string
  Query: {
    ServiceName: string
    OperationName: string
    Tags: Record<string, string | number | boolean> | null
    StartTimeMin: string
    StartTimeMax: string
    DurationMin: number
    DurationMax: number
    NumTraces: number
  }
  ExpectedFixtures: string[]
}

export function fixtureNames(): string[] {
  return readdirSync(`${CONFORMANCE_DIR}traces`)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -5))
    .sort()
}

export function loadFixture(name: string): FixtureSpan[] {
  return (JSON.parse(readFileSync(`${CONFORMANCE_DIR}traces/${name}.json`, 'utf8')) as { spans: FixtureSpan[] }).spans
}

export function loadQueries(file: string): QueryCase[] {
  return JSON.parse(readFileSync(`${CONFORMANCE_DIR}${file}`, 'utf8')) as QueryCase[]
}

export function hexId(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex')
}

/** RFC 3339 with up to 9 fractional digits, in microseconds since the epoch. */
export function rfc3339Us(text: string): number {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(text)
  if (!match) throw new Error(`not an RFC 3339 UTC time: ${text}`)
  const seconds = Date.parse(`${match[1]}Z`) / 1000
  return seconds * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0').slice(0, 6))
}

export function durationTextUs(text: string): number {
  const match = /^(\d+)ns$/.exec(text)
  if (!match) throw new Error(`not a nanosecond duration: ${text}`)
  return Number(match[1]) / 1000
}

/** A Timestamp / Duration object for protobufjs from microseconds. */
export function protoTime(us: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(us / 1_000_000)), nanos: (us % 1_000_000) * 1000 }
}

const VALUE_TYPES = ['STRING', 'BOOL', 'INT64', 'FLOAT64', 'BINARY'] as const

function protoKeyValue(kv: FixtureKeyValue): Record<string, unknown> {
  return {
    key: kv.key,
    vType: VALUE_TYPES.indexOf(kv.vType ?? 'STRING'),
    vStr: kv.vStr,
    vBool: kv.vBool,
    vInt64: kv.vInt64 === undefined ? undefined : String(kv.vInt64),
    vFloat64: kv.vFloat64,
    vBinary: kv.vBinary === undefined ? undefined : Buffer.from(kv.vBinary, 'base64'),
  }
}

/** A fixture span as a protobufjs object for jaeger.api_v2.Span. */
export function toProtoSpan(span: FixtureSpan): Record<string, unknown> {
  return {
    traceId: Buffer.from(span.traceId, 'base64'),
    spanId: Buffer.from(span.spanId, 'base64'),
    operationName: span.operationName,
    references: span.references.map((r) => ({
      traceId: Buffer.from(r.traceId, 'base64'),
      spanId: Buffer.from(r.spanId, 'base64'),
      refType: r.refType === 'FOLLOWS_FROM' ? 1 : 0,
    })),
    flags: span.flags ?? 0,
    startTime: protoTime(rfc3339Us(span.startTime)),
    duration: protoTime(durationTextUs(span.duration)),
    tags: span.tags.map(protoKeyValue),
    logs: span.logs.map((log) => ({ timestamp: protoTime(rfc3339Us(log.timestamp)), fields: log.fields.map(protoKeyValue) })),
    process: { serviceName: span.process.serviceName, tags: span.process.tags.map(protoKeyValue) },
  }
}

/** One span in a form every source maps to; tags sorted by key, as upstream compares them. */
export interface CanonicalSpan {
  traceId: string
  spanId: string
  operationName: string
  references: string[]
  flags: number
  startTimeUs: number
  durationUs: number
  tags: string[]
  logs: { timestampUs: number; fields: string[] }[]
  serviceName: string
  processTags: string[]
}

const canonicalKv = (key: string, type: string, value: string) => `${key}|${type}|${value}`
const sortedKvs = (kvs: string[]) => [...kvs].sort()
/** Spans ordered by span id, as upstream's comparator sorts them. */
export const bySpanId = (a: CanonicalSpan, b: CanonicalSpan) => (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : a.startTimeUs - b.startTimeUs)

function fixtureKv(kv: FixtureKeyValue): string {
  switch (kv.vType ?? 'STRING') {
    case 'STRING':
      return canonicalKv(kv.key, 'string', kv.vStr ?? '')
    case 'BOOL':
      return canonicalKv(kv.key, 'bool', String(kv.vBool ?? false))
    case 'INT64':
      return canonicalKv(kv.key, 'int64', String(kv.vInt64 ?? 0))
    case 'FLOAT64':
      return canonicalKv(kv.key, 'float64', String(kv.vFloat64 ?? 0))
    case 'BINARY':
      return canonicalKv(kv.key, 'binary', Buffer.from(kv.vBinary ?? '', 'base64').toString('base64'))
  }
}

export function canonicalFixtureSpan(span: FixtureSpan): CanonicalSpan {
  return {
    traceId: hexId(span.traceId),
    spanId: hexId(span.spanId),
    operationName: span.operationName,
    references: span.references.map((r) => `${r.refType ?? 'CHILD_OF'}:${hexId(r.traceId)}:${hexId(r.spanId)}`),
    flags: span.flags ?? 0,
    startTimeUs: rfc3339Us(span.startTime),
    durationUs: durationTextUs(span.duration),
    tags: sortedKvs(span.tags.map(fixtureKv)),
    logs: span.logs.map((log) => ({ timestampUs: rfc3339Us(log.timestamp), fields: sortedKvs(log.fields.map(fixtureKv)) })),
    serviceName: span.process.serviceName,
    processTags: sortedKvs(span.process.tags.map(fixtureKv)),
  }
}

interface UiKeyValue {
  key: string
  type: string
  value: unknown
}

interface UiTrace {
  traceID: string
  spans: {
    traceID: string
    spanID: string
    flags?: number
    operationName: string
    references: { refType: string; traceID: string; spanID: string }[]
    startTime: number
    duration: number
    tags: UiKeyValue[]
    logs: { timestamp: number; fields: UiKeyValue[] }[]
    processID: string
  }[]
  processes: Record<string, { serviceName: string; tags: UiKeyValue[] }>
}

const pad32 = (id: string) => id.padStart(32, '0')
const uiKv = (kv: UiKeyValue) => canonicalKv(kv.key, kv.type, String(kv.value))

/** Spans of a trace as the Jaeger HTTP API renders it. */
export function canonicalUiTrace(trace: UiTrace): CanonicalSpan[] {
  return trace.spans.map((span) => {
    const process = trace.processes[span.processID]!
    return {
      traceId: pad32(span.traceID),
      spanId: span.spanID,
      operationName: span.operationName,
      references: span.references.map((r) => `${r.refType}:${pad32(r.traceID)}:${r.spanID}`),
      flags: span.flags ?? 0,
      startTimeUs: span.startTime,
      durationUs: span.duration,
      tags: sortedKvs(span.tags.map(uiKv)),
      logs: span.logs.map((log) => ({ timestampUs: log.timestamp, fields: sortedKvs(log.fields.map(uiKv)) })),
      serviceName: process.serviceName,
      processTags: sortedKvs(process.tags.map(uiKv)),
    }
  })
}

interface ProtoKv {
  key: string
  vType: number
  vStr: string
  vBool: boolean
  vInt64: string
  vFloat64: number
  vBinary: Buffer
}

interface ProtoTime {
  seconds: string
  nanos: number
}

export interface ProtoSpan {
  traceId: Buffer
  spanId: Buffer
  operationName: string
  references: { traceId: Buffer; spanId: Buffer; refType: number }[]
  flags: number
  startTime: ProtoTime
  duration: ProtoTime
  tags: ProtoKv[]
  logs: { timestamp: ProtoTime; fields: ProtoKv[] }[]
  process: { serviceName: string; tags: ProtoKv[] }
}

const protoUs = (time: ProtoTime) => Number(time.seconds) * 1_000_000 + time.nanos / 1000

function protoKv(kv: ProtoKv): string {
  switch (kv.vType) {
    case 0:
      return canonicalKv(kv.key, 'string', kv.vStr)
    case 1:
      return canonicalKv(kv.key, 'bool', String(kv.vBool))
    case 2:
      return canonicalKv(kv.key, 'int64', kv.vInt64)
    case 3:
      return canonicalKv(kv.key, 'float64', String(kv.vFloat64))
    default:
      return canonicalKv(kv.key, 'binary', Buffer.from(kv.vBinary).toString('base64'))
  }
}

/** A span as gRPC QueryService streams it (decoded to a plain object). */
export function canonicalProtoSpan(span: ProtoSpan): CanonicalSpan {
  return {
    traceId: Buffer.from(span.traceId).toString('hex'),
    spanId: Buffer.from(span.spanId).toString('hex'),
    operationName: span.operationName,
    references: span.references.map(
      (r) => `${r.refType === 1 ? 'FOLLOWS_FROM' : 'CHILD_OF'}:${Buffer.from(r.traceId).toString('hex')}:${Buffer.from(r.spanId).toString('hex')}`,
    ),
    flags: span.flags,
    startTimeUs: protoUs(span.startTime),
    durationUs: protoUs(span.duration),
    tags: sortedKvs(span.tags.map(protoKv)),
    logs: span.logs.map((log) => ({ timestampUs: protoUs(log.timestamp), fields: sortedKvs(log.fields.map(protoKv)) })),
    serviceName: span.process.serviceName,
    processTags: sortedKvs(span.process.tags.map(protoKv)),
  }
}
