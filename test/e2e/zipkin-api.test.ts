/**
 * The Zipkin port's contract beyond the happy path: routing of v1 and v2 bodies, Zipkin's
 * error answers, CORS for browser UIs, and the query endpoints' parameters.
 */
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../../src/config/schema.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { type ZipkinJsonSpan, postSpans, zipkinGet } from '../helpers/zipkin-query.js'

const frontend = { serviceName: 'Frontend', ipv4: '10.3.0.1' }
const spans: ZipkinJsonSpan[] = [
  {
    traceId: 'abc0000000000001',
    id: 'abc0000000000001',
    kind: 'SERVER',
    name: 'GET /Home',
    timestamp: 1_700_000_500_000_000,
    duration: 20_000,
    localEndpoint: frontend,
    tags: { 'http.method': 'GET', 'http.path': '/home' },
  },
  {
    traceId: 'abc0000000000001',
    id: 'abc0000000000002',
    parentId: 'abc0000000000001',
    kind: 'CLIENT',
    name: 'select',
    timestamp: 1_700_000_500_005_000,
    duration: 5_000,
    localEndpoint: frontend,
    remoteEndpoint: { serviceName: 'postgres', port: 5432 },
    annotations: [{ timestamp: 1_700_000_500_006_000, value: 'slow.query' }],
    tags: { 'db.statement': 'select 1', error: 'timeout' },
  },
  {
    traceId: 'abc0000000000002',
    id: 'abc0000000000002',
    kind: 'SERVER',
    name: 'GET /About',
    timestamp: 1_700_000_600_000_000,
    duration: 90_000,
    localEndpoint: frontend,
    tags: { 'http.method': 'POST' },
  },
]
const WINDOW = 'endTs=1700000700000&lookback=300000'

