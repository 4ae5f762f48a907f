/**
 * zipkin-js instruments a real HTTP call between two services and reports JSON v2 to spanlite;
 * the Jaeger query API must return the trace with the right shape.
 */
import type { EventEmitter } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BatchRecorder, ExplicitContext, Instrumentation, jsonEncoder, option, Tracer } from 'zipkin'
import { HttpLogger } from 'zipkin-transport-http'
import { jaegerGet, jaegerTrace, parentOf, serviceOf, spanByName, tagValue } from '../helpers/jaeger-api.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

/** What HttpLogger does at run time beyond its published typings: it is an EventEmitter. */
interface FlushableLogger extends EventEmitter {
  processQueue(fetchImplementation: typeof fetch): void
}

function reporter(endpoint: string, serviceName: string) {
  const logger = new HttpLogger({ endpoint, jsonEncoder: jsonEncoder.JSON_V2, httpInterval: 60_000 })
  const flushable = logger as unknown as FlushableLogger
  const tracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder: new BatchRecorder({ logger }), localServiceName: serviceName, traceId128Bit: true })
  /** Sends what was recorded and resolves on spanlite's 202. */
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      flushable.once('success', () => resolve())
      flushable.once('error', reject)
      flushable.processQueue(fetch)
    })
  return { tracer, flush }
}

describe('zipkin-js reporting JSON v2', () => {
  let app: TestApp
  let backendServer: Server
  let traceId: string
  let before: number
  let after: number

  beforeAll(async () => {
    app = await startTestApp()
    const endpoint = `${app.urls.zipkin}/api/v2/spans`
    const frontend = reporter(endpoint, 'frontend')
    const backend = reporter(endpoint, 'backend')

    const serverSide = new Instrumentation.HttpServer({ tracer: backend.tracer, port: 8080 })
    backendServer = createServer((request, response) => {
      backend.tracer.scoped(() => {
        const readHeader = <T>(name: string): option.IOption<T> => {
          const value = request.headers[name.toLowerCase()]
          return (typeof value === 'string' ? new option.Some(value) : option.None) as option.IOption<T>
        }
        const id = serverSide.recordRequest(request.method!, `http://127.0.0.1${request.url}`, readHeader)
        backend.tracer.local('load-order', () => backend.tracer.recordBinary('order.id', 'a%b*c?_'))
        response.end('ok')
        serverSide.recordResponse(id, '200')
      })
    })
    await new Promise<void>((resolve) => backendServer.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(backendServer.address() as AddressInfo).port}/api/order`

    const clientSide = new Instrumentation.HttpClient({ tracer: frontend.tracer, remoteServiceName: 'backend' })
    before = Date.now() * 1000
    await frontend.tracer.local('checkout', async () => {
      traceId = frontend.tracer.id.traceId
      const request = clientSide.recordRequest({ headers: {} }, url, 'GET') as { headers: Record<string, string> }
      const clientId = frontend.tracer.id
      const response = await fetch(url, { headers: request.headers })
      await response.text()
      clientSide.recordResponse(clientId, String(response.status))
    })
    after = Date.now() * 1000
    await Promise.all([frontend.flush(), backend.flush()])
  })

  afterAll(async () => {
    backendServer?.close()
    await app?.close()
    app?.removeFiles()
  })

  it('lists both services and their operations', async () => {
    expect((await jaegerGet<string[]>(app.urls.query, '/api/services')).body.data).toEqual(['backend', 'frontend'])
    expect((await jaegerGet<string[]>(app.urls.query, '/api/services/frontend/operations')).body.data.sort()).toEqual(['checkout', 'get'])
    const { body } = await jaegerGet<{ name: string; spanKind: string }[]>(app.urls.query, '/api/operations?service=backend&spanKind=server')
    expect(body.data).toEqual([{ name: 'get', spanKind: 'server' }])
  })

  it('returns the trace with parents, tags, times and durations', async () => {
    const trace = await jaegerTrace(app.urls.query, traceId)
    expect(trace.traceID).toBe(traceId)
    expect(trace.spans).toHaveLength(4)
    const root = spanByName(trace, 'checkout')
    const client = spanByName(trace, 'get', 'client')
    const server = spanByName(trace, 'get', 'server')
    const local = spanByName(trace, 'load-order')
    expect(serviceOf(trace, root)).toBe('frontend')
    expect(serviceOf(trace, client)).toBe('frontend')
    expect(serviceOf(trace, server)).toBe('backend')
    expect(serviceOf(trace, local)).toBe('backend')

    expect(parentOf(root)).toBeUndefined()
    expect(parentOf(client)).toBe(root.spanID)
    // The server half shared the client's span id; Jaeger's view gives it its own id under the client.
    expect(server.spanID).not.toBe(client.spanID)
    expect(parentOf(server)).toBe(client.spanID)
    expect(parentOf(local)).toBe(server.spanID)

    expect(tagValue(client, 'http.path')).toBe('/api/order')
    expect(tagValue(client, 'http.status_code')).toBe('200')
    expect(tagValue(client, 'peer.service')).toBe('backend')
    expect(tagValue(local, 'order.id')).toBe('a%b*c?_')

    // zipkin-js reads a monotonic clock anchored to the wall clock: allow it a few ms of drift.
    for (const span of trace.spans) {
      expect(span.startTime).toBeGreaterThanOrEqual(before - 20_000)
      expect(span.startTime + span.duration).toBeLessThanOrEqual(after + 20_000)
    }
    expect(root.startTime).toBeLessThanOrEqual(client.startTime)
    expect(root.duration).toBeGreaterThanOrEqual(client.duration)
    expect(client.duration).toBeGreaterThan(0)
  })

  it('finds the trace by service, operation, tag and duration', async () => {
    const find = async (query: string) => {
      const { status, body } = await jaegerGet<{ traceID: string }[]>(app.urls.query, `/api/traces?${query}`)
      expect(status, JSON.stringify(body.errors)).toBe(200)
      return body.data.map((t) => t.traceID)
    }
    expect(await find('service=frontend')).toEqual([traceId])
    expect(await find('service=backend&operation=load-order')).toEqual([traceId])
    expect(await find('service=frontend&operation=load-order')).toEqual([])
    expect(await find(`service=backend&tags=${encodeURIComponent('{"order.id":"a%b*c?_"}')}`)).toEqual([traceId])
    expect(await find(`service=backend&tag=${encodeURIComponent('order.id:a%b*c?_')}`)).toEqual([traceId])
    expect(await find('service=frontend&minDuration=1us&maxDuration=1m')).toEqual([traceId])
    expect(await find('service=frontend&minDuration=1h')).toEqual([])
  })
})
