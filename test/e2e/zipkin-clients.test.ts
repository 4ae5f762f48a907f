/**
 * Legacy Zipkin clients send real bytes: Debian's py_zipkin (V1_THRIFT, V1_JSON, V2_JSON),
 * zipkin-encoder-thrift and zipkin-js with the JSON v1 encoder. Each trace reads back through
 * the Zipkin API and the Jaeger API with the same spans, tags, times and parent links.
 */
import { execFileSync } from 'node:child_process'
import type { EventEmitter } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Annotation, BatchRecorder, ExplicitContext, InetAddress, jsonEncoder, model, Tracer, TraceId, option } from 'zipkin'
import THRIFT from 'zipkin-encoder-thrift'
import { HttpLogger } from 'zipkin-transport-http'
import { startTestApp, type TestApp, useTestApp } from '../helpers/test-app.js'
import {
  type ZipkinJsonSpan,
  eventuallyTrace,
  jaegerShape,
  jaegerTrace,
  postSpans,
  sortZipkin,
  zipkinGet,
} from '../helpers/zipkin-query.js'

const PY_SCRIPT = fileURLToPath(new URL('./py-zipkin-encode.py', import.meta.url))

/** py_zipkin has no HTTP transport here: it encodes, we post its bytes. */
function pyZipkinBody(encoding: 'V1_THRIFT' | 'V1_JSON' | 'V2_JSON', traceId: string): Buffer {
  const base64 = execFileSync('/usr/bin/python3', [PY_SCRIPT, encoding, traceId], { encoding: 'utf8' })
  return Buffer.from(base64, 'base64')
}

const withoutTraceId = (spans: ZipkinJsonSpan[]) => sortZipkin(spans).map(({ traceId: _traceId, ...rest }) => rest)

describe('py_zipkin V1_THRIFT, V1_JSON and V2_JSON', () => {
  let app: TestApp
  const ids = { V1_THRIFT: '00000000000000000000000000000a01', V1_JSON: '00000000000000000000000000000a02', V2_JSON: '00000000000000000000000000000a03' }
  let sentV2: ZipkinJsonSpan[]

  beforeAll(async () => {
    app = await startTestApp()
    const thrift = await postSpans(app.urls.zipkin, '/api/v1/spans', pyZipkinBody('V1_THRIFT', ids.V1_THRIFT), 'application/x-thrift')
    expect(thrift).toEqual({ status: 202, text: '' })
    const v1 = await postSpans(app.urls.zipkin, '/api/v1/spans', pyZipkinBody('V1_JSON', ids.V1_JSON))
    expect(v1).toEqual({ status: 202, text: '' })
    const v2Body = pyZipkinBody('V2_JSON', ids.V2_JSON)
    sentV2 = JSON.parse(v2Body.toString('utf8')) as ZipkinJsonSpan[]
    expect(await postSpans(app.urls.zipkin, '/api/v2/spans', v2Body)).toEqual({ status: 202, text: '' })
  })
  afterAll(async () => {
    await app?.close()
    app?.removeFiles()
  })

  it.each(Object.entries(ids))('%s reads back from the Zipkin API as the v2 spans py_zipkin describes', async (_encoding, traceId) => {
    const trace = await zipkinGet<ZipkinJsonSpan[]>(app.urls.zipkin, `/api/v2/trace/${traceId}`)
    expect(trace.every((s) => s.traceId === traceId.replace(/^0{16}/, ''))).toBe(true)
    expect(withoutTraceId(trace)).toEqual(withoutTraceId(sentV2))
  })

  it('all three read back the same through the Jaeger API', async () => {
    const shapes = await Promise.all(Object.values(ids).map(async (id) => jaegerShape(await jaegerTrace(app.urls.query, id))))
    expect(shapes[0]).toEqual(shapes[2])
    expect(shapes[1]).toEqual(shapes[2])
    const shape = shapes[2]!
    expect(shape.map((s) => [s.service, s.name, s.parent])).toEqual([
      ['backend', 'get /price', 'frontend:get /price'],
      ['frontend', 'GET /checkout', null],
      ['frontend', 'get /price', 'frontend:GET /checkout'],
    ])
    const server = shape.find((s) => s.service === 'frontend' && s.name === 'GET /checkout')!
    expect(server).toMatchObject({ startTime: 1_700_000_000_500_000, duration: 250_000 })
    expect(server.tags).toMatchObject({ 'http.method': 'GET', 'http.path': '/checkout', 'span.kind': 'server' })
    expect(server.logs).toEqual([{ timestamp: 1_700_000_000_625_000, fields: ['event=cache.miss'] }])
    const backend = shape.find((s) => s.service === 'backend')!
    expect(backend).toMatchObject({ startTime: 1_700_000_000_578_125, duration: 62_500 })
    expect(backend.tags).toMatchObject({ 'db.rows': '3' })
    const client = shape.find((s) => s.service === 'frontend' && s.name === 'get /price')!
    expect(client.tags).toMatchObject({ peer: 'backend', 'peer.service': 'backend', 'peer.ipv4': '10.0.0.2' })
  })

  it('the client call shows as a frontend -> backend dependency', async () => {
    const links = await zipkinGet<{ parent: string; child: string; callCount: number }[]>(app.urls.zipkin, '/api/v2/dependencies?endTs=1700000001000&lookback=10000')
    expect(links).toEqual([{ parent: 'frontend', child: 'backend', callCount: 3 }])
  })
})

