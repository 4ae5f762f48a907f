/**
 * Jaeger's storage integration fixtures, sent through gRPC PostSpans (one batch per file) and
 * read back through GET /api/traces and gRPC FindTraces / GetTrace: every query case returns
 * exactly its expected traces, and every trace equals its fixture span for span.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getJson, startTestApp, type TestApp } from '../helpers/test-app.js'
import {
  type CanonicalSpan,
  type ProtoSpan,
  type QueryCase,
  bySpanId,
  canonicalFixtureSpan,
  canonicalProtoSpan,
  canonicalUiTrace,
  fixtureNames,
  hexId,
  loadFixture,
  loadQueries,
  protoTime,
  rfc3339Us,
  toProtoSpan,
} from '../helpers/jaeger-fixtures.js'
import { JaegerGrpcClient } from '../helpers/jaeger-grpc-client.js'

const EXAMPLE = 'example_trace'
const searchFixtures = fixtureNames().filter((name) => name !== EXAMPLE)

/** Fixture traces keyed by 32-digit trace id, spans in canonical form ordered by span id. */
function expectedTraces(names: string[]): Map<string, CanonicalSpan[]> {
  const traces = new Map<string, CanonicalSpan[]>()
  for (const name of names) {
    const spans = loadFixture(name).map(canonicalFixtureSpan)
    traces.set(spans[0]!.traceId, spans.sort(bySpanId))
  }
  return traces
}

function groupByTrace(spans: CanonicalSpan[]): Map<string, CanonicalSpan[]> {
  const traces = new Map<string, CanonicalSpan[]>()
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span])
  for (const list of traces.values()) list.sort(bySpanId)
  return traces
}

const sortedEntries = (traces: Map<string, CanonicalSpan[]>) => [...traces].sort(([a], [b]) => (a < b ? -1 : 1))

function restQuery(query: QueryCase['Query']): string {
  const params = new URLSearchParams({ service: query.ServiceName })
  if (query.OperationName !== '') params.set('operation', query.OperationName)
  if (query.Tags) params.set('tags', JSON.stringify(Object.fromEntries(Object.entries(query.Tags).map(([k, v]) => [k, String(v)]))))
  params.set('start', String(rfc3339Us(query.StartTimeMin)))
  params.set('end', String(rfc3339Us(query.StartTimeMax)))
  if (query.DurationMin > 0) params.set('minDuration', `${query.DurationMin}ns`)
  if (query.DurationMax > 0) params.set('maxDuration', `${query.DurationMax}ns`)
  params.set('limit', String(query.NumTraces))
  return params.toString()
}

function grpcQuery(query: QueryCase['Query']): Record<string, unknown> {
  const nanos = (n: number) => ({ seconds: String(Math.floor(n / 1e9)), nanos: n % 1e9 })
  const params: Record<string, unknown> = {
    serviceName: query.ServiceName,
    operationName: query.OperationName,
    tags: Object.fromEntries(Object.entries(query.Tags ?? {}).map(([k, v]) => [k, String(v)])),
    startTimeMin: protoTime(rfc3339Us(query.StartTimeMin)),
    startTimeMax: protoTime(rfc3339Us(query.StartTimeMax)),
    searchDepth: query.NumTraces,
  }
  if (query.DurationMin > 0) params.durationMin = nanos(query.DurationMin)
  if (query.DurationMax > 0) params.durationMax = nanos(query.DurationMax)
  return { query: params }
}

async function postFixture(collector: JaegerGrpcClient, name: string): Promise<void> {
  await collector.unary('PostSpans', { batch: { spans: loadFixture(name).map(toProtoSpan) } })
}