describe('Zipkin port', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp({ overrides: { autocomplete: configSchema.shape.autocomplete.parse({ keys: 'http.method' }) } })
    expect((await postSpans(app.urls.zipkin, '/api/v2/spans', JSON.stringify(spans))).status).toBe(202)
  })
  afterAll(async () => {
    await app?.close()
    app?.removeFiles()
  })

  describe('ingest routing and errors', () => {
    const v1 = [{ traceId: 'def0000000000001', id: 'def0000000000001', name: 'x', annotations: [], binaryAnnotations: [{ key: 'k', value: 'v', endpoint: frontend }] }]

    it('answers 400 naming the format when v1 is posted to v2 or v2 to v1', async () => {
      const toV2 = await postSpans(app.urls.zipkin, '/api/v2/spans', JSON.stringify(v1))
      expect(toV2.status).toBe(400)
      expect(toV2.text).toMatch(/^Expected a JSON_V2 encoded list, but received: JSON_V1/)
      const toV1 = await postSpans(app.urls.zipkin, '/api/v1/spans', JSON.stringify(spans))
      expect(toV1.status).toBe(400)
      expect(toV1.text).toMatch(/^Expected a JSON_V1 encoded list, but received: JSON_V2/)
    })

    it('answers 400 naming the format when Thrift or proto3 reach the other version', async () => {
      const thriftList = Buffer.from([12, 0, 0, 0, 0])
      const thriftToV2 = await postSpans(app.urls.zipkin, '/api/v2/spans', thriftList, 'application/x-thrift')
      expect(thriftToV2.status).toBe(400)
      expect(thriftToV2.text).toMatch(/^Expected a JSON_V2 or PROTO3 encoded list, but received: THRIFT/)
      const protoToV1 = await postSpans(app.urls.zipkin, '/api/v1/spans', Buffer.from([10, 0]), 'application/x-protobuf')
      expect(protoToV1.status).toBe(400)
      expect(protoToV1.text).toMatch(/^Expected a JSON_V1 or THRIFT encoded list, but received: PROTO3/)
      // Thrift bytes sent without their content type are recognised by their first byte.
      const unlabelled = await postSpans(app.urls.zipkin, '/api/v1/spans', thriftList)
      expect(unlabelled.status).toBe(400)
      expect(unlabelled.text).toMatch(/^Expected a JSON_V1 encoded list, but received: THRIFT; send it with Content-Type: application\/x-thrift/)
    })

    it('answers 400 to a bare object and 202 to an empty body or []', async () => {
      for (const path of ['/api/v1/spans', '/api/v2/spans']) {
        const bare = await postSpans(app.urls.zipkin, path, JSON.stringify(spans[0]))
        expect(bare.status, path).toBe(400)
        expect(bare.text).toMatch(/encoded list/)
        expect(await postSpans(app.urls.zipkin, path, '')).toEqual({ status: 202, text: '' })
        expect(await postSpans(app.urls.zipkin, path, '[]')).toEqual({ status: 202, text: '' })
        expect(await postSpans(app.urls.zipkin, path, '', 'application/x-thrift')).toEqual({ status: 202, text: '' })
      }
    })

    it('takes gzip bodies on /api/v1/spans', async () => {
      const response = await fetch(`${app.urls.zipkin}/api/v1/spans`, {
        method: 'POST',
        body: gzipSync(JSON.stringify([{ traceId: 'def00000000000aa', id: 'def00000000000aa', name: 'x', binaryAnnotations: [{ key: 'k', value: 'v', endpoint: { serviceName: 'gzip-sender' } }] }])),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      })
      expect(response.status).toBe(202)
      const [span] = await zipkinGet<ZipkinJsonSpan[]>(app.urls.zipkin, '/api/v2/trace/def00000000000aa')
      expect(span).toMatchObject({ name: 'x', tags: { k: 'v' }, localEndpoint: { serviceName: 'gzip-sender' } })
    })

    it('rejects a whole request when one span is bad, naming the field', async () => {
      const bad = [...v1, { ...v1[0], id: 'def0000000000002', binaryAnnotations: [{ key: 'n', type: 'I16', value: 70000 }] }]
      const answer = await postSpans(app.urls.zipkin, '/api/v1/spans', JSON.stringify(bad))
      expect(answer).toEqual({ status: 400, text: 'span[1].binaryAnnotations[0].value: expected a 16-bit integer, got 70000\n' })
      expect((await fetch(`${app.urls.zipkin}/api/v2/trace/def0000000000001`)).status).toBe(404)
    })

    it('answers 400 to a Thrift body that is not a list of spans', async () => {
      const answer = await postSpans(app.urls.zipkin, '/api/v1/spans', Buffer.from('not thrift at all'), 'application/x-thrift')
      expect(answer.status).toBe(400)
      expect(answer.text).toMatch(/Thrift/)
    })
  })

  describe('queries', () => {
    it('lists services, span names and remote services as sent (case kept)', async () => {
      const services = await zipkinGet<string[]>(app.urls.zipkin, '/api/v2/services')
      expect(services).toContain('Frontend')
      expect(services).not.toContain('frontend')
      expect(await zipkinGet(app.urls.zipkin, '/api/v2/spans?serviceName=Frontend')).toEqual(['GET /About', 'GET /Home', 'select'])
      expect(await zipkinGet(app.urls.zipkin, '/api/v2/spans?serviceName=frontend')).toEqual([])
      expect(await zipkinGet(app.urls.zipkin, '/api/v2/remoteServices?serviceName=Frontend')).toEqual(['postgres'])
    })

    it('finds traces by each parameter', async () => {
      const ids = async (query: string) =>
        (await zipkinGet<ZipkinJsonSpan[][]>(app.urls.zipkin, `/api/v2/traces?${query}&${WINDOW}`)).map((trace) => trace[0]!.traceId)
      expect(await ids('serviceName=Frontend')).toEqual(['abc0000000000002', 'abc0000000000001'])
      expect(await ids('serviceName=Frontend&limit=1')).toEqual(['abc0000000000002'])
      expect(await ids('remoteServiceName=postgres')).toEqual(['abc0000000000001'])
      expect(await ids('spanName=GET%20/Home')).toEqual(['abc0000000000001'])
      expect(await ids('spanName=get%20/home')).toEqual([])
      expect(await ids('annotationQuery=slow.query')).toEqual(['abc0000000000001'])
      expect(await ids('annotationQuery=error')).toEqual(['abc0000000000001'])
      expect(await ids('annotationQuery=http.method%3DGET%20and%20error')).toEqual(['abc0000000000001'])
      expect(await ids('annotationQuery=http.method%3DPOST%20and%20error')).toEqual([])
      expect(await ids('minDuration=50000')).toEqual(['abc0000000000002'])
      expect(await ids('maxDuration=10000')).toEqual(['abc0000000000001'])
      expect(await zipkinGet(app.urls.zipkin, '/api/v2/traces?endTs=1700000550000&lookback=1000')).toEqual([])
    })

    it('returns traces by id, several at once, and 404 for an unknown one', async () => {
      const trace = await zipkinGet<ZipkinJsonSpan[]>(app.urls.zipkin, '/api/v2/trace/abc0000000000001')
      expect(trace).toHaveLength(2)
      expect(trace.find((s) => s.kind === 'CLIENT')).toEqual(spans[1])
      const many = await zipkinGet<ZipkinJsonSpan[][]>(app.urls.zipkin, '/api/v2/traceMany?traceIds=abc0000000000001,abc0000000000002,ffff')
      expect(many.map((t) => t.length)).toEqual([2, 1])
      const missing = await fetch(`${app.urls.zipkin}/api/v2/trace/ffff`)
      expect(missing.status).toBe(404)
      expect(await missing.text()).toMatch(/not found/)
    })

    it('answers 400 text for bad parameters', async () => {
      for (const path of ['/api/v2/trace/xyz', '/api/v2/spans', '/api/v2/traces?limit=abc', '/api/v2/traces?minDuration=-1', '/api/v2/dependencies', '/api/v2/traceMany?traceIds=', '/api/v2/autocompleteValues']) {
        const response = await fetch(`${app.urls.zipkin}${path}`)
        expect(response.status, path).toBe(400)
        expect(response.headers.get('content-type'), path).toMatch(/^text\/plain/)
      }
    })

    it('computes dependencies for the window, with errors counted', async () => {
      expect(await zipkinGet(app.urls.zipkin, `/api/v2/dependencies?${WINDOW}`)).toEqual([{ parent: 'Frontend', child: 'postgres', callCount: 1, errorCount: 1 }])
      expect(await zipkinGet(app.urls.zipkin, '/api/v2/dependencies?endTs=1700000400000&lookback=1000')).toEqual([])
    })

    it('offers the configured autocomplete keys and their values', async () => {
      expect(await zipkinGet(app.urls.zipkin, '/api/v2/autocompleteKeys')).toEqual(['http.method'])
      expect(await zipkinGet(app.urls.zipkin, '/api/v2/autocompleteValues?key=http.method')).toEqual(['GET', 'POST'])
      expect(await zipkinGet(app.urls.zipkin, '/api/v2/autocompleteValues?key=http.path')).toEqual([])
    })

    it('allows GET from other origins', async () => {
      const response = await fetch(`${app.urls.zipkin}/api/v2/services`, { headers: { origin: 'http://ui.example' } })
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
      const preflight = await fetch(`${app.urls.zipkin}/api/v2/traces`, {
        method: 'OPTIONS',
        headers: { origin: 'http://ui.example', 'access-control-request-method': 'GET' },
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET')
    })
  })
})
