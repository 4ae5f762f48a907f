/**
 * A @grpc/grpc-js client against CollectorService/PostSpans and QueryService: spans read back
 * intact through the Jaeger HTTP API and gRPC; bad requests are INVALID_ARGUMENT and store nothing.
 */
import { status } from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import { type ProtoSpan, protoTime } from '../helpers/jaeger-fixtures.js'
import { JaegerGrpcClient, useJaegerGrpc } from '../helpers/jaeger-grpc-client.js'
import { getJson, startTestApp } from '../helpers/test-app.js'

const TRACE_ID = Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex')
const START_US = 1_700_000_000_654_321

function kv(key: string, vType: number, value: Record<string, unknown>) {
  return { key, vType, ...value }
}

function span(spanId: string, operationName: string, extra: Record<string, unknown> = {}) {
  return {
    traceId: TRACE_ID,
    spanId: Buffer.from(spanId, 'hex'),
    operationName,
    references: [],
    flags: 1,
    startTime: protoTime(START_US),
    duration: protoTime(2500),
    tags: [],
    logs: [],
    ...extra,
  }
}

describe('Jaeger gRPC: PostSpans and QueryService', () => {
  const { app, collector, query } = useJaegerGrpc()

  it('stores a batch whose spans take the batch process unless they have their own', async () => {
    const root = span('00f067aa0ba902b7', 'GET /orders', {
      tags: [
        kv('span.kind', 0, { vStr: 'server' }),
        kv('big', 2, { vInt64: '-9223372036854775808' }),
        kv('ratio', 3, { vFloat64: 0.1 }),
        kv('cached', 1, { vBool: true }),
        kv('blob', 4, { vBinary: Buffer.from('hi') }),
      ],
      logs: [{ timestamp: protoTime(START_US + 5), fields: [kv('event', 0, { vStr: 'received' })] }],
    })
    const child = span('00000000000000aa', 'SELECT orders', {
      references: [{ traceId: TRACE_ID, spanId: Buffer.from('00f067aa0ba902b7', 'hex'), refType: 0 }],
      tags: [kv('span.kind', 0, { vStr: 'client' })],
      process: { serviceName: 'grpc-db', tags: [kv('db.system', 0, { vStr: 'sqlite' })] },
      warnings: ['clock skew adjusted'],
    })
    expect(await collector.unary('PostSpans', { batch: { spans: [root, child], process: { serviceName: 'grpc-orders', tags: [kv('host', 0, { vStr: 'h1' })] } } })).toEqual({})

    const response = await fetch(`${app.urls.query}/api/traces/4bf92f3577b34da6a3ce929d0e0e4736`)
    const text = await response.text()
    expect(text).toContain('"key":"big","type":"int64","value":-9223372036854775808')
    const trace = (JSON.parse(text) as { data: { spans: Record<string, unknown>[]; processes: Record<string, { serviceName: string; tags: unknown[] }> }[] }).data[0]!
    const byName = new Map(trace.spans.map((s) => [s.operationName as string, s]))
    const rootUi = byName.get('GET /orders')!
    const childUi = byName.get('SELECT orders')!
    expect(rootUi.startTime).toBe(START_US)
    expect(rootUi.duration).toBe(2500)
    expect(rootUi.tags).toEqual([
      { key: 'span.kind', type: 'string', value: 'server' },
      { key: 'big', type: 'int64', value: expect.any(Number) },
      { key: 'ratio', type: 'float64', value: 0.1 },
      { key: 'cached', type: 'bool', value: true },
      { key: 'blob', type: 'binary', value: Buffer.from('hi').toString('base64') },
    ])
    expect(rootUi.logs).toEqual([{ timestamp: START_US + 5, fields: [{ key: 'event', type: 'string', value: 'received' }] }])
    expect(childUi.references).toEqual([{ refType: 'CHILD_OF', traceID: '4bf92f3577b34da6a3ce929d0e0e4736', spanID: '00f067aa0ba902b7' }])
    expect(childUi.warnings).toEqual(['clock skew adjusted'])
    expect(trace.processes[rootUi.processID as string]).toEqual({ serviceName: 'grpc-orders', tags: [{ key: 'host', type: 'string', value: 'h1' }] })
    expect(trace.processes[childUi.processID as string]).toEqual({ serviceName: 'grpc-db', tags: [{ key: 'db.system', type: 'string', value: 'sqlite' }] })

    // The same trace over gRPC, int64 exact.
    const chunks = await query.stream('GetTrace', { traceId: TRACE_ID })
    const spans = chunks.flatMap((c) => c.spans as (ProtoSpan & { warnings: string[] })[])
    expect(spans.map((s) => s.operationName).sort()).toEqual(['GET /orders', 'SELECT orders'])
    const rootProto = spans.find((s) => s.operationName === 'GET /orders')!
    expect(rootProto.tags.find((t) => t.key === 'big')!.vInt64).toBe('-9223372036854775808')
    expect(rootProto.process.serviceName).toBe('grpc-orders')
    expect(rootProto.flags).toBe(1)

    expect((await query.unary('GetServices', {})).services).toEqual(['grpc-db', 'grpc-orders'])
    const found = await query.stream('FindTraces', { query: { serviceName: 'grpc-db', tags: { 'db.system': 'sqlite' }, searchDepth: 5 } })
    expect(found.flatMap((c) => c.spans as ProtoSpan[])).toHaveLength(2)
  })

  it('sends a trace of more than ten spans in several chunks', async () => {
    const traceId = Buffer.from('000000000000000000000000000c4a2e', 'hex')
    const spans = Array.from({ length: 23 }, (_, i) => ({ ...span((i + 1).toString(16).padStart(16, '0'), `op-${i}`), traceId }))
    await collector.unary('PostSpans', { batch: { spans, process: { serviceName: 'grpc-chunks' } } })
    const chunks = await query.stream('GetTrace', { traceId })
    expect(chunks.map((c) => (c.spans as unknown[]).length)).toEqual([10, 10, 3])
  })

  it('answers INVALID_ARGUMENT naming the field, and stores nothing of the request', async () => {
    const good = span('0000000000000001', 'fine')
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ batch: { spans: [good, { ...span('0000000000000002', 'bad'), traceId: Buffer.from('abcd', 'hex') }], process: { serviceName: 'grpc-rejected' } } }, /batch\.spans\[1\]\.traceId: expected 16 bytes/],
      [{ batch: { spans: [good] } }, /batch\.spans\[0\]\.process is missing/],
      [{ batch: { spans: [{ ...good, tags: [kv('x', 9, {})] }], process: { serviceName: 'grpc-rejected' } } }, /batch\.spans\[0\]\.tags\[0\]\.vType/],
      [{ batch: { spans: [{ ...good, spanId: Buffer.alloc(8) }], process: { serviceName: 'grpc-rejected' } } }, /batch\.spans\[0\]\.spanId/],
    ]
    for (const [request, message] of cases) {
      const error = await collector.unary('PostSpans', request).then(
        () => undefined,
        (e: { code: number; details: string }) => e,
      )
      expect(error?.code).toBe(status.INVALID_ARGUMENT)
      expect(error?.details).toMatch(message)
    }
    const garbage = await collector.unaryBytes('PostSpans', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01])).catch((e: { code: number; details: string }) => e)
    expect(garbage).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/not a valid PostSpansRequest/) })

    expect((await getJson<{ data: string[] }>(`${app.urls.query}/api/services`)).body.data).not.toContain('grpc-rejected')
    expect((await fetch(`${app.urls.query}/api/traces/4bf92f3577b34da6a3ce929d0e0e4736`)).status).toBe(200)
    expect((await fetch(`${app.urls.query}/api/traces/0000000000000000000000000000000${1}`)).status).toBe(404)
  })

  it('streams Zipkin spans like the HTTP API shows them: kind tags, shared ids told apart unless raw', async () => {
    const zipkin = [
      { traceId: '5af7183fb1d4cf5f', id: '352bff9a74ca9ad2', name: 'get', kind: 'CLIENT', timestamp: START_US, duration: 100, localEndpoint: { serviceName: 'zk-web' }, remoteEndpoint: { serviceName: 'zk-api', port: 8080 } },
      { traceId: '5af7183fb1d4cf5f', id: '352bff9a74ca9ad2', name: 'get', kind: 'SERVER', shared: true, timestamp: START_US + 10, duration: 80, localEndpoint: { serviceName: 'zk-api' } },
    ]
    const posted = await fetch(`${app.urls.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(zipkin) })
    expect(posted.status).toBe(202)
    const traceId = Buffer.from('00000000000000005af7183fb1d4cf5f', 'hex')
    const spans = (await query.stream('GetTrace', { traceId })).flatMap((c) => c.spans as ProtoSpan[])
    const client = spans.find((s) => s.process.serviceName === 'zk-web')!
    const server = spans.find((s) => s.process.serviceName === 'zk-api')!
    expect(client.tags.map((t) => [t.key, t.vType === 2 ? t.vInt64 : t.vStr])).toEqual([['span.kind', 'client'], ['peer.service', 'zk-api'], ['peer.port', '8080']])
    expect(server.tags.map((t) => [t.key, t.vStr])).toEqual([['span.kind', 'server']])
    expect(Buffer.from(server.spanId).toString('hex')).not.toBe('352bff9a74ca9ad2')
    expect(server.references.map((r) => Buffer.from(r.spanId).toString('hex'))).toEqual(['352bff9a74ca9ad2'])

    const raw = (await query.stream('GetTrace', { traceId, rawTraces: true })).flatMap((c) => c.spans as ProtoSpan[])
    expect(raw.map((s) => Buffer.from(s.spanId).toString('hex'))).toEqual(['352bff9a74ca9ad2', '352bff9a74ca9ad2'])
  })

  it('answers UNIMPLEMENTED for ArchiveTrace and INVALID_ARGUMENT for a bad span kind', async () => {
    await expect(query.unary('ArchiveTrace', { traceId: TRACE_ID })).rejects.toMatchObject({ code: status.UNIMPLEMENTED })
    await expect(query.unary('GetOperations', { service: 'grpc-orders', spanKind: 'sideways' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT })
  })
})

describe('Jaeger gRPC: a storage failure', () => {
  it('answers INTERNAL without the internal message', async () => {
    const app = await startTestApp({ overrides: { log: { level: 'silent' } } })
    const collector = new JaegerGrpcClient(app.urls.jaegerGrpc, 'CollectorService')
    try {
      // The database closed under the running server: every write fails inside storage.
      await app.storage.close()
      const error = await collector.unary('PostSpans', { batch: { spans: [span('0000000000000001', 'lost')], process: { serviceName: 'x' } } }).catch((e: { code: number; details: string }) => e)
      expect(error).toMatchObject({ code: status.INTERNAL, details: 'internal error; the server log has the details' })
    } finally {
      collector.close()
      await app.close()
      app.removeFiles()
    }
  })
})
