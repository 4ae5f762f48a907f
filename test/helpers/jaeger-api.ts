/** Typed reads of spanlite's Jaeger query API for tests. */
import type { JaegerSpan, JaegerTrace } from '../../src/api/jaeger/render.js'
import { getJson } from './test-app.js'

export interface Envelope<T> {
  data: T
  total: number
  limit: number
  offset: number
  errors: { code: number; msg: string }[] | null
}

export async function jaegerGet<T>(queryUrl: string, path: string): Promise<{ status: number; body: Envelope<T> }> {
  return getJson<Envelope<T>>(`${queryUrl}${path}`)
}

export async function jaegerTrace(queryUrl: string, traceId: string): Promise<JaegerTrace> {
  const { status, body } = await jaegerGet<JaegerTrace[]>(queryUrl, `/api/traces/${traceId}`)
  if (status !== 200) throw new Error(`GET /api/traces/${traceId} answered ${status}: ${JSON.stringify(body.errors)}`)
  return body.data[0]!
}

export function spanByName(trace: JaegerTrace, operationName: string, kind?: string): JaegerSpan {
  const span = trace.spans.find(
    (s) => s.operationName === operationName && (kind === undefined || s.tags.some((t) => t.key === 'span.kind' && t.value === kind)),
  )
  if (!span) throw new Error(`no span '${operationName}'${kind ? ` of kind ${kind}` : ''} in trace ${trace.traceID}`)
  return span
}

export function tagValue(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value
}

export function parentOf(span: JaegerSpan): string | undefined {
  return span.references.find((r) => r.refType === 'CHILD_OF')?.spanID
}

export function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID]!.serviceName
}