describe('zipkin-encoder-thrift', () => {
  const app = useTestApp()

  it('a Thrift list of spans reads back through both APIs', async () => {
    const traceId = '5af7183fb1d4cf5f' + '6b5d3c2a1e0f9d8c'
    const id = new TraceId({ traceId, spanId: '6b221d5bc9e6496c', parentId: new option.Some('5af7183fb1d4cf5f') })
    const client = new model.Span(id)
    client.setName('get /orders')
    client.setKind('CLIENT')
    client.setTimestamp(1_700_000_100_000_000)
    client.setDuration(40_000)
    client.setLocalEndpoint(new model.Endpoint({ serviceName: 'shop', ipv4: '192.168.1.5', port: 8080 }))
    client.setRemoteEndpoint(new model.Endpoint({ serviceName: 'orders', ipv4: '192.168.1.6', port: 9090 }))
    client.addAnnotation(1_700_000_100_010_000, 'retry')
    client.putTag('http.status_code', '200')
    const root = new model.Span(new TraceId({ traceId, spanId: '5af7183fb1d4cf5f' }))
    root.setName('checkout')
    root.setTimestamp(1_700_000_099_990_000)
    root.setDuration(80_000)
    root.setLocalEndpoint(new model.Endpoint({ serviceName: 'shop', ipv4: '192.168.1.5', port: 8080 }))
    // v1 Thrift carries endpoints only on annotations: the tag takes the local endpoint along.
    root.putTag('cart.items', '2')
    const encoded = [THRIFT.encode(client), THRIFT.encode(root)]
    // A Thrift list header: element type STRUCT (12), then the count as a big-endian i32.
    const header = Buffer.alloc(5)
    header.writeInt8(12, 0)
    header.writeInt32BE(encoded.length, 1)
    expect(await postSpans(app.urls.zipkin, '/api/v1/spans', Buffer.concat([header, ...encoded]), 'application/x-thrift')).toEqual({ status: 202, text: '' })

    const trace = sortZipkin(await zipkinGet<ZipkinJsonSpan[]>(app.urls.zipkin, `/api/v2/trace/${traceId}`))
    expect(trace).toEqual([
      {
        traceId,
        id: '5af7183fb1d4cf5f',
        name: 'checkout',
        timestamp: 1_700_000_099_990_000,
        duration: 80_000,
        localEndpoint: { serviceName: 'shop', ipv4: '192.168.1.5', port: 8080 },
        tags: { 'cart.items': '2' },
      },
      {
        traceId,
        id: '6b221d5bc9e6496c',
        parentId: '5af7183fb1d4cf5f',
        kind: 'CLIENT',
        name: 'get /orders',
        timestamp: 1_700_000_100_000_000,
        duration: 40_000,
        localEndpoint: { serviceName: 'shop', ipv4: '192.168.1.5', port: 8080 },
        remoteEndpoint: { serviceName: 'orders', ipv4: '192.168.1.6', port: 9090 },
        annotations: [{ timestamp: 1_700_000_100_010_000, value: 'retry' }],
        tags: { 'http.status_code': '200' },
      },
    ])
    const shape = jaegerShape(await jaegerTrace(app.urls.query, traceId))
    expect(shape.map((s) => [s.service, s.name, s.parent, s.startTime, s.duration])).toEqual([
      ['shop', 'checkout', null, 1_700_000_099_990_000, 80_000],
      ['shop', 'get /orders', 'shop:checkout', 1_700_000_100_000_000, 40_000],
    ])
    expect(shape[1]!.tags).toMatchObject({ 'http.status_code': '200', 'span.kind': 'client', 'peer.service': 'orders' })
  })
})

