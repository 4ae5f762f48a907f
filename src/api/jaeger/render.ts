/** The Jaeger UI's JSON model (what `/api/traces` returns), built from model spans. */
import { shortTraceId } from '../../model/ids.js'
import { type Endpoint, type Process, SPAN_KIND_TAG, type Span, type Tag } from '../../model/span.js'
import { isExactAsNumber } from '../json-text.js'

export interface JaegerKeyValue {
  key: string
  type: Tag['type']
  value: string | boolean | bigint | number
}

export interface JaegerSpan {
  traceID: string
  spanID: string
  flags?: number
  operationName: string
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[]
  startTime: number
  duration: number
  tags: JaegerKeyValue[]
  logs: { timestamp: number; fields: JaegerKeyValue[] }[]
  processID: string
  warnings: string[] | null
}

export interface JaegerTrace {
  traceID: string
  spans: JaegerSpan[]
  processes: Record<string, { serviceName: string; tags: JaegerKeyValue[] }>
  warnings: string[] | null
}

export function toJaegerTrace(spans: readonly Span[]): JaegerTrace {
  const processIds = new Map<string, string>()
  const processes: JaegerTrace['processes'] = {}
  const processIdOf = (process: Process) => {
    const tags = process.tags.map(toKeyValue)
    const key = JSON.stringify([process.serviceName, tags.map((t) => [t.key, t.type, String(t.value)])])
    let id = processIds.get(key)
    if (id === undefined) {
      id = `p${processIds.size + 1}`
      processIds.set(key, id)
      processes[id] = { serviceName: process.serviceName, tags }
    }
    return id
  }
  return {
    traceID: shortTraceId(spans[0]!.traceId),
    spans: spans.map((span) => toJaegerSpan(span, processIdOf(span.process))),
    processes,
    warnings: null,
  }
}

function toJaegerSpan(span: Span, processID: string): JaegerSpan {
  const rendered: JaegerSpan = {
    traceID: shortTraceId(span.traceId),
    spanID: span.spanId,
    operationName: span.operationName,
    references: span.references.map((r) => ({
      refType: r.type === 'child_of' ? 'CHILD_OF' : 'FOLLOWS_FROM',
      traceID: shortTraceId(r.traceId),
      spanID: r.spanId,
    })),
    startTime: span.startTimeUs,
    duration: span.durationUs,
    tags: [...span.tags, ...derivedTags(span)].map(toKeyValue),
    logs: span.logs.map((log) => ({ timestamp: log.timestampUs, fields: log.fields.map(toKeyValue) })),
    processID,
    warnings: span.warnings.length > 0 ? span.warnings : null,
  }
  if (span.flags !== 0) rendered.flags = span.flags
  return rendered
}

/**
 * What Zipkin keeps outside tags, shown as the tags Jaeger's Zipkin conversion gives:
 * `span.kind`, `peer.*` for the remote endpoint, `shared` for a shared server span.
 */
export function derivedTags(span: Span): Tag[] {
  const tags: Tag[] = []
  const has = (key: string) => span.tags.some((t) => t.key === key)
  if (span.kind && !has(SPAN_KIND_TAG)) tags.push({ key: SPAN_KIND_TAG, type: 'string', value: span.kind })
  const remote: Endpoint | undefined = span.remoteEndpoint
  if (remote) {
    if (remote.serviceName !== undefined && !has('peer.service')) tags.push({ key: 'peer.service', type: 'string', value: remote.serviceName })
    if (remote.ipv4 !== undefined && !has('peer.ipv4')) tags.push({ key: 'peer.ipv4', type: 'string', value: remote.ipv4 })
    if (remote.ipv6 !== undefined && !has('peer.ipv6')) tags.push({ key: 'peer.ipv6', type: 'string', value: remote.ipv6 })
    if (remote.port !== undefined && !has('peer.port')) tags.push({ key: 'peer.port', type: 'int64', value: BigInt(remote.port) })
  }
  return tags
}

/** An int64 that a double holds exactly is a number already, so most answers hold no bigint. */
function toKeyValue(tag: Tag): JaegerKeyValue {
  if (tag.type === 'binary') return { key: tag.key, type: 'binary', value: Buffer.from(tag.value).toString('base64') }
  if (tag.type === 'int64' && isExactAsNumber(tag.value)) return { key: tag.key, type: 'int64', value: Number(tag.value) }
  return { key: tag.key, type: tag.type, value: tag.value }
}
