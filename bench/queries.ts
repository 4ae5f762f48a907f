/**
 * Query latency over a large store, through the REST API of a server process: the store is
 * filled in-process through spanlite's storage writer (far faster than over HTTP), then the
 * server opens it and answers the benchmark's queries, once idle and once while load
 * generators ingest into it at a given rate (reads must not wait for writes). The queries are
 * timed by a client process of their own.
 */
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sanitizeSpan } from '../src/pipeline/sanitize.js'
import { zipkinV2ToModel } from '../src/receivers/zipkin/v2-to-model.js'
import { decodeZipkinV2Json } from '../src/receivers/zipkin/v2-json.js'
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js'
import { startServerProcess } from '../test/helpers/server-process.js'
import { startGenerators, totals } from './generators.js'
import type { QueryClientReply, QueryClientRequest } from './query-client.js'
import { median, percentile } from './stats.js'
import { traces } from './traffic.js'

export interface QueryResult {
  name: string
  /** Medians over the rounds of each round's p50 and p99 (one round for the cold start). */
  p50Ms: number
  p99Ms: number
  p99MsByRound: number[]
  targetP99Ms?: number
}

/** Ingest while the queries run a second time: Zipkin JSON v2, 100 spans/request, paced. */
export interface QueryLoad {
  spansPerSecond: number
  generators: number
  concurrency: number
  /** The longest the queries may take under load; the generators encode this much traffic. */
  maxDurationMs: number
}

export interface QueryMeasurements {
  idle: QueryResult[]
  underLoad: QueryResult[]
  load: { targetSpansPerSecond: number; achievedSpansPerSecond: number; refusedRequests: number; failedRequests: number }
}

