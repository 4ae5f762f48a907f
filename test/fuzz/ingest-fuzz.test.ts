/**
 * Thousands of random and mutated bodies at every ingest endpoint of a server process: each
 * answer is a success, 400 or 413 (gRPC: OK, INVALID_ARGUMENT or RESOURCE_EXHAUSTED); the
 * process never crashes or hangs; earlier spans stay intact. Valid seeds come from the
 * project's test encoders and the real client encoders, then are mutated byte by byte or field
 * by field.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsonEncoder, model, TraceId, option } from 'zipkin'
import THRIFT from 'zipkin-encoder-thrift'
import { loadJaegerProto } from '../../src/server/jaeger-proto.js'
import { fixtureNames, loadFixture, toProtoSpan } from '../helpers/jaeger-fixtures.js'
import { JaegerGrpcClient } from '../helpers/jaeger-grpc-client.js'
import { encodeBatch, type TestSpan } from '../helpers/jaeger-thrift.js'
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js'
import { tempDir } from '../helpers/test-app.js'
import { toProto } from '../helpers/zipkin-proto3.js'
import { postZipkinV2, randomId, zipkinSpan } from '../helpers/zipkin-spans.js'
import { mutateBytes, mutateJsonField, mutateZipkinSpan, randomJson, randomSource } from './mutate.js'

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const CASES_PER_TARGET = 2000
/** Requests in flight at once, so they overlap as they do from real fleets. */
const PARALLEL = 10

type Random = () => number

interface Target {
  name: string
  /** A body for case `i`. */
  body: (random: Random, i: number) => Buffer
  /** Sends one body; the answer as a label ('202', 'INVALID_ARGUMENT', ...) and whether it is acceptable. */
  send: (body: Buffer, i: number) => Promise<{ answer: string; acceptable: boolean }>
}

/** A span as zipkin-js records it: the source of the v1 JSON and v1 Thrift seeds. */
function zipkinJsSpan(): model.Span {
  const traceId = randomId() + randomId()
  const span = new model.Span(new TraceId({ traceId, spanId: randomId(), parentId: new option.Some(randomId()) }))
  span.setName('get /fuzz')
  span.setKind('CLIENT')
  span.setTimestamp(Date.now() * 1000)
  span.setDuration(1234)
  span.setLocalEndpoint(new model.Endpoint({ serviceName: 'fuzz-v1', ipv4: '10.0.0.1', port: 8080 }))
  span.setRemoteEndpoint(new model.Endpoint({ serviceName: 'fuzz-peer', ipv4: '10.0.0.2', port: 9090 }))
  span.addAnnotation(Date.now() * 1000 + 5, 'retry')
  span.putTag('http.status_code', '200')
  return span
}

/** A Thrift list of zipkin-js spans, as zipkin-encoder-thrift writes each. */
function zipkinV1Thrift(spans: model.Span[]): Buffer {
  const header = Buffer.alloc(5)
  header.writeInt8(12, 0) // element type STRUCT
  header.writeInt32BE(spans.length, 1)
  return Buffer.concat([header, ...spans.map((s) => Buffer.from(THRIFT.encode(s)))])
}

function jaegerThriftSpans(): TestSpan[] {
  const id = () => BigInt(`0x${randomId()}`)
  const root = id()
  const startTimeUs = BigInt(Date.now()) * 1000n
  return [
    {
      traceIdHigh: id(),
      traceIdLow: id(),
      spanId: root,
      parentSpanId: 0n,
      operationName: 'fuzz-root',
      startTimeUs,
      durationUs: 1500n,
      tags: [
        { key: 'span.kind', type: 'string', value: 'server' },
        { key: 'big', type: 'long', value: -9_223_372_036_854_775_808n },
        { key: 'raw', type: 'binary', value: Buffer.from([0xde, 0xad]) },
        { key: 'error', type: 'bool', value: true },
      ],
      logs: [{ timestampUs: startTimeUs + 10n, fields: [{ key: 'event', type: 'string', value: 'started' }] }],
    },
  ]
}

