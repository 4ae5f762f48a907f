/**
 * The service dependency graph, kept up to date as spans arrive: GET /api/dependencies and
 * gRPC GetDependencies count parent -> child calls, a Zipkin RPC whose client and server halves
 * share a span id once, producer -> consumer, and children that arrive before their parent.
 */
import { describe, expect, it } from 'vitest'
import { protoTime } from '../helpers/jaeger-fixtures.js'
import { useJaegerGrpc } from '../helpers/jaeger-grpc-client.js'
import { getJson } from '../helpers/test-app.js'

const START_US = 1_700_000_000_000_000
const END_MS = START_US / 1000 + 60_000
const LOOKBACK_MS = 3_600_000

interface Link {
  parent: string
  child: string
  callCount: number
}

function zipkinSpan(traceId: string, id: string, service: string, extra: Record<string, unknown> = {}) {
  return { traceId, id, name: 'op', timestamp: START_US, duration: 10, localEndpoint: { serviceName: service }, ...extra }
}

function jaegerSpan(traceId: string, spanId: string, parentId: string | undefined, refType = 0) {
  return {
    traceId: Buffer.from(traceId, 'hex'),
    spanId: Buffer.from(spanId, 'hex'),
    operationName: 'op',
    references: parentId ? [{ traceId: Buffer.from(traceId, 'hex'), spanId: Buffer.from(parentId, 'hex'), refType }] : [],
    startTime: protoTime(START_US),
    duration: protoTime(10),
  }
}

describe('service dependencies', () => {
  const { app, collector, query } = useJaegerGrpc()

  const postZipkin = async (spans: unknown[]) => {
    const response = await fetch(`${app.urls.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spans) })
    expect(response.status).toBe(202)
  }
  const postJaeger = (serviceName: string, spans: unknown[]) => collector.unary('PostSpans', { batch: { spans, process: { serviceName } } })
  const restLinks = async (endMs = END_MS, lookbackMs = LOOKBACK_MS) => {
    const { status, body } = await getJson<{ data: Link[] }>(`${app.urls.query}/api/dependencies?endTs=${endMs}&lookback=${lookbackMs}`)
    expect(status).toBe(200)
    return body.data
  }
  const grpcLinks = async () => {
    const response = await query.unary('GetDependencies', { startTime: protoTime((END_MS - LOOKBACK_MS) * 1000), endTime: protoTime(END_MS * 1000) })
    return (response.dependencies as { parent: string; child: string; callCount: string }[]).map((l) => ({ parent: l.parent, child: l.child, callCount: Number(l.callCount) }))
  }

  it('counts a Zipkin RPC with shared client/server span ids once, in one batch or in any order', async () => {
    // Trace 1, one request: root (web) -> client half (web) + server half (api), sharing id b; api calls itself.
    await postZipkin([
      zipkinSpan('a1', 'a', 'web', { kind: 'SERVER' }),
      zipkinSpan('a1', 'b', 'web', { kind: 'CLIENT', parentId: 'a' }),
      zipkinSpan('a1', 'b', 'api', { kind: 'SERVER', parentId: 'a', shared: true }),
      zipkinSpan('a1', 'c', 'api', { parentId: 'b' }),
    ])
    // Trace 2, as reporters send it: the innermost span first, the client half last.
    await postZipkin([zipkinSpan('a2', 'c', 'api', { parentId: 'b' })])
    await postZipkin([zipkinSpan('a2', 'b', 'api', { kind: 'SERVER', parentId: 'a', shared: true })])
    await postZipkin([zipkinSpan('a2', 'b', 'web', { kind: 'CLIENT', parentId: 'a' })])
    await postZipkin([zipkinSpan('a2', 'a', 'web', { kind: 'SERVER' })])

    expect(await restLinks()).toEqual([{ parent: 'web', child: 'api', callCount: 2 }])
  })

  it('links producer to consumer and a child that arrived before its parent, and ignores retries', async () => {
    const trace = '000000000000000000000000000000d1'
    // Consumer first (follows-from its producer), then the producer.
    await postJaeger('consumer-svc', [jaegerSpan(trace, '00000000000000c2', '00000000000000c1', 1)])
    await postJaeger('producer-svc', [jaegerSpan(trace, '00000000000000c1', undefined)])
    // A plain child in another service in the same batch as its parent, sent twice (a retry).
    const batch = [jaegerSpan(trace, '00000000000000e1', undefined), jaegerSpan(trace, '00000000000000e2', '00000000000000e1')]
    await collector.unary('PostSpans', {
      batch: { spans: [{ ...batch[0], process: { serviceName: 'caller-svc' } }, { ...batch[1], process: { serviceName: 'callee-svc' } }] },
    })
    await collector.unary('PostSpans', {
      batch: { spans: [{ ...batch[0], process: { serviceName: 'caller-svc' } }, { ...batch[1], process: { serviceName: 'callee-svc' } }] },
    })

    const expected = [
      { parent: 'caller-svc', child: 'callee-svc', callCount: 1 },
      { parent: 'producer-svc', child: 'consumer-svc', callCount: 1 },
      { parent: 'web', child: 'api', callCount: 2 },
    ]
    expect(await restLinks()).toEqual(expected)
    expect(await grpcLinks()).toEqual(expected)
  })

  it('counts only calls inside the window', async () => {
    expect(await restLinks(START_US / 1000 - 120_000, 60_000)).toEqual([])
    expect(await restLinks(END_MS + 10 * LOOKBACK_MS, LOOKBACK_MS)).toEqual([])
  })

  it('answers 400 for parameters that are not milliseconds', async () => {
    const { status, body } = await getJson<{ errors: { code: number; msg: string }[] }>(`${app.urls.query}/api/dependencies?endTs=yesterday`)
    expect(status).toBe(400)
    expect(body.errors[0]!.msg).toMatch(/endTs/)
  })
})
