/**
 * A span as one compact line of JSON with short keys: the line of each span in encoded spans
 * (encoded-spans.ts), as the SQLite store keeps it in its blocks. Values JSON cannot hold
 * exactly are tagged: int64 as a decimal string, binary as base64.
 */
import type { Endpoint, Log, Reference, Span, SpanKind, Tag } from './span.js'

/** A span encoded by `encodeSpan`: one line of JSON. */
export type SpanLine = string

type StoredTag = [key: string, type: 's' | 'b' | 'i' | 'f' | 'x', value: string | boolean | number]

interface StoredSpan {
  t: string
  s: string
  r?: [type: 'c' | 'f', traceId: string, spanId: string][]
  n: string
  k?: SpanKind
  sh?: 1
  st: number
  d: number
  f?: number
  g?: StoredTag[]
  l?: [timestampUs: number, fields: StoredTag[]][]
  p: string
  pg?: StoredTag[]
  le?: Endpoint
  re?: Endpoint
  w?: string[]
}

export function encodeSpan(span: Span): SpanLine {
  const stored: StoredSpan = {
    t: span.traceId,
    s: span.spanId,
    n: span.operationName,
    st: span.startTimeUs,
    d: span.durationUs,
    p: span.process.serviceName,
  }
  if (span.references.length > 0) stored.r = span.references.map((r) => [r.type === 'child_of' ? 'c' : 'f', r.traceId, r.spanId])
  if (span.kind) stored.k = span.kind
  if (span.shared) stored.sh = 1
  if (span.flags !== 0) stored.f = span.flags
  if (span.tags.length > 0) stored.g = span.tags.map(encodeTag)
  if (span.logs.length > 0) stored.l = span.logs.map((log) => [log.timestampUs, log.fields.map(encodeTag)])
  if (span.process.tags.length > 0) stored.pg = span.process.tags.map(encodeTag)
  if (span.localEndpoint) stored.le = span.localEndpoint
  if (span.remoteEndpoint) stored.re = span.remoteEndpoint
  if (span.warnings.length > 0) stored.w = span.warnings
  return JSON.stringify(stored)
}

export function decodeSpan(line: SpanLine): Span {
  const stored = JSON.parse(line) as StoredSpan
  const span: Span = {
    traceId: stored.t,
    spanId: stored.s,
    references: (stored.r ?? []).map(
      ([type, traceId, spanId]): Reference => ({ type: type === 'c' ? 'child_of' : 'follows_from', traceId, spanId }),
    ),
    operationName: stored.n,
    shared: stored.sh === 1,
    startTimeUs: stored.st,
    durationUs: stored.d,
    flags: stored.f ?? 0,
    tags: (stored.g ?? []).map(decodeTag),
    logs: (stored.l ?? []).map(([timestampUs, fields]): Log => ({ timestampUs, fields: fields.map(decodeTag) })),
    process: { serviceName: stored.p, tags: (stored.pg ?? []).map(decodeTag) },
    warnings: stored.w ?? [],
  }
  if (stored.k) span.kind = stored.k
  if (stored.le) span.localEndpoint = stored.le
  if (stored.re) span.remoteEndpoint = stored.re
  return span
}

function encodeTag(tag: Tag): StoredTag {
  switch (tag.type) {
    case 'string':
      return [tag.key, 's', tag.value]
    case 'bool':
      return [tag.key, 'b', tag.value]
    case 'int64':
      return [tag.key, 'i', tag.value.toString()]
    case 'float64':
      // JSON has no NaN or Infinity: keep those as their string names.
      return [tag.key, 'f', Number.isFinite(tag.value) ? tag.value : String(tag.value)]
    case 'binary':
      return [tag.key, 'x', Buffer.from(tag.value).toString('base64')]
  }
}

function decodeTag([key, type, value]: StoredTag): Tag {
  switch (type) {
    case 's':
      return { key, type: 'string', value: value as string }
    case 'b':
      return { key, type: 'bool', value: value as boolean }
    case 'i':
      return { key, type: 'int64', value: BigInt(value as string) }
    case 'f':
      return { key, type: 'float64', value: Number(value) }
    case 'x':
      return { key, type: 'binary', value: new Uint8Array(Buffer.from(value as string, 'base64')) }
  }
}
