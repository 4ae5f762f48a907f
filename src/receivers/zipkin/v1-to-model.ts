/**
 * Zipkin v1 spans into model spans, with the rules of Zipkin's own v1 → v2 conversion: core
 * annotations (cs/cr, sr/ss, ms/mr) give kind and timing, a v1 span holding both RPC sides
 * becomes a client span and a shared server span with the same id, address annotations
 * (ca/sa/ma) become remote endpoints, everything else becomes logs and typed tags.
 */
import { DEBUG_FLAG, type Endpoint, type Log, SAMPLED_FLAG, type Span, type SpanKind, type Tag } from '../../model/span.js'
import { annotationLog, checkSpanId, checkTraceId, toModelEndpoint } from './v2-to-model.js'
import type { ZipkinEndpoint, ZipkinV1Annotation, ZipkinV1Span } from './zipkin-v1-span.js'

export function zipkinV1ToModel(spans: readonly ZipkinV1Span[]): Span[] {
  return spans.flatMap((span, i) => convertZipkinV1Span(span, i))
}

/** One output span while it is being put together; one per local endpoint (service) of the v1 span. */
interface Part {
  localEndpoint?: ZipkinEndpoint
  kind?: SpanKind
  shared: boolean
  timestampUs?: number
  durationUs?: number
  remoteEndpoint?: ZipkinEndpoint
  logs: Log[]
  tags: Map<string, Tag>
}

const newPart = (localEndpoint?: ZipkinEndpoint): Part => ({ localEndpoint, shared: false, logs: [], tags: new Map() })

function sameService(left: ZipkinEndpoint | undefined, right: ZipkinEndpoint | undefined): boolean {
  return left?.serviceName === right?.serviceName
}

function sameEndpoint(left: ZipkinEndpoint, right: ZipkinEndpoint | undefined): boolean {
  return (
    right !== undefined &&
    left.serviceName === right.serviceName &&
    left.ipv4 === right.ipv4 &&
    left.ipv6 === right.ipv6 &&
    left.port === right.port
  )
}

type Core = 'cs' | 'sr' | 'ss' | 'cr' | 'ms' | 'mr' | 'ws' | 'wr'
const CORE_KIND: Record<Core, SpanKind | undefined> = {
  cs: 'client',
  cr: 'client',
  sr: 'server',
  ss: 'server',
  ms: 'producer',
  mr: 'consumer',
  ws: undefined,
  wr: undefined,
}

