/**
 * @opentelemetry/exporter-zipkin (2.x) exports real SDK spans as Zipkin JSON v2; the Jaeger
 * API must return them with the exact times, kinds, attributes and parents the SDK recorded.
 */
import { context, SpanKind, trace } from '@opentelemetry/api'
import { hrTimeToMicroseconds } from '@opentelemetry/core'
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jaegerGet, jaegerTrace, parentOf, serviceOf, spanByName, tagValue } from '../helpers/jaeger-api.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

describe('@opentelemetry/exporter-zipkin', () => {
  let app: TestApp
  let recorded: ReadableSpan[]

  beforeAll(async () => {
    app = await startTestApp()
    const memory = new InMemorySpanExporter()
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'otel-shop' }),
      spanProcessors: [
        new SimpleSpanProcessor(new ZipkinExporter({ url: `${app.urls.zipkin}/api/v2/spans` })),
        new SimpleSpanProcessor(memory),
      ],
    })
    const tracer = provider.getTracer('e2e')
    const root = tracer.startSpan('POST /cart', { kind: SpanKind.SERVER, attributes: { 'http.method': 'POST', 'http.status_code': 201 } })
    const child = tracer.startSpan(
      'SELECT carts',
      { kind: SpanKind.CLIENT, attributes: { 'db.system': 'sqlite', 'db.rows': 3, cached: false } },
      trace.setSpan(context.active(), root),
    )
    child.addEvent('rows fetched')
    await new Promise((resolve) => setTimeout(resolve, 5))
    child.end()
    root.end()
    await provider.forceFlush()
    recorded = memory.getFinishedSpans()
    await provider.shutdown()
  })

  afterAll(async () => {
    await app?.close()
    app?.removeFiles()
  })

  it('stores every exported span with the times the SDK recorded', async () => {
    const traceId = recorded[0]!.spanContext().traceId
    const stored = await jaegerTrace(app.urls.query, traceId)
    expect(stored.spans).toHaveLength(2)
    for (const sdkSpan of recorded) {
      const span = stored.spans.find((s) => s.spanID === sdkSpan.spanContext().spanId)!
      expect(span.operationName).toBe(sdkSpan.name)
      expect(serviceOf(stored, span)).toBe('otel-shop')
      expect(span.startTime).toBe(Math.round(hrTimeToMicroseconds(sdkSpan.startTime)))
      expect(span.duration).toBe(Math.round(hrTimeToMicroseconds(sdkSpan.duration)))
    }
    const root = spanByName(stored, 'POST /cart', 'server')
    const child = spanByName(stored, 'SELECT carts', 'client')
    expect(parentOf(root)).toBeUndefined()
    expect(parentOf(child)).toBe(root.spanID)
    expect(child.duration).toBeGreaterThanOrEqual(4000)
    // Zipkin carries attributes as strings.
    expect(tagValue(root, 'http.status_code')).toBe('201')
    expect(tagValue(child, 'db.rows')).toBe('3')
    expect(tagValue(child, 'cached')).toBe('false')
    expect(child.logs.map((log) => log.fields)).toEqual([[{ key: 'event', type: 'string', value: 'rows fetched' }]])
    const event = recorded.find((s) => s.name === 'SELECT carts')!.events[0]!
    expect(child.logs[0]!.timestamp).toBe(Math.round(hrTimeToMicroseconds(event.time)))
  })

  it('lists the operations with their kinds', async () => {
    const { body } = await jaegerGet<{ name: string; spanKind: string }[]>(app.urls.query, '/api/operations?service=otel-shop')
    expect(body.data).toEqual([
      { name: 'POST /cart', spanKind: 'server' },
      { name: 'SELECT carts', spanKind: 'client' },
    ])
  })
})
