/** Small readers for the Zipkin v2 and Jaeger query APIs used by the Zipkin suites. */
import { expect } from 'vitest'
import { eventually } from './test-app.js'

export interface ZipkinJsonSpan {
  traceId: string
  id: string
  parentId?: string
  kind?: string
  name?: string
  timestamp?: number
  duration?: number
  shared?: boolean
  debug?: boolean
  localEndpoint?: Record<string, unknown>
  remoteEndpoint?: Record<string, unknown>
  annotations?: { timestamp: number; value: string }[]
  tags?: Record<string, string>
}

export interface JaegerJsonSpan {
  traceID: string
  spanID: string
  operationName: string
  references: { refType: string; traceID: string; spanID: string }[]
  startTime: number
  duration: number
  tags: { key: string; type: string; value: unknown }[]
  logs: { timestamp: number; fields: { key: string; value: unknown }[] }[]
  processID: string
  warnings: string[] | null
}

export interface JaegerJsonTrace {
  traceID: string
  spans: JaegerJsonSpan[]
  processes: Record<string, { serviceName: string }>
}

export async function postSpans(baseUrl: string, path: string, body: string | Uint8Array, contentType = 'application/json') {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } })
  return { status: response.status, text: await response.text() }
}

export async function zipkinGet<T>(baseUrl: string, path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`)
  const text = await response.text()
  expect(response.status, `${path}: ${text}`).toBe(200)
  return JSON.parse(text) as T
}

export async function jaegerTrace(queryUrl: string, traceId: string): Promise<JaegerJsonTrace> {
  const body = await zipkinGet<{ data: JaegerJsonTrace[] }>(queryUrl, `/api/traces/${traceId}`)
  expect(body.data).toHaveLength(1)
  return body.data[0]!
}

/** Spans in a stable order, for comparing traces whose span order is not significant. */
export function sortZipkin(spans: ZipkinJsonSpan[]): ZipkinJsonSpan[] {
  const key = (s: ZipkinJsonSpan) => `${s.id} ${s.shared ? 1 : 0} ${s.kind ?? ''} ${s.timestamp ?? 0}`
  return [...spans].sort((a, b) => key(a).localeCompare(key(b)))
}

/** A Jaeger trace as comparable data: service, name, parent's name, times, tags by key. */
export function jaegerShape(trace: JaegerJsonTrace) {
  const byId = new Map(trace.spans.map((s) => [s.spanID, s]))
  return trace.spans
    .map((span) => {
      const parent = span.references.find((r) => r.refType === 'CHILD_OF')
      const parentSpan = parent ? byId.get(parent.spanID) : undefined
      return {
        service: trace.processes[span.processID]!.serviceName,
        name: span.operationName,
        parent: parentSpan ? `${trace.processes[parentSpan.processID]!.serviceName}:${parentSpan.operationName}` : parent ? 'missing' : null,
        startTime: span.startTime,
        duration: span.duration,
        tags: Object.fromEntries(span.tags.map((t) => [t.key, t.value])),
        logs: span.logs.map((l) => ({ timestamp: l.timestamp, fields: l.fields.map((f) => `${f.key}=${String(f.value)}`) })),
      }
    })
    .sort((a, b) => `${a.service} ${a.name} ${a.startTime}`.localeCompare(`${b.service} ${b.name} ${b.startTime}`))
}

/** The trace once it has `spanCount` spans (for clients that report asynchronously). */
export function eventuallyTrace(baseUrl: string, traceId: string, spanCount: number): Promise<ZipkinJsonSpan[]> {
  return eventually(async () => {
    const response = await fetch(`${baseUrl}/api/v2/trace/${traceId}`)
    if (response.status !== 200) return undefined
    const spans = (await response.json()) as ZipkinJsonSpan[]
    return spans.length >= spanCount ? spans : undefined
  }, `trace ${traceId} with ${spanCount} spans`)
}
