/**
 * The npm jaeger-client (OpenTracing) with its HTTP sender posts jaeger.thrift batches to
 * POST /api/traces; the traces read back intact through the Jaeger HTTP API.
 */
import jaegerClient from 'jaeger-client'
import { describe, expect, it } from 'vitest'
import { getJson, useTestApp } from '../helpers/test-app.js'

interface UiKeyValue {
  key: string
  type: string
  value: unknown
}
interface UiSpan {
  spanID: string
  operationName: string
  references: { refType: string; spanID: string; traceID: string }[]
  startTime: number
  duration: number
  flags?: number
  tags: UiKeyValue[]
  logs: { timestamp: number; fields: UiKeyValue[] }[]
  processID: string
}
interface UiTrace {
  traceID: string
  spans: UiSpan[]
  processes: Record<string, { serviceName: string; tags: UiKeyValue[] }>
}

const silent = { info: () => {}, error: (message: string) => console.error(message) }

function makeTracer(serviceName: string, endpoint: string, traceId128bit = false) {
  return jaegerClient.initTracer(
    {
      serviceName,
      sampler: { type: 'const', param: 1 },
      reporter: { collectorEndpoint: endpoint, flushIntervalMs: 60_000 },
    },
    { logger: silent, traceId128bit, tags: { 'deploy.zone': 'z1' } },
  )
}

function close(tracer: ReturnType<typeof makeTracer>): Promise<void> {
  return new Promise((resolve) => tracer.close(() => resolve()))
}

describe('jaeger-client HTTP sender to POST /api/traces', () => {
  const app = useTestApp()

  it('stores a two-service trace with typed tags, logs and references', async () => {
    const endpoint = `${app.urls.jaegerHttp}/api/traces`
    const frontend = makeTracer('jc-frontend', endpoint, true)
    const backend = makeTracer('jc-backend', endpoint, true)

    const root = frontend.startSpan('GET /checkout', { tags: { 'span.kind': 'server', 'http.status_code': 200, ok: true } })
    const call = frontend.startSpan('call backend', { childOf: root, tags: { 'span.kind': 'client', ratio: 0.25 } })
    const handle = backend.startSpan('handle', { childOf: call.context(), tags: { 'span.kind': 'server', payload: Buffer.from([0, 1, 2, 255]) } })
    handle.log({ event: 'cache miss', 'key.size': 3 })
    handle.finish()
    call.finish()
    root.finish()
    await close(backend)
    await close(frontend)

    // jaeger-client prints ids in hex without leading zeros.
    const traceId = root.context().toTraceId().padStart(32, '0')
    const { status, body } = await getJson<{ data: UiTrace[] }>(`${app.urls.query}/api/traces/${traceId}`)
    expect(status).toBe(200)
    const trace = body.data[0]!
    expect(trace.traceID).toBe(traceId)
    const byName = new Map(trace.spans.map((s) => [s.operationName, s]))
    expect([...byName.keys()].sort()).toEqual(['GET /checkout', 'call backend', 'handle'])

    const rootSpan = byName.get('GET /checkout')!
    const callSpan = byName.get('call backend')!
    const handleSpan = byName.get('handle')!
    expect(rootSpan.spanID).toBe(root.context().toSpanId().padStart(16, '0'))
    expect(rootSpan.references).toEqual([])
    expect(callSpan.references).toEqual([{ refType: 'CHILD_OF', traceID: traceId, spanID: rootSpan.spanID }])
    expect(handleSpan.references).toEqual([{ refType: 'CHILD_OF', traceID: traceId, spanID: callSpan.spanID }])
    expect(rootSpan.flags).toBe(1)

    expect(rootSpan.tags).toEqual(
      expect.arrayContaining([
        { key: 'span.kind', type: 'string', value: 'server' },
        { key: 'http.status_code', type: 'float64', value: 200 },
        { key: 'ok', type: 'bool', value: true },
      ]),
    )
    expect(rootSpan.tags.filter((t) => t.key === 'span.kind')).toHaveLength(1)
    expect(callSpan.tags).toEqual(expect.arrayContaining([{ key: 'ratio', type: 'float64', value: 0.25 }]))
    expect(handleSpan.tags).toEqual(expect.arrayContaining([{ key: 'payload', type: 'binary', value: Buffer.from([0, 1, 2, 255]).toString('base64') }]))
    expect(handleSpan.logs).toHaveLength(1)
    expect(handleSpan.logs[0]!.fields).toEqual([
      { key: 'event', type: 'string', value: 'cache miss' },
      { key: 'key.size', type: 'float64', value: 3 },
    ])
    expect(handleSpan.logs[0]!.timestamp).toBeGreaterThanOrEqual(handleSpan.startTime)

    for (const span of trace.spans) expect(span.duration).toBeGreaterThanOrEqual(0)
    expect(callSpan.startTime).toBeGreaterThanOrEqual(rootSpan.startTime)
    const frontendProcess = trace.processes[rootSpan.processID]!
    expect(frontendProcess.serviceName).toBe('jc-frontend')
    expect(frontendProcess.tags).toEqual(expect.arrayContaining([{ key: 'deploy.zone', type: 'string', value: 'z1' }]))
    expect(trace.processes[handleSpan.processID]!.serviceName).toBe('jc-backend')

    // Found by search too: the kind came from the span.kind tag.
    const operations = await getJson<{ data: { name: string; spanKind: string }[] }>(`${app.urls.query}/api/operations?service=jc-frontend`)
    expect(operations.body.data).toEqual([
      { name: 'GET /checkout', spanKind: 'server' },
      { name: 'call backend', spanKind: 'client' },
    ])

    // The Zipkin API shows the kind as Zipkin's kind field, not also as a span.kind tag.
    const zipkin = await getJson<{ name: string; kind?: string; tags?: Record<string, string> }[]>(`${app.urls.zipkin}/api/v2/trace/${traceId}`)
    const zipkinRoot = zipkin.body.find((s) => s.name === 'GET /checkout')!
    expect(zipkinRoot.kind).toBe('SERVER')
    expect(zipkinRoot.tags).not.toHaveProperty('span.kind')
    expect(zipkinRoot.tags).toHaveProperty('ok', 'true')
  })

  it('stores a 64-bit trace id trace', async () => {
    const tracer = makeTracer('jc-short', `${app.urls.jaegerHttp}/api/traces`)
    const span = tracer.startSpan('short-id')
    span.setTag('count', 7)
    span.finish()
    await close(tracer)
    const traceId = span.context().toTraceId()
    const { body } = await getJson<{ data: UiTrace[] }>(`${app.urls.query}/api/traces/${traceId}`)
    expect(body.data[0]!.traceID).toBe(traceId.padStart(16, '0'))
    expect(body.data[0]!.spans.map((s) => s.operationName)).toEqual(['short-id'])
  })
})
