/**
 * Zipkin's own data and answers (../shared/conformance/zipkin, see its README): every v2 file
 * posted to /api/v2/spans reads back as Zipkin returns it, the queries answer as Zipkin's
 * in-memory store does, and v1 files convert as Zipkin's V1SpanConverter does.
 *
 * Documented difference: Zipkin lower-cases service and span names; spanlite keeps them as
 * sent and matches exactly. Names are compared lower-cased where Zipkin lists them, and a
 * query whose name only matches in another case finds nothing here.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { configSchema } from '../../src/config/schema.js'
import { randomSource } from '../fuzz/mutate.js'

const DIR = new URL('../../../shared/conformance/zipkin/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8')
const readJson = <T>(name: string): T => JSON.parse(read(name)) as T

/** The v2 files as list bodies: the two single-object files wrapped in [ ]. */
const V2_FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'))
const listBody = (file: string) => {
  const text = read(file)
  return text.trimStart().startsWith('[') ? text : `[${text}]`
}

interface ZipkinSpan {
  traceId: string
  id: string
  [key: string]: unknown
}

async function post(app: TestApp, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.urls.zipkin}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  return { status: response.status, text: await response.text() }
}

async function get<T>(app: TestApp, path: string): Promise<T> {
  const response = await fetch(`${app.urls.zipkin}${path}`)
  expect(response.status, path).toBe(200)
  return (await response.json()) as T
}

const byKey = (spans: ZipkinSpan[]) =>
  [...spans].sort((a, b) => JSON.stringify([a.id, a.kind, a.shared ?? false, a.timestamp]).localeCompare(JSON.stringify([b.id, b.kind, b.shared ?? false, b.timestamp])))

/** Zipkin's JSON for comparison: trace ids of 128-bit traces with a zero high half print short. */
const canonical = (span: ZipkinSpan) => {
  const copy: Record<string, unknown> = { ...span, traceId: span.traceId.replace(/^0{16}/, '') }
  return copy
}

const expectedFiles = readdirSync(new URL('expected/', DIR)).filter((f) => f.endsWith('.expected.json') && f !== 'all-files.expected.json')
const DEPENDENCIES = 'GET /api/v2/dependencies?endTs={endTs}&lookback={lookback}'

describe('Zipkin conformance data, one file at a time', () => {

  for (const expectedFile of expectedFiles) {
    it(`${expectedFile.replace('.expected.json', '.json')} reads back as Zipkin answers`, async () => {
      const expected = readJson<Record<string, unknown>>(`expected/${expectedFile}`)
      const file = expected.file as string
      const app = await startTestApp()
      try {
        // gzip on alternate files: compressed ingest takes the same path
        const gzip = file.length % 2 === 0
        const body = listBody(file)
        const sent = gzip ? await post(app, '/api/v2/spans', gzipSync(body), { 'content-encoding': 'gzip' }) : await post(app, '/api/v2/spans', body)
        expect(sent.status).toBe(202)
        expect(sent.text).toBe('')

        const posted = JSON.parse(body) as ZipkinSpan[]
        for (const [traceId, count] of Object.entries(expected['GET /api/v2/trace/{traceId} (span count)'] as Record<string, number>)) {
          const trace = await get<ZipkinSpan[]>(app, `/api/v2/trace/${traceId}`)
          expect(trace).toHaveLength(count)
          // Stored raw: every posted span comes back field for field.
          expect(byKey(trace).map(canonical)).toEqual(byKey(posted.filter((s) => s.traceId === traceId)).map(canonical))
        }

        const window = `endTs=${expected.endTs}&lookback=${expected.lookback}`
        const services = await get<string[]>(app, '/api/v2/services')
        expect(services.map((s) => s.toLowerCase()).sort()).toEqual(expected['GET /api/v2/services'])
        const spansByService = expected['GET /api/v2/spans?serviceName={service}'] as Record<string, string[]>
        const remoteByService = expected['GET /api/v2/remoteServices?serviceName={service}'] as Record<string, string[]>
        for (const service of services) {
          const names = await get<string[]>(app, `/api/v2/spans?serviceName=${encodeURIComponent(service)}`)
          expect(lowerSet(names), service).toEqual(spansByService[service.toLowerCase()])
          const remote = await get<string[]>(app, `/api/v2/remoteServices?serviceName=${encodeURIComponent(service)}`)
          expect(lowerSet(remote), service).toEqual(remoteByService[service.toLowerCase()])
        }
        const links = await get<{ parent: string; child: string }[]>(app, `/api/v2/dependencies?${window}`)
        expect(sortLinks(links.map(lowerLink))).toEqual(sortLinks(expected[DEPENDENCIES] as never))
      } finally {
        await app.close()
        app.removeFiles()
      }
    })
  }
})

