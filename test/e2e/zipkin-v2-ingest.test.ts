/** Zipkin JSON v2 ingest over HTTP and what the Jaeger API then answers. */
import { describe, expect, it } from 'vitest'
import { jaegerGet } from '../helpers/jaeger-api.js'
import { useTestApp } from '../helpers/test-app.js'
import { postZipkinV2, randomId, zipkinSpan } from '../helpers/zipkin-spans.js'

describe('Zipkin JSON v2 ingest and the Jaeger query API', () => {
  const app = useTestApp()
  const traceIds = async (query: string) => {
    const { status, body } = await jaegerGet<{ traceID: string }[]>(app.urls.query, `/api/traces?${query}`)
    expect(status, JSON.stringify(body.errors)).toBe(200)
    return body.data.map((t) => t.traceID)
  }


  it('answers 202 with an empty body, also for gzip, an empty body and []', async () => {
    const span = zipkinSpan({ service: 'ingest-svc' })
    expect(await postZipkinV2(app.urls.zipkin, [span])).toMatchObject({ status: 202, text: '' })
    expect(await postZipkinV2(app.urls.zipkin, [zipkinSpan({ service: 'ingest-svc' })], { gzip: true })).toMatchObject({ status: 202, text: '' })
    expect((await postZipkinV2(app.urls.zipkin, '')).status).toBe(202)
    expect((await postZipkinV2(app.urls.zipkin, [])).status).toBe(202)
    expect(await traceIds('service=ingest-svc')).toHaveLength(2)
    for (const query of ['service=ingest-svc', 'service=no-such-svc']) {
      const { body } = await jaegerGet<unknown[]>(app.urls.query, `/api/traces?${query}`)
      expect(Object.keys(body)).toEqual(['data', 'total', 'limit', 'offset', 'errors'])
      expect(body).toMatchObject({ total: 0, limit: 0, offset: 0, errors: null })
    }
  })

  it('rejects a bad request whole with a 400 naming the problem, and keeps serving', async () => {
    const good = zipkinSpan({ service: 'bad-input-svc' })
    const bad = { ...zipkinSpan({ service: 'bad-input-svc' }), traceId: 'not-hex' }
    const rejected = await postZipkinV2(app.urls.zipkin, [good, bad])
    expect(rejected.status).toBe(400)
    expect(rejected.contentType).toMatch(/^text\/plain/)
    expect(rejected.text).toContain("span[1].traceId: expected up to 32 hex characters, not all zero, got 'not-hex'")
    expect(await traceIds('service=bad-input-svc')).toEqual([])

    for (const [body, message] of [
      ['{"traceId":', 'the body is not valid JSON'],
      [{ traceId: good.traceId }, 'Expected a JSON_V2 encoded list'],
      [[{ ...good, timestamp: 'yesterday' }], "span[0].timestamp: expected a non-negative integer, got 'yesterday'"],
      [[{ ...good, kind: 'SIDEWAYS' }], 'span[0].kind: expected CLIENT, SERVER, PRODUCER or CONSUMER'],
      [[{ ...good, tags: { a: { nested: true } } }], 'span[0].tags.a: expected a string, got an object'],
      [[{ traceId: good.traceId }], 'span[0].id is missing'],
    ] as const) {
      const answer = await postZipkinV2(app.urls.zipkin, body)
      expect(answer.status).toBe(400)
      expect(answer.text).toContain(message)
    }
    const gzipLie = await fetch(`${app.urls.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: '[]' })
    expect(gzipLie.status).toBe(400)
    expect(await gzipLie.text()).toContain('not valid gzip')

    expect((await postZipkinV2(app.urls.zipkin, [good])).status).toBe(202)
    expect(await traceIds('service=bad-input-svc')).toEqual([good.traceId])
  })

  it('stores a retried span once', async () => {
    const span = zipkinSpan({ service: 'retry-svc' })
    await postZipkinV2(app.urls.zipkin, [span])
    await postZipkinV2(app.urls.zipkin, [span, span])
    const { body } = await jaegerGet<{ spans: unknown[] }[]>(app.urls.query, `/api/traces/${span.traceId}`)
    expect(body.data[0]!.spans).toHaveLength(1)
  })

  it('matches tag values exactly: %, *, _ and ? are literal', async () => {
    const values = ['100%', 'a*', 'a_c', 'ab?', 'abc', 'a%c']
    const spans = values.map((value) => zipkinSpan({ service: 'exact-svc', name: 'op%*', tags: { q: value } }))
    expect((await postZipkinV2(app.urls.zipkin, spans)).status).toBe(202)
    const byTag = (value: string) => traceIds(`service=exact-svc&tags=${encodeURIComponent(JSON.stringify({ q: value }))}`)
    for (const [i, value] of values.entries()) expect(await byTag(value)).toEqual([spans[i]!.traceId])
    for (const pattern of ['%', '*', '_', '?', 'a%', 'a.*', 'a_', 'ab_', '100']) expect(await byTag(pattern)).toEqual([])
    expect(await traceIds(`service=exact-svc&tag=${encodeURIComponent('q:a%c')}`)).toEqual([spans[5]!.traceId])
    expect(await traceIds(`service=exact-svc&operation=${encodeURIComponent('op%*')}`)).toHaveLength(values.length)
    expect(await traceIds('service=exact-svc&operation=op%25')).toEqual([])
    expect(await traceIds('service=exact-%25')).toEqual([])
  })

  it('needs one span to satisfy every condition', async () => {
    const traceId = randomId()
    const now = Date.now() * 1000
    await postZipkinV2(app.urls.zipkin, [
      zipkinSpan({ service: 'same-span-svc', traceId, name: 'a', tags: { k1: 'v1' }, duration: 10, timestamp: now - 1000 }),
      zipkinSpan({ service: 'same-span-svc', traceId, name: 'b', tags: { k2: 'v2' }, duration: 5000, timestamp: now }),
    ])
    const tags = (t: object) => encodeURIComponent(JSON.stringify(t))
    expect(await traceIds(`service=same-span-svc&tags=${tags({ k1: 'v1' })}`)).toEqual([traceId])
    expect(await traceIds(`service=same-span-svc&tags=${tags({ k1: 'v1', k2: 'v2' })}`)).toEqual([])
    expect(await traceIds(`service=same-span-svc&operation=a&tags=${tags({ k2: 'v2' })}`)).toEqual([])
    expect(await traceIds(`service=same-span-svc&operation=b&tags=${tags({ k2: 'v2' })}&minDuration=4ms`)).toEqual([traceId])
    expect(await traceIds(`service=same-span-svc&tags=${tags({ k1: 'v1' })}&minDuration=4ms`)).toEqual([])
    expect(await traceIds(`service=same-span-svc&start=${now + 1}`)).toEqual([])
    expect(await traceIds(`service=same-span-svc&start=${now}&end=${now}`)).toEqual([traceId])
  })

  it('returns the newest traces first when more match than the limit', async () => {
    const base = Date.now() * 1000 - 60_000_000
    const spans = Array.from({ length: 5 }, (_, i) => zipkinSpan({ service: 'limit-svc', timestamp: base + i * 1000, tags: { shard: 'x' } }))
    await postZipkinV2(app.urls.zipkin, [spans[3], spans[0], spans[4], spans[1], spans[2]])
    const newestFirst = [spans[4]!, spans[3]!, spans[2]!].map((s) => s.traceId)
    expect(await traceIds('service=limit-svc&limit=3')).toEqual(newestFirst)
    expect(await traceIds('service=limit-svc&limit=3&tag=shard:x')).toEqual(newestFirst)
  })

  it('answers unknown traces with 404 and bad parameters with 400, in the Jaeger envelope', async () => {
    const missing = await jaegerGet(app.urls.query, '/api/traces/00000000000000000000000000abcdef')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404 }] })
    for (const [query, message] of [
      ['', "parameter 'service' is required"],
      ['service=a&minDuration=fast', "parameter 'minDuration': 'fast' is not a duration"],
      ['service=a&minDuration=2s&maxDuration=1s', "'maxDuration' should be greater than 'minDuration'"],
      ['service=a&limit=-1', "parameter 'limit' must be a non-negative integer"],
      ['service=a&start=yesterday', "parameter 'start' must be microseconds since the epoch"],
      ['service=a&tags=notjson', "malformed 'tags' parameter"],
      ['service=a&tags={"n":1}', "the value of 'n' must be a string"],
      ['service=a&tag=novalue', "malformed 'tag' parameter"],
      ['traceID=xyz', "'xyz' is not a trace id"],
    ]) {
      const { status, body } = await jaegerGet(app.urls.query, `/api/traces?${query}`)
      expect(status, query).toBe(400)
      expect(body.errors?.[0]?.msg, query).toContain(message)
    }
    const badKind = await jaegerGet(app.urls.query, '/api/operations?service=a&spanKind=sideways')
    expect(badKind.status).toBe(400)
  })

  it('returns traces asked for by repeated traceID', async () => {
    const [a, b] = [zipkinSpan({ service: 'by-id-svc' }), zipkinSpan({ service: 'by-id-svc' })]
    await postZipkinV2(app.urls.zipkin, [a, b])
    const ids = await traceIds(`traceID=${a.traceId}&traceID=${b.traceId}`)
    expect(ids.sort()).toEqual([a.traceId, b.traceId].sort())
    // One not stored is named in the errors; with none found, the answer is a 404.
    const missing = 'f'.repeat(32)
    const partly = await jaegerGet<{ traceID: string }[]>(app.urls.query, `/api/traces?traceID=${a.traceId}&traceID=${missing}`)
    expect(partly.status).toBe(200)
    expect(partly.body.data.map((t) => t.traceID)).toEqual([a.traceId])
    expect(partly.body.errors).toEqual([{ code: 404, msg: 'trace not found', traceID: missing }])
    const none = await jaegerGet<unknown[]>(app.urls.query, `/api/traces?traceID=${missing}`)
    expect(none.status).toBe(404)
    expect(none.body).toEqual({ data: [], total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found', traceID: missing }] })
  })

  it('answers names and values beyond ASCII byte for byte, in both query APIs', async () => {
    const span = zipkinSpan({ service: 'usługa-✓', name: 'żółw 🐢', tags: { 'klucz-ß': 'wartość “quoted” 日本' } })
    expect((await postZipkinV2(app.urls.zipkin, [span])).status).toBe(202)
    const jaeger = await fetch(`${app.urls.query}/api/traces/${span.traceId}`)
    const text = await jaeger.text()
    expect(Number(jaeger.headers.get('content-length'))).toBe(Buffer.byteLength(text))
    const [rendered] = (JSON.parse(text) as { data: { spans: { operationName: string; tags: { key: string; value: unknown }[] }[] }[] }).data[0]!.spans
    expect(rendered!.operationName).toBe('żółw 🐢')
    expect(rendered!.tags).toContainEqual({ key: 'klucz-ß', type: 'string', value: 'wartość “quoted” 日本' })
    expect(await traceIds(`service=${encodeURIComponent('usługa-✓')}&tags=${encodeURIComponent(JSON.stringify({ 'klucz-ß': 'wartość “quoted” 日本' }))}`)).toEqual([span.traceId])
    const zipkin = (await (await fetch(`${app.urls.zipkin}/api/v2/trace/${span.traceId}`)).json()) as { name: string; localEndpoint: { serviceName: string } }[]
    expect(zipkin[0]).toMatchObject({ name: 'żółw 🐢', localEndpoint: { serviceName: 'usługa-✓' } })
  })

  it('stores an empty service name under a placeholder', async () => {
    const span = zipkinSpan({ service: '' })
    await postZipkinV2(app.urls.zipkin, [span])
    expect(await traceIds('service=empty-service-name')).toContain(span.traceId)
  })
})
