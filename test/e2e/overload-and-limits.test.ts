/**
 * A full queue is an answer the client sees (503 + Retry-After over HTTP, RESOURCE_EXHAUSTED over
 * gRPC), and oversized input gets 413.
 */
import { gzipSync } from 'node:zlib'
import { type ServiceError, status as GrpcStatus } from '@grpc/grpc-js'
import { afterEach, describe, expect, it } from 'vitest'
import { jaegerGet } from '../helpers/jaeger-api.js'
import { protoTime } from '../helpers/jaeger-fixtures.js'
import { JaegerGrpcClient } from '../helpers/jaeger-grpc-client.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { postZipkinV2, randomId, zipkinSpan } from '../helpers/zipkin-spans.js'
import { configSchema } from '../../src/config/schema.js'

const apps: TestApp[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close()
    app.removeFiles()
  }
})

async function start(overrides: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const app = await startTestApp(overrides)
  apps.push(app)
  return app
}

describe('overload', () => {
  it('refuses with 503 and Retry-After when the queue is full, keeps what it acknowledged, and recovers', async () => {
    const pipeline = configSchema.shape.pipeline.parse({ queueCapacitySpans: 40, batchMaxSpans: 40 })
    const app = await start({ overrides: { pipeline } })
    const requests = Array.from({ length: 60 }, (_, i) => Array.from({ length: 20 }, () => zipkinSpan({ service: 'flood', tags: { i: String(i) } })))
    const answers = await Promise.all(
      requests.map(async (spans) => {
        const response = await fetch(`${app.urls.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spans) })
        return { spans, status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() }
      }),
    )
    const busy = answers.filter((a) => a.status === 503)
    const accepted = answers.filter((a) => a.status === 202)
    expect(busy.length).toBeGreaterThan(0)
    expect(accepted.length).toBeGreaterThan(0)
    expect(busy.length + accepted.length).toBe(answers.length)
    expect(busy[0]!.retryAfter).toBe('1')
    expect(busy[0]!.text).toContain('the ingest queue is full')
    for (const { spans } of accepted) {
      const { status } = await jaegerGet(app.urls.query, `/api/traces/${spans[0]!.traceId}`)
      expect(status).toBe(200)
    }
    // Refused requests left nothing behind.
    for (const { spans } of busy) expect((await jaegerGet(app.urls.query, `/api/traces/${spans[0]!.traceId}`)).status).toBe(404)
    // Once the burst is over the queue takes requests again.
    expect((await postZipkinV2(app.urls.zipkin, [zipkinSpan({ service: 'after-flood' })])).status).toBe(202)
  })

  it('refuses PostSpans with RESOURCE_EXHAUSTED when the queue is full, keeps what it acknowledged, and recovers', async () => {
    const pipeline = configSchema.shape.pipeline.parse({ queueCapacitySpans: 40, batchMaxSpans: 40 })
    const app = await start({ overrides: { pipeline } })
    const collector = new JaegerGrpcClient(app.urls.jaegerGrpc, 'CollectorService')
    try {
      const startUs = Date.now() * 1000
      // One trace per batch, so each batch's fate can be read back on its own.
      const batch = (service: string) => {
        const traceId = randomId() + randomId()
        const spans = Array.from({ length: 20 }, () => ({
          traceId: Buffer.from(traceId, 'hex'),
          spanId: Buffer.from(randomId(), 'hex'),
          operationName: 'flood',
          startTime: protoTime(startUs),
          duration: protoTime(100),
        }))
        return { traceId, request: { batch: { spans, process: { serviceName: service } } } }
      }
      const answers = await Promise.all(
        Array.from({ length: 60 }, async () => {
          const { traceId, request } = batch('grpc-flood')
          const code = await collector.unary('PostSpans', request).then(
            () => GrpcStatus.OK,
            (error: ServiceError) => {
              expect(error.details).toContain('the ingest queue is full')
              return error.code
            },
          )
          return { traceId, code }
        }),
      )
      const busy = answers.filter((a) => a.code === GrpcStatus.RESOURCE_EXHAUSTED)
      const accepted = answers.filter((a) => a.code === GrpcStatus.OK)
      expect(busy.length).toBeGreaterThan(0)
      expect(accepted.length).toBeGreaterThan(0)
      expect(busy.length + accepted.length).toBe(answers.length)
      for (const { traceId } of accepted) {
        const { status, body } = await jaegerGet<{ spans: unknown[] }[]>(app.urls.query, `/api/traces/${traceId}`)
        expect(status).toBe(200)
        expect(body.data[0]!.spans).toHaveLength(20)
      }
      // Refused batches left nothing behind.
      for (const { traceId } of busy) expect((await jaegerGet(app.urls.query, `/api/traces/${traceId}`)).status).toBe(404)
      // Once the burst is over the queue takes batches again.
      const after = batch('grpc-after-flood')
      expect(await collector.unary('PostSpans', after.request)).toEqual({})
      expect((await jaegerGet(app.urls.query, `/api/traces/${after.traceId}`)).status).toBe(200)

      const metrics = await (await fetch(`${app.urls.admin}/metrics`)).text()
      const calls = (code: string) => `spanlite_grpc_requests_total{service="jaeger.api_v2.CollectorService",method="PostSpans",code="${code}"}`
      expect(metrics).toContain(`${calls('OK')} ${accepted.length + 1}\n`)
      expect(metrics).toContain(`${calls('RESOURCE_EXHAUSTED')} ${busy.length}\n`)
      expect(metrics).toContain(`spanlite_spans_rejected_total{transport="grpc",format="jaeger-proto",reason="busy"} ${busy.length * 20}\n`)
    } finally {
      collector.close()
    }
  })
})

describe('limits', () => {
  it('answers 413 for a body over the limit, raw or after gzip inflation', async () => {
    const ingest = configSchema.shape.ingest.parse({ maxBodyBytes: 64 * 1024 })
    const app = await start({ overrides: { ingest } })
    const big = JSON.stringify([zipkinSpan({ service: 'big', tags: { blob: 'x'.repeat(100 * 1024) } })])
    const raw = await fetch(`${app.urls.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big })
    expect(raw.status).toBe(413)
    // A gzip bomb: 20 MB of zeros in about 20 KB.
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(64 * 1024)
    const inflated = await fetch(`${app.urls.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb })
    expect(inflated.status).toBe(413)
    expect(await inflated.text()).toContain('inflates to more than 65536 bytes')
    expect((await postZipkinV2(app.urls.zipkin, [zipkinSpan({ service: 'small' })], { gzip: true })).status).toBe(202)
  })

  it('answers 413 for too many spans in one request', async () => {
    const ingest = configSchema.shape.ingest.parse({ maxSpansPerRequest: 10 })
    const app = await start({ overrides: { ingest } })
    const answer = await postZipkinV2(app.urls.zipkin, Array.from({ length: 11 }, () => zipkinSpan({ service: 'many' })))
    expect(answer.status).toBe(413)
    expect(answer.text).toContain('holds 11 spans, more than the limit of 10')
    expect((await postZipkinV2(app.urls.zipkin, Array.from({ length: 10 }, () => zipkinSpan({ service: 'many' })))).status).toBe(202)
  })

  it('truncates an oversized tag value and says so in a span warning', async () => {
    const ingest = configSchema.shape.ingest.parse({ maxTagValueLength: 100 })
    const app = await start({ overrides: { ingest } })
    const span = zipkinSpan({ service: 'long-tag', tags: { sql: 'y'.repeat(1000), short: 'ok' } })
    expect((await postZipkinV2(app.urls.zipkin, [span])).status).toBe(202)
    const { body } = await jaegerGet<{ spans: { tags: { key: string; value: string }[]; warnings: string[] }[] }[]>(app.urls.query, `/api/traces/${span.traceId}`)
    const stored = body.data[0]!.spans[0]!
    expect(stored.tags.find((t) => t.key === 'sql')!.value).toBe('y'.repeat(100))
    expect(stored.tags.find((t) => t.key === 'short')!.value).toBe('ok')
    expect(stored.warnings).toEqual(["tag 'sql' truncated from 1000 to 100 characters"])
  })
})
