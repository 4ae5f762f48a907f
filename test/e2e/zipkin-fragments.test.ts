/**
 * Spans that arrive in pieces: one-way RPCs (client `cs` only, server `sr` only), spans
 * reported in parts, late or twice, and Envoy's shared root server spans. The Zipkin API
 * returns what was stored, as Zipkin does; the Jaeger API shows one merged trace.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../helpers/test-app.js'
import { type ZipkinJsonSpan, jaegerShape, jaegerTrace, postSpans, sortZipkin, zipkinGet } from '../helpers/zipkin-query.js'

const web = { serviceName: 'web', ipv4: '10.2.0.1' }
const worker = { serviceName: 'worker', ipv4: '10.2.0.2' }

describe('spans in pieces', () => {
  const app = useTestApp()

  it('a one-way RPC sent as two v1 fragments reads back as one trace with a client -> server link', async () => {
    const traceId = '1111111111111111'
    const root = {
      traceId,
      id: traceId,
      name: 'enqueue',
      timestamp: 1_700_000_200_000_000,
      duration: 10_000,
      annotations: [
        { timestamp: 1_700_000_200_000_000, value: 'sr', endpoint: web },
        { timestamp: 1_700_000_200_010_000, value: 'ss', endpoint: web },
      ],
    }
    const clientFragment = { traceId, id: '2222222222222222', parentId: traceId, name: 'notify', annotations: [{ timestamp: 1_700_000_200_002_000, value: 'cs', endpoint: web }] }
    const serverFragment = { traceId, id: '2222222222222222', parentId: traceId, name: 'notify', annotations: [{ timestamp: 1_700_000_200_005_000, value: 'sr', endpoint: worker }] }
    // Each side reports on its own; the server's part arrives first.
    expect((await postSpans(app.urls.zipkin, '/api/v1/spans', JSON.stringify([serverFragment]))).status).toBe(202)
    expect((await postSpans(app.urls.zipkin, '/api/v1/spans', JSON.stringify([root, clientFragment]))).status).toBe(202)

    const zipkin = sortZipkin(await zipkinGet<ZipkinJsonSpan[]>(app.urls.zipkin, `/api/v2/trace/${traceId}`))
    expect(zipkin.map((s) => [s.id, s.kind, s.shared ?? false, s.timestamp, s.duration])).toEqual([
      [traceId, 'SERVER', false, 1_700_000_200_000_000, 10_000],
      ['2222222222222222', 'CLIENT', false, 1_700_000_200_002_000, undefined],
      ['2222222222222222', 'SERVER', true, 1_700_000_200_005_000, undefined],
    ])

    const jaeger = await jaegerTrace(app.urls.query, traceId)
    expect(jaegerShape(jaeger).map((s) => [s.service, s.name, s.parent, s.startTime])).toEqual([
      ['web', 'enqueue', null, 1_700_000_200_000_000],
      ['web', 'notify', 'web:enqueue', 1_700_000_200_002_000],
      ['worker', 'notify', 'web:notify', 1_700_000_200_005_000],
    ])
    expect(new Set(jaeger.spans.map((s) => s.spanID)).size).toBe(3)

    const links = await zipkinGet(app.urls.zipkin, '/api/v2/dependencies?endTs=1700000201000&lookback=2000')
    expect(links).toEqual([{ parent: 'web', child: 'worker', callCount: 1 }])
  })

  it('a span reported in parts, late and twice reads back as one span in the Jaeger API', async () => {
    const traceId = '3333333333333333'
    const start = { traceId, id: traceId, kind: 'SERVER', name: 'get /report', localEndpoint: worker, annotations: [{ timestamp: 1_700_000_300_001_000, value: 'parsed' }] }
    const finish = { traceId, id: traceId, kind: 'SERVER', localEndpoint: worker, timestamp: 1_700_000_300_000_000, duration: 50_000, tags: { 'http.status_code': '200' } }
    // A late fragment knows only the name and the host.
    const late = { traceId, id: traceId, name: 'get /report', localEndpoint: worker, tags: { 'report.rows': '12' } }
    for (const batch of [[finish], [start], [late], [finish]]) {
      expect((await postSpans(app.urls.zipkin, '/api/v2/spans', JSON.stringify(batch))).status).toBe(202)
    }
    // Stored as sent (the repeated part once), like Zipkin.
    expect(await zipkinGet<ZipkinJsonSpan[]>(app.urls.zipkin, `/api/v2/trace/${traceId}`)).toHaveLength(3)

    const jaeger = await jaegerTrace(app.urls.query, traceId)
    expect(jaeger.spans).toHaveLength(1)
    const [span] = jaegerShape(jaeger)
    expect(span).toMatchObject({ service: 'worker', name: 'get /report', parent: null, startTime: 1_700_000_300_000_000, duration: 50_000 })
    expect(span!.tags).toMatchObject({ 'http.status_code': '200', 'report.rows': '12', 'span.kind': 'server' })
    expect(span!.logs).toEqual([{ timestamp: 1_700_000_300_001_000, fields: ['event=parsed'] }])
  })

  it('a v2 span without timestamp takes its start and duration from its annotations', async () => {
    const traceId = '4444444444444444'
    const span = {
      traceId,
      id: traceId,
      kind: 'CLIENT',
      name: 'poll',
      localEndpoint: web,
      annotations: [
        { timestamp: 1_700_000_400_000_000, value: 'ws' },
        { timestamp: 1_700_000_400_007_000, value: 'wr' },
      ],
    }
    expect((await postSpans(app.urls.zipkin, '/api/v2/spans', JSON.stringify([span]))).status).toBe(202)
    const [shaped] = jaegerShape(await jaegerTrace(app.urls.query, traceId))
    expect(shaped).toMatchObject({ startTime: 1_700_000_400_000_000, duration: 7_000 })
    // The Zipkin API keeps what was sent.
    const [raw] = await zipkinGet<ZipkinJsonSpan[]>(app.urls.zipkin, `/api/v2/trace/${traceId}`)
    expect(raw!.timestamp).toBeUndefined()
  })

  it("Envoy's shared root server span and its shared upstream spans read back with correct parents", async () => {
    const [root] = JSON.parse(readFileSync(new URL('../../../shared/conformance/zipkin/envoy.json', import.meta.url), 'utf8')) as ZipkinJsonSpan[]
    const traceId = '978883983d506fa5'
    const egress = {
      traceId,
      id: 'a1b2c3d4e5f60718',
      parentId: traceId,
      kind: 'CLIENT',
      name: 'router service_google egress',
      timestamp: root!.timestamp! + 1_000,
      duration: 100_000,
      localEndpoint: { ipv4: '169.254.65.45' },
      tags: { component: 'proxy', 'upstream_cluster': 'service_google' },
    }
    // The upstream sidecar's ingress span joins the egress span's id and is marked shared.
    const upstream = {
      traceId,
      id: 'a1b2c3d4e5f60718',
      parentId: traceId,
      kind: 'SERVER',
      shared: true,
      name: 'www.google.com',
      timestamp: root!.timestamp! + 2_000,
      duration: 90_000,
      localEndpoint: { serviceName: 'google-sidecar', ipv4: '10.9.0.3' },
      tags: { component: 'proxy' },
    }
    for (const batch of [[upstream], [egress], [root]]) {
      expect((await postSpans(app.urls.zipkin, '/api/v2/spans', JSON.stringify(batch))).status).toBe(202)
    }
    const zipkin = await zipkinGet<ZipkinJsonSpan[]>(app.urls.zipkin, `/api/v2/trace/${traceId}`)
    expect(sortZipkin(zipkin)).toEqual(sortZipkin([root!, egress, upstream]))

    const jaeger = await jaegerTrace(app.urls.query, traceId)
    const shape = jaegerShape(jaeger)
    expect(shape.map((s) => [s.service, s.name, s.parent])).toEqual([
      ['empty-service-name', 'localhost:10000', null],
      ['empty-service-name', 'router service_google egress', 'empty-service-name:localhost:10000'],
      ['google-sidecar', 'www.google.com', 'empty-service-name:router service_google egress'],
    ])
    expect(shape[0]!.tags).toMatchObject({ 'guid:x-request-id': 'd709b78f-583e-988e-b581-25b72c63852d', 'span.kind': 'server' })
  })
})