/** The model spans of a request's span `i`: two when it holds both sides of an RPC. */
export function convertZipkinV1Span(source: ZipkinV1Span, i: number): Span[] {
  const path = `span[${i}]`
  const traceId = checkTraceId(source.traceId, `${path}.traceId`)
  const spanId = checkSpanId(source.id, `${path}.id`)
  const parentId = source.parentId === undefined ? undefined : checkSpanId(source.parentId, `${path}.parentId`)

  const first = newPart()
  const parts = [first]
  const fork = (endpoint: ZipkinEndpoint): Part => {
    const part = newPart(endpoint)
    parts.push(part)
    return part
  }
  // The part recording on this endpoint: annotations without an endpoint go to the first part.
  const partFor = (endpoint: ZipkinEndpoint | undefined): Part => {
    if (endpoint === undefined) return first
    for (const part of parts) {
      if (part.localEndpoint === undefined) {
        part.localEndpoint = endpoint
        return part
      }
      if (sameService(part.localEndpoint, endpoint)) return part
    }
    return fork(endpoint)
  }

  const core: Partial<Record<Core, ZipkinV1Annotation>> = {}
  for (const annotation of source.annotations) {
    const part = partFor(annotation.endpoint)
    // Core annotations count only with an endpoint, as in Zipkin.
    if (annotation.endpoint !== undefined && annotation.value in CORE_KIND) {
      const value = annotation.value as Core
      const kind = CORE_KIND[value]
      if (kind) part.kind = kind
      core[value] = annotation
    } else {
      part.logs.push(annotationLog(annotation.timestamp, annotation.value))
    }
  }

  const sourceTimestamp = source.timestamp ?? 0
  const sourceDuration = source.duration ?? 0
  // A span from an event-model bridge may carry only the end annotation.
  const endReflectsSpan = (end: ZipkinV1Annotation | undefined) =>
    end !== undefined && sourceTimestamp !== 0 && sourceDuration !== 0 && sourceTimestamp + sourceDuration === end.timestamp
  if (!core.cs && endReflectsSpan(core.cr)) core.cs = { timestamp: sourceTimestamp, value: 'cs', endpoint: core.cr!.endpoint }
  if (!core.sr && endReflectsSpan(core.ss)) core.sr = { timestamp: sourceTimestamp, value: 'sr', endpoint: core.ss!.endpoint }

  const timeFrom = (begin: ZipkinV1Annotation, end: ZipkinV1Annotation | undefined) => {
    const part = partFor(begin.endpoint)
    if (sourceTimestamp !== 0 && sourceDuration !== 0) {
      part.timestampUs = sourceTimestamp
      part.durationUs = sourceDuration
    } else {
      part.timestampUs = begin.timestamp
      if (end) part.durationUs = end.timestamp - begin.timestamp
    }
  }

  const { cs, sr, ss, cr, ms, mr, ws, wr } = core
  if (cs && sr) {
    // The client side owns the span's timing; the server side's comes from its annotations.
    timeFrom(cs, cr)
    const client = partFor(cs.endpoint)
    let server: Part
    if (sameService(cs.endpoint, sr.endpoint)) {
      // Loopback: both sides on one service still make two spans.
      client.kind = 'client'
      server = fork(sr.endpoint!)
      server.kind = 'server'
    } else {
      server = partFor(sr.endpoint)
    }
    server.shared = true
    server.timestampUs = sr.timestamp
    if (ss) server.durationUs = ss.timestamp - sr.timestamp
    if (!cr && sourceDuration === 0) delete client.durationUs // one-way: no duration
  } else if (cs && cr) {
    timeFrom(cs, cr)
  } else if (sr && ss) {
    timeFrom(sr, ss)
  } else {
    // An incomplete RPC: start at the annotation seen, keep the other as a log.
    for (const part of parts) {
      if (part.kind === 'client') {
        if (cs) part.timestampUs = cs.timestamp
        if (cr) part.logs.push(annotationLog(cr.timestamp, cr.value))
      } else if (part.kind === 'server') {
        if (sr) part.timestampUs = sr.timestamp
        if (ss) part.logs.push(annotationLog(ss.timestamp, ss.value))
      }
    }
    if (sourceTimestamp !== 0) {
      first.timestampUs = sourceTimestamp
      first.durationUs = sourceDuration || undefined
    }
  }

  // v1 had no shared flag: a server side without the authoritative timestamp was the shared half.
  if (!cs && sr && (sourceTimestamp === 0 || (ss && sourceDuration === 0))) partFor(sr.endpoint).shared = true

  if (ms && mr) {
    const producer = partFor(ms.endpoint)
    let consumer: Part
    if (sameService(ms.endpoint, mr.endpoint)) {
      producer.kind = 'producer'
      consumer = fork(mr.endpoint!)
      consumer.kind = 'consumer'
    } else {
      consumer = partFor(mr.endpoint)
    }
    consumer.shared = true
    if (wr) {
      consumer.timestampUs = wr.timestamp
      consumer.durationUs = mr.timestamp - wr.timestamp
    } else {
      consumer.timestampUs = mr.timestamp
    }
    producer.timestampUs = ms.timestamp
    if (ws) producer.durationUs = ws.timestamp - ms.timestamp
    else delete producer.durationUs
  } else if (ms) {
    timeFrom(ms, ws)
  } else if (mr) {
    if (wr) timeFrom(wr, mr)
    else timeFrom(mr, undefined)
  } else {
    if (ws) partFor(ws.endpoint).logs.push(annotationLog(ws.timestamp, ws.value))
    if (wr) partFor(wr.endpoint).logs.push(annotationLog(wr.timestamp, wr.value))
  }

  // Binary annotations: address annotations name remote endpoints, the rest are typed tags.
  let ca: ZipkinEndpoint | undefined
  let sa: ZipkinEndpoint | undefined
  let ma: ZipkinEndpoint | undefined
  for (const b of source.binaryAnnotations) {
    if (b.type === 'BOOL' && (b.key === 'ca' || b.key === 'sa' || b.key === 'ma')) {
      if (b.value && b.endpoint) {
        if (b.key === 'ca') ca = b.endpoint
        else if (b.key === 'sa') sa = b.endpoint
        else ma = b.endpoint
      }
      continue
    }
    // `lc` with an empty value only marks a local span.
    if (b.key === 'lc' && b.type === 'STRING' && b.value === '') continue
    partFor(b.endpoint).tags.set(b.key, toTag(b))
  }

  const noCore = !cs && !cr && !ss && !sr
  if (noCore && (ca || sa)) {
    if (ca && sa) {
      partFor(ca).remoteEndpoint = sa
    } else if (sa) {
      // "sa" alone names a remote address; it does not make a client span.
      first.remoteEndpoint = sa
    } else {
      first.kind = 'server'
      first.remoteEndpoint = ca
    }
  } else {
    const server = sr ?? ss
    if (ca && server && !sameEndpoint(ca, server.endpoint)) {
      // Finagle reports the client's socket under the server's own name: drop the name so no
      // loopback link appears.
      const remote = sameService(ca, server.endpoint) ? { ...ca, serviceName: undefined } : ca
      if (remote.serviceName === undefined) delete remote.serviceName
      partFor(server.endpoint).remoteEndpoint = remote
    }
    if (sa) {
      if (cs) partFor(cs.endpoint).remoteEndpoint = sa
      else if (cr) partFor(cr.endpoint).remoteEndpoint = sa
    }
    if (ma) {
      // Both sides of a (mistakenly) shared messaging span get the broker.
      if (ms) partFor(ms.endpoint).remoteEndpoint = ma
      if (mr) partFor(mr.endpoint).remoteEndpoint = ma
    }
  }

  return parts.map((part) => {
    const span: Span = {
      traceId,
      spanId,
      references: parentId === undefined ? [] : [{ type: 'child_of', traceId, spanId: parentId }],
      operationName: source.name,
      shared: part.shared,
      startTimeUs: part.timestampUs ?? 0,
      durationUs: part.durationUs ?? 0,
      flags: SAMPLED_FLAG | (source.debug ? DEBUG_FLAG : 0),
      tags: [...part.tags.values()],
      logs: part.logs,
      process: { serviceName: part.localEndpoint?.serviceName ?? '', tags: [] },
      warnings: [],
    }
    if (part.kind) span.kind = part.kind
    const local: Endpoint | undefined = toModelEndpoint(part.localEndpoint)
    if (local) span.localEndpoint = local
    const remote = toModelEndpoint(part.remoteEndpoint)
    if (remote) span.remoteEndpoint = remote
    return span
  })
}

function toTag(b: ZipkinV1Span['binaryAnnotations'][number]): Tag {
  switch (b.type) {
    case 'STRING':
      return { key: b.key, type: 'string', value: b.value }
    case 'BOOL':
      return { key: b.key, type: 'bool', value: b.value }
    case 'I16':
    case 'I32':
    case 'I64':
      return { key: b.key, type: 'int64', value: b.value }
    case 'DOUBLE':
      return { key: b.key, type: 'float64', value: b.value }
    case 'BYTES':
      return { key: b.key, type: 'binary', value: b.value }
  }
}