const lowerSet = (names: string[]) => [...new Set(names.map((n) => n.toLowerCase()))].sort()
const lowerLink = <T extends { parent: string; child: string }>(link: T): T => ({ ...link, parent: link.parent.toLowerCase(), child: link.child.toLowerCase() })
const sortLinks = <T extends { parent: string; child: string }>(links: T[]) => [...links].sort((a, b) => `${a.parent} ${a.child}`.localeCompare(`${b.parent} ${b.child}`))

describe('Zipkin conformance data, a few spans at a time in shuffled order', () => {
  // The store links traces as their spans arrive: whatever the order, the links are those of the whole traces.
  for (const expectedFile of expectedFiles) {
    it(`${expectedFile.replace('.expected.json', '.json')} links its services as Zipkin does`, async () => {
      const expected = readJson<Record<string, unknown>>(`expected/${expectedFile}`)
      const spans = JSON.parse(listBody(expected.file as string)) as ZipkinSpan[]
      const random = randomSource(expectedFile.length)
      const shuffled = spans.map((span) => ({ span, key: random() })).sort((a, b) => a.key - b.key).map(({ span }) => span)
      const app = await startTestApp()
      try {
        for (let i = 0; i < shuffled.length; ) {
          const batch = shuffled.slice(i, (i += 1 + Math.floor(random() * 3)))
          expect((await post(app, '/api/v2/spans', JSON.stringify(batch))).status).toBe(202)
        }
        const links = await get<{ parent: string; child: string }[]>(app, `/api/v2/dependencies?endTs=${expected.endTs}&lookback=${expected.lookback}`)
        expect(sortLinks(links.map(lowerLink))).toEqual(sortLinks(expected[DEPENDENCIES] as never))
      } finally {
        await app.close()
        app.removeFiles()
      }
    })
  }
})

describe('Zipkin conformance data, all files together', () => {
  let app: TestApp
  const expected = readJson<{
    endTs: number
    lookback: number
    'GET /api/v2/services': string[]
    queries: { request: string; traces: { traceId: string; spans: number }[] }[]
    'GET /api/v2/autocompleteKeys': string[]
    [key: string]: unknown
  }>('expected/all-files.expected.json')

  beforeAll(async () => {
    app = await startTestApp({ overrides: { autocomplete: configSchema.shape.autocomplete.parse({ keys: 'http.method,kafka.topic' }) } })
    for (const file of V2_FILES) expect((await post(app, '/api/v2/spans', listBody(file))).status, file).toBe(202)
  })
  afterAll(async () => {
    await app.close()
    app.removeFiles()
  })

  it('lists the services (lower-cased for comparison)', async () => {
    const services = await get<string[]>(app, '/api/v2/services')
    expect(lowerSet(services)).toEqual(expected['GET /api/v2/services'])
  })

  it('answers the autocomplete requests', async () => {
    expect(await get(app, '/api/v2/autocompleteKeys')).toEqual(expected['GET /api/v2/autocompleteKeys'])
    for (const key of ['http.method', 'kafka.topic']) {
      expect(await get(app, `/api/v2/autocompleteValues?key=${key}`)).toEqual(expected[`GET /api/v2/autocompleteValues?key=${key}`])
    }
  })

  for (const query of expected.queries) {
    it(query.request, async () => {
      const path = query.request.replace(/^GET /, '')
      const url = new URL(path, 'http://x')
      const services = await get<string[]>(app, '/api/v2/services')
      const serviceName = url.searchParams.get('serviceName')
      let want = query.traces
      if (serviceName !== null && !services.includes(serviceName)) {
        const stored = services.find((s) => s.toLowerCase() === serviceName.toLowerCase())
        if (stored !== undefined) {
          // Case-sensitive by design: the other spelling finds nothing, the stored one finds Zipkin's answer.
          expect(await get<unknown[]>(app, `${url.pathname}${url.search}`)).toEqual([])
          url.searchParams.set('serviceName', stored)
        } else {
          want = []
        }
      }
      const traces = await get<ZipkinSpan[][]>(app, `${url.pathname}?${url.searchParams.toString().replace(/\+/g, '%20')}`)
      expect(traces.map((t) => ({ traceId: t[0]!.traceId, spans: t.length }))).toEqual(want)
    })
  }
})

describe('Zipkin v1 conformance data', () => {
  for (const name of ['span-client', 'span-local', 'span-rpc', 'span-rpc-ipv6']) {
    it(`v1/${name}.json converts as Zipkin's V1SpanConverter does`, async () => {
      const app = await startTestApp()
      try {
        expect((await post(app, '/api/v1/spans', `[${read(`v1/${name}.json`)}]`)).status).toBe(202)
        const want = readJson<ZipkinSpan[]>(`expected/v1/${name}.v2.json`)
        const trace = await get<ZipkinSpan[]>(app, `/api/v2/trace/${want[0]!.traceId}`)
        expect(byKey(trace).map(canonical)).toEqual(byKey(want).map(canonical))
      } finally {
        await app.close()
        app.removeFiles()
      }
    })
  }
})