/** Starts bench/answer-floor-server.ts; resolves with its base URL and a function that stops it. */
async function startAnswerFloor(): Promise<{ url: string; stop: () => void }> {
  const child = fork(join(import.meta.dirname, 'answer-floor-server.ts'), { execArgv: ['--import', 'tsx'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(message as number))
    child.once('exit', (code) => reject(new Error(`the answer floor server exited (code ${code}) before it listened`)))
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() }
}

/** Times the requests in a query client process of its own (bench/query-client.ts). */
function timeQueries(request: QueryClientRequest): Promise<{ latenciesMs: number[][] }> {
  // A young generation large enough that the client's own collections stay rare and short.
  const child = fork(join(import.meta.dirname, 'query-client.ts'), { execArgv: ['--import', 'tsx', '--max-semi-space-size=32'] })
  return new Promise((resolve, reject) => {
    child.once('message', (reply: QueryClientReply) => ('error' in reply ? reject(new Error(reply.error)) : resolve(reply)))
    child.once('exit', (code) => reject(new Error(`the query client exited (code ${code}) before it reported`)))
    child.send(request)
  })
}

/** How many requests of each kind are timed, in how many rounds, and how many are sent first untimed. */
export interface QueryCounts {
  /** Requests of each kind a round; a round asks each kind in turn. */
  repeats: number
  /**
   * The p99 of one round of 200 is set by its two or three slowest requests, which the shared
   * machine moves from run to run; the median of the rounds' figures is reported, as for ingest.
   */
  rounds: number
  /**
   * Untimed requests of each kind sent first: a fresh server answers its first requests while
   * V8 is still compiling the read path (over 10M spans: 34 and 24 functions optimized or
   * deoptimized in the first two sets of 50 trace lookups, 0-8 in each set after). Its first
   * trace lookups are timed apart, once, as the cold start.
   */
  warmUp: number
}

export async function measureQueries(spanCount: number, counts: QueryCounts, load: QueryLoad, progress: (message: string) => void): Promise<QueryMeasurements> {
  const { repeats, rounds, warmUp } = counts
  const dir = mkdtempSync(join(tmpdir(), 'spanlite-queries-'))
  try {
    const dbPath = join(dir, 'queries.db')
    const sample = await fill(dbPath, spanCount, progress)
    const server = await startServerProcess(dbPath, [], { compiled: true })
    const floor = await startAnswerFloor()
    try {
      const base = server.urls.query!
      const window = `start=${sample.firstUs}&end=${sample.lastUs + 1}`
      const zipkin = server.urls.zipkin!
      const dependencies = () => `/api/dependencies?endTs=${Date.now()}&lookback=86400000`
      const zipkinDependencies = () => `/api/v2/dependencies?endTs=${Date.now()}&lookback=86400000`
      // An empty graph would be answered fast and measure nothing.
      const graph = (await (await fetch(`${base}${dependencies()}`)).json()) as { data?: unknown[] }
      if (!graph.data?.length) throw new Error(`dependencies over 24 h of the filled store came back empty: ${JSON.stringify(graph)}`)
      const zipkinGraph = (await (await fetch(`${zipkin}${zipkinDependencies()}`)).json()) as unknown[]
      if (!zipkinGraph.length) throw new Error('Zipkin dependencies over 24 h of the filled store came back empty')
      const tags = (t: Record<string, string>) => encodeURIComponent(JSON.stringify(t))
      const cases: { name: string; base?: string; path: (i: number) => string; targetP99Ms?: number }[] = [
        { name: 'trace by id', path: (i) => `/api/traces/${sample.traceIds[i % sample.traceIds.length]}`, targetP99Ms: 5 },
        { name: 'floor: a bare node:http server answering 35 KB, about a trace by id\'s answer', base: floor.url, path: () => '/' },
        { name: 'service + operation (limit 20)', path: () => `/api/traces?service=${sample.service}&operation=${sample.operation}&${window}&limit=20` },
        { name: 'service + exact tag, unique value (limit 20)', path: (i) => `/api/traces?service=${sample.uniqueTags[i % sample.uniqueTags.length]!.service}&tags=${tags({ 'user.id': sample.uniqueTags[i % sample.uniqueTags.length]!.value })}&${window}&limit=20`, targetP99Ms: 50 },
        { name: 'service + exact tag, rare value (limit 20)', path: () => `/api/traces?service=${sample.service}&tags=${tags({ 'http.status_code': '503' })}&${window}&limit=20`, targetP99Ms: 50 },
        { name: 'service + exact tag, common value (limit 20)', path: () => `/api/traces?service=${sample.service}&tags=${tags({ 'http.status_code': '200' })}&${window}&limit=20`, targetP99Ms: 50 },
        { name: 'service + duration range (limit 20)', path: () => `/api/traces?service=${sample.service}&minDuration=100ms&maxDuration=200ms&${window}&limit=20` },
        { name: 'services', path: () => '/api/services', targetP99Ms: 5 },
        { name: 'operations of a service', path: () => `/api/services/${sample.service}/operations`, targetP99Ms: 5 },
        { name: 'dependencies over 24 h', path: dependencies, targetP99Ms: 50 },
        { name: 'Zipkin dependencies over 24 h', base: zipkin, path: zipkinDependencies, targetP99Ms: 50 },
      ]
      const result = (name: string, byRound: number[][], targetP99Ms?: number): QueryResult => {
        const p99MsByRound = byRound.map((latencies) => percentile(latencies, 99))
        return { name, p50Ms: median(byRound.map((latencies) => median(latencies))), p99Ms: median(p99MsByRound), p99MsByRound, ...(targetP99Ms === undefined ? {} : { targetP99Ms }) }
      }
      // Round r asks for the traces and values r * repeats on; the warm-up, before the first
      // round, for those after all the rounds'.
      const measure = async (): Promise<QueryResult[]> => {
        const byCase: number[][][] = cases.map(() => [])
        for (let round = 0; round < rounds; round++) {
          const warmUpNow = round === 0 ? warmUp : 0
          const paths = cases.map((c) => ({
            name: c.name,
            base: c.base ?? base,
            paths: [...Array.from({ length: warmUpNow }, (_, i) => c.path(rounds * repeats + i)), ...Array.from({ length: repeats }, (_, i) => c.path(round * repeats + i))],
          }))
          const { latenciesMs } = await timeQueries({ cases: paths, warmUp: warmUpNow })
          latenciesMs.forEach((latencies, i) => byCase[i]!.push(latencies))
        }
        return cases.map((c, i) => result(c.name, byCase[i]!, c.targetP99Ms))
      }
      const byId = cases[0]!
      const cold = await timeQueries({ cases: [{ name: byId.name, base, paths: Array.from({ length: repeats }, (_, i) => byId.path(rounds * repeats + warmUp + i)) }], warmUp: 0 })
      const idle = [result(`${byId.name}, the first ${repeats} requests after the start`, cold.latenciesMs), ...(await measure())]

      progress(`under load (${Math.round(load.spansPerSecond).toLocaleString('en-US')} spans/s)`)
      const { spansPerSecond, generators, concurrency, maxDurationMs } = load
      const ingest = await startGenerators({ url: server.urls.zipkin!, format: 'zipkin-v2-json', batchSize: 100, seedBase: 500, generators, concurrency, durationMs: maxDurationMs, spansPerSecond })
      // Let the writer reach its pace before the first query.
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      const underLoad = await measure()
      ingest.stop()
      const { spansPerSecond: achievedSpansPerSecond, refusedRequests, failedRequests } = totals(await ingest.reports)
      return { idle, underLoad, load: { targetSpansPerSecond: spansPerSecond, achievedSpansPerSecond, refusedRequests, failedRequests } }
    } finally {
      floor.stop()
      server.child.kill('SIGTERM')
      await server.exited
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

interface Sample {
  traceIds: string[]
  service: string
  operation: string
  uniqueTags: { service: string; value: string }[]
  firstUs: number
  lastUs: number
}

async function fill(dbPath: string, spanCount: number, progress: (message: string) => void): Promise<Sample> {
  const storage = new SqliteStorage({ path: dbPath })
  const firstUs = Date.now() * 1000 - 3_600_000_000
  const sample: Sample = { traceIds: [], service: 'service-0', operation: 'operation-0', uniqueTags: [], firstUs, lastUs: firstUs }
  let written = 0
  let pending: ReturnType<typeof zipkinV2ToModel> = []
  // At least every 500k spans, with the rate so far: filling 10M takes minutes.
  const reportEvery = Math.min(spanCount / 10, 500_000)
  let nextReport = reportEvery
  const started = performance.now()
  for (const trace of traces(11, firstUs, 50)) {
    const spans = zipkinV2ToModel(decodeZipkinV2Json(Buffer.from(JSON.stringify(trace))))
    for (const span of spans) pending.push(sanitizeSpan(span, { maxTagValueLength: 65_536 }))
    if (written % 499 < spans.length) {
      sample.traceIds.push(trace[0]!.traceId)
      const tagged = trace[trace.length - 1]!
      sample.uniqueTags.push({ service: tagged.localEndpoint.serviceName, value: tagged.tags['user.id']! })
    }
    sample.lastUs = Math.max(sample.lastUs, ...trace.map((s) => s.timestamp))
    written += spans.length
    if (pending.length >= 5_000) {
      await storage.writeSpans(pending)
      pending = []
    }
    if (written >= nextReport) {
      const rate = Math.round(written / ((performance.now() - started) / 1000))
      progress(`${Math.round((100 * written) / spanCount)}% (${rate.toLocaleString('en-US')} spans/s)`)
      nextReport += reportEvery
    }
    if (written >= spanCount) break
  }
  await storage.writeSpans(pending)
  await storage.close()
  return sample
}