/** What HttpLogger does at run time beyond its published typings: it is an EventEmitter. */
interface FlushableLogger extends EventEmitter {
  processQueue(fetchImplementation: typeof fetch): void
}

describe('zipkin-js with the JSON v1 encoder', () => {
  const app = useTestApp()

  it('an RPC recorded by client and server tracers reads back through both APIs', async () => {
    const endpoint = `${app.urls.zipkin}/api/v1/spans`
    const reporter = (serviceName: string) => {
      const logger = new HttpLogger({ endpoint, jsonEncoder: jsonEncoder.JSON_V1, httpInterval: 60_000 })
      const tracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder: new BatchRecorder({ logger }), localServiceName: serviceName, traceId128Bit: true })
      const flush = () =>
        new Promise<void>((resolve, reject) => {
          const flushable = logger as unknown as FlushableLogger
          flushable.once('success', () => resolve())
          flushable.once('error', reject)
          flushable.processQueue(fetch)
        })
      return { tracer, flush }
    }
    const web = reporter('web')
    const api = reporter('api')

    const rootId = web.tracer.createRootId()
    web.tracer.setId(rootId)
    web.tracer.recordServiceName('web')
    web.tracer.recordRpc('GET /home')
    web.tracer.recordAnnotation(new Annotation.ServerRecv())
    const clientId = web.tracer.createChildId()
    web.tracer.setId(clientId)
    web.tracer.recordServiceName('web')
    web.tracer.recordRpc('get /profile')
    web.tracer.recordAnnotation(new Annotation.ClientSend())
    web.tracer.recordAnnotation(new Annotation.ServerAddr({ serviceName: 'api', host: new InetAddress('10.1.0.2'), port: 7000 }))
    web.tracer.recordBinary('user.id', '42')

    // The server joins the caller's span, as zipkin-js's HTTP server instrumentation does with B3 headers.
    api.tracer.setId(new TraceId({ traceId: clientId.traceId, parentId: clientId.parentSpanId, spanId: clientId.spanId, sampled: clientId.sampled, shared: true }))
    api.tracer.recordServiceName('api')
    api.tracer.recordRpc('get /profile')
    api.tracer.recordAnnotation(new Annotation.ServerRecv())
    api.tracer.recordMessage('cache hit')
    api.tracer.recordAnnotation(new Annotation.ServerSend())

    web.tracer.setId(clientId)
    web.tracer.recordAnnotation(new Annotation.ClientRecv())
    web.tracer.setId(rootId)
    web.tracer.recordAnnotation(new Annotation.ServerSend())
    await Promise.all([web.flush(), api.flush()])

    const traceId = rootId.traceId
    const trace = await eventuallyTrace(app.urls.zipkin, traceId, 3)
    const byKind = (kind: string, shared = false) => trace.find((s) => s.kind === kind && (s.shared ?? false) === shared && s.id === (kind === 'CLIENT' || shared ? clientId.spanId : rootId.spanId))!
    expect(byKind('SERVER')).toMatchObject({ name: 'get /home', localEndpoint: { serviceName: 'web' } })
    expect(byKind('CLIENT')).toMatchObject({ name: 'get /profile', parentId: rootId.spanId, tags: { 'user.id': '42' }, remoteEndpoint: { serviceName: 'api', ipv4: '10.1.0.2', port: 7000 } })
    // zipkin-js reports the server side without timestamp: Zipkin's v1 rules make it the shared half.
    const serverHalf = byKind('SERVER', true)
    expect(serverHalf).toMatchObject({ name: 'get /profile', localEndpoint: { serviceName: 'api' }, annotations: [{ value: 'cache hit' }] })
    // Its timestamp is its `sr`. zipkin-js starts each span's clock at Date.now() (whole
    // milliseconds), so `sr` may read up to 1 ms before the client's `cs`.
    expect(Math.abs(serverHalf.timestamp! - byKind('CLIENT').timestamp!)).toBeLessThan(100_000)

    const shape = jaegerShape(await jaegerTrace(app.urls.query, traceId))
    expect(shape.map((s) => [s.service, s.name, s.parent])).toEqual([
      ['api', 'get /profile', 'web:get /profile'],
      ['web', 'get /home', null],
      ['web', 'get /profile', 'web:get /home'],
    ])
    for (const span of trace) {
      const jaeger = shape.find((s) => s.name === span.name && s.service === span.localEndpoint?.serviceName)!
      expect(jaeger.startTime).toBe(span.timestamp)
      expect(jaeger.duration).toBe(span.duration)
    }
  })
})
