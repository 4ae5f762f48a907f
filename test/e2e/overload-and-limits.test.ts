/** A full queue is an answer the client sees (503 + Retry-After), and oversized input gets 413. */
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { jaegerGet } from '../helpers/jaeger-api.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { postZipkinV2, zipkinSpan } from '../helpers/zipkin-spans.js'
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