describe(`ingest fuzzing (FUZZ_SEED=${SEED})`, () => {
  let dir: string
  let server: ServerProcess
  let collector: JaegerGrpcClient
  const earlier = Array.from({ length: 20 }, (_, i) => zipkinSpan({ service: 'before-fuzz', tags: { i: String(i) } }))
  const earlierTraces = new Map<string, string>()
  const traceText = async (traceId: string) => {
    const response = await fetch(`${server.urls.query}/api/traces/${traceId}`)
    return `${response.status} ${await response.text()}`
  }

  beforeAll(async () => {
    dir = tempDir()
    server = await startServerProcess(join(dir, 'fuzz.db'))
    collector = new JaegerGrpcClient(server.urls.jaegerGrpc!, 'CollectorService')
    expect((await postZipkinV2(server.urls.zipkin!, earlier)).status).toBe(202)
    for (const span of earlier) earlierTraces.set(span.traceId, await traceText(span.traceId))
    expect([...earlierTraces.values()].filter((text) => text.startsWith('200 '))).toHaveLength(earlier.length)
  })
  afterAll(async () => {
    collector?.close()
    server?.child.kill('SIGTERM')
    await server?.exited
    rmSync(dir, { recursive: true, force: true })
  })

  const acceptableHttp = new Set([200, 202, 400, 413])
  const http = (url: () => string, contentType: string) => async (raw: Buffer, i: number) => {
    let body = raw
    const headers: Record<string, string> = { 'content-type': contentType }
    if (i % 7 === 0) {
      body = gzipSync(body)
      headers['content-encoding'] = 'gzip'
    }
    const response = await fetch(url(), { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) })
    await response.text()
    return { answer: String(response.status), acceptable: acceptableHttp.has(response.status) }
  }
  const acceptableGrpc = new Set([GrpcStatus.OK, GrpcStatus.INVALID_ARGUMENT, GrpcStatus.RESOURCE_EXHAUSTED])
  const grpc = async (body: Buffer) => {
    const code = await collector.unaryBytes('PostSpans', body).then(
      () => GrpcStatus.OK,
      (error: ServiceError) => error.code,
    )
    return { answer: GrpcStatus[code] ?? String(code), acceptable: acceptableGrpc.has(code) }
  }

  /** Case i % 3: 0 random JSON, 1 a valid body with one field replaced, 2 a byte-mutated valid body. */
  const jsonBodies = (valid: () => Record<string, unknown>[], mutateOne: (span: Record<string, unknown>, random: Random) => Record<string, unknown>) =>
    (random: Random, i: number) => {
      if (i % 3 === 0) return Buffer.from(JSON.stringify(randomJson(random)))
      if (i % 3 === 1) return Buffer.from(JSON.stringify(valid().map((span) => mutateOne(span, random))))
      return mutateBytes(Buffer.from(JSON.stringify(valid())), random)
    }
  const mutated = (valid: () => Buffer) => (random: Random) => mutateBytes(valid(), random)

  const v2Span = () => zipkinSpan({ service: 'fuzz', tags: { k: 'v' }, annotations: [{ timestamp: 1, value: 'a' }] })
  const v1Span = () => JSON.parse(jsonEncoder.JSON_V1.encode(zipkinJsSpan())) as Record<string, unknown>
  const postSpansRequest = loadJaegerProto().type('PostSpansRequest')
  const fixtures = fixtureNames().map(loadFixture)
  const grpcRequest = (i: number) => {
    const spans = fixtures[i % fixtures.length]!.map(toProtoSpan)
    return Buffer.from(postSpansRequest.encode(postSpansRequest.fromObject({ batch: { spans, process: { serviceName: 'fuzz-grpc' } } })).finish())
  }

  const targets: Target[] = [
    {
      name: 'Zipkin JSON v2',
      body: jsonBodies(() => [v2Span() as unknown as Record<string, unknown>], mutateZipkinSpan),
      send: http(() => `${server.urls.zipkin}/api/v2/spans`, 'application/json'),
    },
    {
      name: 'Zipkin JSON v1',
      body: jsonBodies(() => [v1Span(), v1Span()], mutateJsonField),
      send: http(() => `${server.urls.zipkin}/api/v1/spans`, 'application/json'),
    },
    {
      name: 'Zipkin Thrift v1',
      body: mutated(() => zipkinV1Thrift([zipkinJsSpan(), zipkinJsSpan()])),
      send: http(() => `${server.urls.zipkin}/api/v1/spans`, 'application/x-thrift'),
    },
    {
      name: 'Zipkin proto3',
      body: mutated(() => Buffer.from(toProto([v2Span(), v2Span()]))),
      send: http(() => `${server.urls.zipkin}/api/v2/spans`, 'application/x-protobuf'),
    },
    {
      name: 'Jaeger Thrift binary',
      body: mutated(() => encodeBatch('binary', 'fuzz-thrift', jaegerThriftSpans())),
      send: http(() => `${server.urls.jaegerHttp}/api/traces`, 'application/x-thrift'),
    },
    {
      name: 'Jaeger Thrift compact',
      body: mutated(() => encodeBatch('compact', 'fuzz-thrift', jaegerThriftSpans())),
      send: http(() => `${server.urls.jaegerHttp}/api/traces`, 'application/vnd.apache.thrift.compact'),
    },
    {
      name: 'Jaeger gRPC PostSpans',
      body: (random, i) => mutateBytes(grpcRequest(i), random),
      send: grpc,
    },
  ]

  it.each(targets)('$name: every answer is acceptable', async (target) => {
    const random = randomSource(SEED)
    const unexpected: string[] = []
    const answers = new Map<string, number>()
    for (let i = 0; i < CASES_PER_TARGET; i += PARALLEL) {
      await Promise.all(
        Array.from({ length: PARALLEL }, async (_, j) => {
          const body = target.body(random, i + j)
          const { answer, acceptable } = await target.send(body, i + j)
          answers.set(answer, (answers.get(answer) ?? 0) + 1)
          if (!acceptable) unexpected.push(`${answer} for ${body.toString('base64').slice(0, 200)}`)
        }),
      )
    }
    expect(unexpected).toEqual([])
    // The mutations reach both sides of the decoder: some bodies are refused, some still stored.
    const refused = (answers.get('400') ?? 0) + (answers.get('INVALID_ARGUMENT') ?? 0)
    const stored = (answers.get('202') ?? 0) + (answers.get('OK') ?? 0)
    expect(refused, JSON.stringify([...answers])).toBeGreaterThan(0)
    expect(stored, JSON.stringify([...answers])).toBeGreaterThan(0)
    expect(server.child.exitCode).toBeNull()
    expect((await fetch(`${server.urls.admin}/`)).status).toBe(200)
  })

  it('kept the spans stored before the fuzzing, unchanged', async () => {
    for (const [traceId, before] of earlierTraces) expect(await traceText(traceId)).toBe(before)
  })
})