describe('Jaeger storage conformance: search fixtures through gRPC PostSpans', () => {
  let app: TestApp
  let collector: JaegerGrpcClient
  let query: JaegerGrpcClient
  const all = expectedTraces(searchFixtures)

  beforeAll(async () => {
    app = await startTestApp()
    collector = new JaegerGrpcClient(app.urls.jaegerGrpc, 'CollectorService')
    query = new JaegerGrpcClient(app.urls.queryGrpc, 'QueryService')
    for (const name of searchFixtures) await postFixture(collector, name)
  })
  afterAll(async () => {
    collector?.close()
    query?.close()
    await app?.close()
    app?.removeFiles()
  })

  const restFind = async (q: QueryCase['Query']) => {
    const { status, body } = await getJson<{ data: Parameters<typeof canonicalUiTrace>[0][] }>(`${app.urls.query}/api/traces?${restQuery(q)}`)
    expect(status).toBe(200)
    return groupByTrace(body.data.flatMap(canonicalUiTrace))
  }
  const grpcFind = async (q: QueryCase['Query']) => {
    const chunks = await query.stream('FindTraces', grpcQuery(q))
    return groupByTrace(chunks.flatMap((chunk) => (chunk.spans as ProtoSpan[]).map(canonicalProtoSpan)))
  }

  const cases = [...loadQueries('queries.json'), ...loadQueries('queries_exact_extra.json')]
  it.each(cases.map((c) => [c.Caption, c] as const))('%s', async (_caption, c) => {
    const expected = sortedEntries(expectedTraces(c.ExpectedFixtures))
    expect(sortedEntries(await restFind(c.Query))).toEqual(expected)
    expect(sortedEntries(await grpcFind(c.Query))).toEqual(expected)
  })

  it.each(loadQueries('queries_es.json').map((c) => [c.Caption, c] as const))('regex case finds nothing under exact matching: %s', async (_caption, c) => {
    expect((await restFind(c.Query)).size).toBe(0)
    expect((await grpcFind(c.Query)).size).toBe(0)
  })

  it('returns every fixture trace intact through GET /api/traces/{id} and gRPC GetTrace', async () => {
    for (const [traceId, spans] of all) {
      const { status, body } = await getJson<{ data: Parameters<typeof canonicalUiTrace>[0][] }>(`${app.urls.query}/api/traces/${traceId}`)
      expect(status).toBe(200)
      expect(body.data.flatMap(canonicalUiTrace).sort(bySpanId)).toEqual(spans)
      const chunks = await query.stream('GetTrace', { traceId: Buffer.from(traceId, 'hex') })
      expect(chunks.flatMap((chunk) => (chunk.spans as ProtoSpan[]).map(canonicalProtoSpan)).sort(bySpanId)).toEqual(spans)
    }
  })

  it('answers NOT_FOUND for an unknown trace and INVALID_ARGUMENT for a malformed id over gRPC', async () => {
    await expect(query.stream('GetTrace', { traceId: Buffer.from('00000000000000000000000000abcdef', 'hex') })).rejects.toMatchObject({ code: 5 })
    await expect(query.stream('GetTrace', { traceId: Buffer.from('abcd', 'hex') })).rejects.toMatchObject({ code: 3 })
  })
})

describe('Jaeger storage conformance: example_trace alone in an empty store', () => {
  let app: TestApp
  let query: JaegerGrpcClient

  beforeAll(async () => {
    app = await startTestApp()
    const collector = new JaegerGrpcClient(app.urls.jaegerGrpc, 'CollectorService')
    await postFixture(collector, EXAMPLE)
    collector.close()
    query = new JaegerGrpcClient(app.urls.queryGrpc, 'QueryService')
  })
  afterAll(async () => {
    query?.close()
    await app?.close()
    app?.removeFiles()
  })

  it('lists the services and the operations with their span kinds', async () => {
    const services = ['example-service-1', 'example-service-2', 'example-service-3']
    expect((await getJson<{ data: string[] }>(`${app.urls.query}/api/services`)).body.data).toEqual(services)
    expect((await query.unary('GetServices', {})).services).toEqual(services)

    const operations = [
      { name: 'example-operation-1', spanKind: '' },
      { name: 'example-operation-3', spanKind: 'server' },
      { name: 'example-operation-4', spanKind: 'client' },
    ]
    expect((await getJson<{ data: unknown[] }>(`${app.urls.query}/api/operations?service=example-service-1`)).body.data).toEqual(operations)
    const grpcOperations = await query.unary('GetOperations', { service: 'example-service-1' })
    expect(grpcOperations.operations).toEqual(operations)
    expect(grpcOperations.operationNames).toEqual(operations.map((o) => o.name))
    expect((await query.unary('GetOperations', { service: 'example-service-1', spanKind: 'server' })).operations).toEqual([operations[1]])
  })

  it('returns the trace span for span', async () => {
    const expected = [...expectedTraces([EXAMPLE]).values()][0]!
    const traceId = hexId(loadFixture(EXAMPLE)[0]!.traceId)
    const { body } = await getJson<{ data: Parameters<typeof canonicalUiTrace>[0][] }>(`${app.urls.query}/api/traces/${traceId}`)
    expect(body.data.flatMap(canonicalUiTrace).sort(bySpanId)).toEqual(expected)
    const chunks = await query.stream('GetTrace', { traceId: Buffer.from(traceId, 'hex'), rawTraces: true })
    expect(chunks.flatMap((chunk) => (chunk.spans as ProtoSpan[]).map(canonicalProtoSpan)).sort(bySpanId)).toEqual(expected)
  })
})
