/**
 * Query latency over a large store, through the REST API of a server process: the store is
 * filled in-process through spanlite's storage writer (far faster than over HTTP), then the
 * server opens it and answers the benchmark's queries.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sanitizeSpan } from '../src/pipeline/sanitize.js'
import { zipkinV2ToModel } from '../src/receivers/zipkin/v2-to-model.js'
import { decodeZipkinV2Json } from '../src/receivers/zipkin/v2-json.js'
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js'
import { startServerProcess } from '../test/helpers/server-process.js'
import { median, percentile } from './stats.js'
import { traces } from './traffic.js'

export interface QueryResult {
  name: string
  p50Ms: number
  p99Ms: number
  targetP99Ms?: number
}

export async function measureQueries(spanCount: number, repeats: number, progress: (message: string) => void): Promise<QueryResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'spanlite-queries-'))
  try {
    const dbPath = join(dir, 'queries.db')
    const sample = await fill(dbPath, spanCount, progress)
    const server = await startServerProcess(dbPath, [], { compiled: true })
    try {
      const base = server.urls.query!
      const window = `start=${sample.firstUs}&end=${sample.lastUs + 1}`
      const tags = (t: Record<string, string>) => encodeURIComponent(JSON.stringify(t))
      const cases: { name: string; path: (i: number) => string; targetP99Ms?: number }[] = [
        { name: 'trace by id', path: (i) => `/api/traces/${sample.traceIds[i % sample.traceIds.length]}`, targetP99Ms: 5 },
        { name: 'service + operation (limit 20)', path: () => `/api/traces?service=${sample.service}&operation=${sample.operation}&${window}&limit=20` },
        { name: 'service + exact tag, unique value (limit 20)', path: (i) => `/api/traces?service=${sample.uniqueTags[i % sample.uniqueTags.length]!.service}&tags=${tags({ 'user.id': sample.uniqueTags[i % sample.uniqueTags.length]!.value })}&${window}&limit=20`, targetP99Ms: 50 },
        { name: 'service + exact tag, rare value (limit 20)', path: () => `/api/traces?service=${sample.service}&tags=${tags({ 'http.status_code': '503' })}&${window}&limit=20`, targetP99Ms: 50 },
        { name: 'service + exact tag, common value (limit 20)', path: () => `/api/traces?service=${sample.service}&tags=${tags({ 'http.status_code': '200' })}&${window}&limit=20`, targetP99Ms: 50 },
        { name: 'service + duration range (limit 20)', path: () => `/api/traces?service=${sample.service}&minDuration=100ms&maxDuration=200ms&${window}&limit=20` },
        { name: 'services', path: () => '/api/services', targetP99Ms: 5 },
        { name: 'operations of a service', path: () => `/api/services/${sample.service}/operations`, targetP99Ms: 5 },
      ]
      const results: QueryResult[] = []
      for (const c of cases) {
        const latencies: number[] = []
        for (let i = 0; i < repeats; i++) {
          const started = performance.now()
          const response = await fetch(`${base}${c.path(i)}`)
          await response.arrayBuffer()
          if (response.status !== 200) throw new Error(`${c.name}: ${c.path(i)} answered ${response.status}`)
          latencies.push(performance.now() - started)
        }
        results.push({ name: c.name, p50Ms: median(latencies), p99Ms: percentile(latencies, 99), ...(c.targetP99Ms === undefined ? {} : { targetP99Ms: c.targetP99Ms }) })
      }
      return results
    } finally {
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
  let nextReport = spanCount / 10
  for (const trace of traces(11, firstUs, 50)) {
    const spans = zipkinV2ToModel(decodeZipkinV2Json(Buffer.from(JSON.stringify(trace))))
    for (const span of spans) pending.push(sanitizeSpan(span, { maxTagValueLength: 65_536 }))
    if (written % 997 < spans.length) {
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
      progress(`${Math.round((100 * written) / spanCount)}%`)
      nextReport += spanCount / 10
    }
    if (written >= spanCount) break
  }
  await storage.writeSpans(pending)
  await storage.close()
  return sample
}
