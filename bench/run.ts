/**
 * spanlite's benchmark: ingest per wire format through a real server process fed by load
 * generators in other processes, the in-process floors measured in the same run, and query
 * latencies over a large store through the REST API (idle, then while ingesting at half the
 * measured maximum), and the server's memory idle and under overload. Prints tables next to
 * the targets and writes bench/results/<date>.json. `--quick`: seconds, small data (a smoke
 * test, as in CI). `--full`: the query phase at 10M spans.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServerProcess } from '../test/helpers/server-process.js'
import { type Format, FORMATS, formatTarget } from './formats.js'
import { measureFloors } from './floors.js'
import { startGenerators, totals } from './generators.js'
import { measureMemory, type MemoryResult } from './memory.js'
import { processStats } from './process-stats.js'
import { measureQueries, type QueryResult } from './queries.js'
import { median, percentile } from './stats.js'

const args = new Set(process.argv.slice(2))
const quick = args.has('--quick')
const settings = {
  repeats: quick ? 1 : 3,
  durationMs: quick ? 2_000 : 10_000,
  /**
   * Load sent to each fresh server before its ingest is measured: for its first seconds V8 is
   * still compiling the hot code (5-span JSON: 9k spans/s in the first 2.5 s, 18k from 10 s on).
   */
  ingestWarmUpMs: quick ? 500 : 5_000,
  generators: 2,
  concurrency: 8,
  floorSpans: quick ? 10_000 : 200_000,
  querySpans: quick ? 20_000 : args.has('--full') ? 10_000_000 : 1_000_000,
  queryRepeats: quick ? 10 : 200,
  queryRounds: quick ? 1 : 3,
  queryWarmUp: quick ? 10 : 200,
  /** The longest the queries may take while ingest runs; the generators encode that much traffic. */
  queryLoadMaxMs: quick ? 10_000 : 180_000,
  overloadMs: quick ? 3_000 : 20_000,
  /** Servers whose memory is measured, each fresh: what is left after the overload moves by some 10 MB from one to the next. */
  memoryServers: quick ? 1 : 3,
  /**
   * Wait before measuring idle memory after the start, and after the overload: V8 shrinks its
   * heap once a process has been idle for about 8 s, and spanlite gives its free memory back
   * 15-23 s after the last request (src/release-memory.ts).
   */
  memorySettleMs: quick ? 2_000 : 15_000,
  memoryAfterOverloadMs: quick ? 2_000 : 30_000,
}

/**
 * What the server itself says it committed, by the format label its receiver gave: a check that
 * every acknowledged span was stored and that the bytes reached the decoder meant for them.
 */
async function savedSpans(adminUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text()
  const saved = new Map<string, number>()
  for (const match of text.matchAll(/^spanlite_spans_saved_total\{([^}]*)\} (\S+)$/gm)) {
    const format = /format="([^"]*)"/.exec(match[1]!)?.[1] ?? '?'
    saved.set(format, (saved.get(format) ?? 0) + Number(match[2]))
  }
  return saved
}

interface IngestResult {
  scenario: string
  spansPerSecond: number[]
  p50Ms: number
  p99Ms: number
  cpuSecondsPerMillionSpans: number
  peakRssBytes: number
  /** Per repeat: each sends spans of its own seed, and the mix of services and tags moves the size. */
  bytesPerSpan: number[]
  refusedRequests: number
  failedRequests: number
  /** Acknowledged by the server over all repeats (warm-ups included), and what its metrics say it committed, by format label. */
  acknowledgedSpans: number
  serverSavedSpans: Record<string, number>
  targetSpansPerSecond: number
}

async function measureIngest(format: Format, batchSize: number): Promise<IngestResult> {
  const { listener, targetSpansPerSecond } = formatTarget(format)
  const rates: number[] = []
  const latencies: number[] = []
  let cpu = 0
  /** Acknowledged in the measured time, which the CPU is measured over. */
  let spansMeasured = 0
  let spansTotal = 0
  let peakRss = 0
  const bytesPerSpan: number[] = []
  let refused = 0
  let failed = 0
  const serverSaved: Record<string, number> = {}
  for (let repeat = 0; repeat < settings.repeats; repeat++) {
    const dir = join(tmpdir(), `spanlite-bench-${process.pid}-${repeat}`)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    const dbPath = join(dir, 'bench.db')
    const server = await startServerProcess(dbPath, [], { compiled: true })
    const pid = server.child.pid!
    const { generators, concurrency, durationMs, ingestWarmUpMs } = settings
    const load = await startGenerators({ url: server.urls[listener]!, format, batchSize, seedBase: 1000 * repeat + batchSize, generators, concurrency, durationMs, warmUpMs: ingestWarmUpMs })
    await new Promise((resolve) => setTimeout(resolve, ingestWarmUpMs))
    const before = processStats(pid)
    const reports = await load.reports
    // A server that died mid-run would otherwise show up only as failed requests.
    if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`the server exited during the ${format} run (${server.child.signalCode ?? server.child.exitCode}):\n${server.output().slice(-4000)}`)
    const after = processStats(pid)
    const { acknowledgedSpans: measured, warmUpSpans, spansPerSecond, refusedRequests, failedRequests } = totals(reports)
    const acknowledged = measured + warmUpSpans
    rates.push(spansPerSecond)
    for (const r of reports) latencies.push(...r.latenciesMs)
    refused += refusedRequests
    failed += failedRequests
    cpu += after.cpuSeconds - before.cpuSeconds
    spansMeasured += measured
    spansTotal += acknowledged
    peakRss = Math.max(peakRss, after.peakRssBytes)
    for (const [label, count] of await savedSpans(server.urls.admin!)) serverSaved[label] = (serverSaved[label] ?? 0) + count
    server.child.kill('SIGTERM')
    await server.exited
    // Closing checkpoints the WAL into the main file, so its size is what the data takes.
    bytesPerSpan.push(statSync(dbPath).size / acknowledged)
    rmSync(dir, { recursive: true, force: true })
  }
  return {
    scenario: `${format}, ${batchSize} spans/request`,
    spansPerSecond: rates,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuSecondsPerMillionSpans: (cpu / spansMeasured) * 1e6,
    peakRssBytes: peakRss,
    bytesPerSpan,
    refusedRequests: refused,
    failedRequests: failed,
    acknowledgedSpans: spansTotal,
    serverSavedSpans: serverSaved,
    targetSpansPerSecond,
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-')

async function main(): Promise<void> {
  const startedAt = new Date()
  console.log(`spanlite benchmark${quick ? ' (--quick: small and short, figures are indicative only)' : ''}; ${settings.repeats} repeat(s) of ${settings.durationMs / 1000} s of ingest after ${settings.ingestWarmUpMs / 1000} s of warm-up, ${settings.generators} load generators x ${settings.concurrency} connections\n`)

  const ingest: IngestResult[] = []
  for (const { format } of FORMATS) {
    for (const batchSize of format === 'zipkin-v2-json' ? [100, 5] : [100]) {
      process.stdout.write(`ingest ${format}, ${batchSize} spans/request ... `)
      const result = await measureIngest(format, batchSize)
      ingest.push(result)
      const saved = Object.entries(result.serverSavedSpans).map(([label, count]) => `${fmt(count)} as ${label}`)
      const problems = result.refusedRequests + result.failedRequests > 0 ? `; ${result.refusedRequests} refused, ${result.failedRequests} failed requests` : ''
      console.log(`${fmt(median(result.spansPerSecond))} spans/s (server saved ${saved.join(', ') || 'nothing'} of ${fmt(result.acknowledgedSpans)} acknowledged${problems})`)
    }
  }

  process.stdout.write('floors (in-process, same spans) ... ')
  const floors = await measureFloors(settings.floorSpans)
  console.log('done')

  const jsonIngest = median(ingest[0]!.spansPerSecond)
  process.stdout.write(`queries over ${fmt(settings.querySpans)} spans ... `)
  const queryLoad = { spansPerSecond: jsonIngest / 2, generators: settings.generators, concurrency: settings.concurrency, maxDurationMs: settings.queryLoadMaxMs }
  const queries = await measureQueries(settings.querySpans, { repeats: settings.queryRepeats, rounds: settings.queryRounds, warmUp: settings.queryWarmUp }, queryLoad, (message) => process.stdout.write(`${message} ... `))
  console.log('done')

  process.stdout.write('memory: idle, under overload, idle again ... ')
  const memory: MemoryResult[] = []
  for (let server = 0; server < settings.memoryServers; server++) {
    memory.push(await measureMemory({ generators: settings.generators, overloadMs: settings.overloadMs, settleMs: settings.memorySettleMs, afterOverloadMs: settings.memoryAfterOverloadMs }))
  }
  console.log('done\n')

  console.log('Ingest (server process, acknowledged = committed)')
  console.log('| scenario | spans/s (median) | target | ack p50 ms | ack p99 ms | CPU s / 1M spans | peak RSS MB | bytes/span, median (largest) of repeats (target <= 150) | refused / failed requests |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const r of ingest) {
    console.log(`| ${r.scenario} | ${fmt(median(r.spansPerSecond))} | >= ${fmt(r.targetSpansPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${fmt(r.cpuSecondsPerMillionSpans, 1)} | ${fmt(r.peakRssBytes / 1e6)} | ${fmt(median(r.bytesPerSpan))} (${fmt(Math.max(...r.bytesPerSpan))}) | ${r.refusedRequests} / ${r.failedRequests} |`)
  }
  console.log('\nFloors (one bare process, no server, same spans)')
  console.log('| floor | spans/s | server JSON v2 ingest / floor | target |')
  console.log('| --- | ---: | ---: | ---: |')
  console.log(`| JSON.parse + spanlite storage writer | ${fmt(floors.spanliteWriterSpansPerSecond)} | ${fmt(jsonIngest / floors.spanliteWriterSpansPerSecond, 2)} | >= 0.70 |`)
  console.log(`| JSON.parse + row-per-tag reference schema | ${fmt(floors.referenceSpansPerSecond)} | ${fmt(jsonIngest / floors.referenceSpansPerSecond, 2)} | >= 1.5 |`)
  const queryTable = (results: QueryResult[]) => {
    console.log('| query | p50 ms | p99 ms | p99 ms by round | target p99 |')
    console.log('| --- | ---: | ---: | ---: | ---: |')
    for (const q of results) console.log(`| ${q.name} | ${fmt(q.p50Ms, 2)} | ${fmt(q.p99Ms, 2)} | ${q.p99MsByRound.map((p) => fmt(p, 1)).join(' / ')} | ${q.targetP99Ms === undefined ? '-' : `<= ${q.targetP99Ms}`} |`)
  }
  console.log(`\nQueries over ${fmt(settings.querySpans)} stored spans, through the REST API: ${settings.queryRounds} round(s) of ${settings.queryRepeats} requests of each kind, after ${settings.queryWarmUp} untimed ones, of other traces and tag values where the query has them; medians of the rounds' p50 and p99, and each round's p99`)
  queryTable(queries.idle)
  const { load } = queries
  const loadProblems = load.refusedRequests + load.failedRequests > 0 ? `; ${load.refusedRequests} refused, ${load.failedRequests} failed requests` : ''
  console.log(`\nThe same queries while ingest runs at half its maximum: Zipkin JSON v2, 100 spans/request, paced to ${fmt(load.targetSpansPerSecond)} spans/s, achieved ${fmt(load.achievedSpansPerSecond)} spans/s${loadProblems}`)
  queryTable(queries.underLoad)
  const mb = (pick: (m: MemoryResult) => number) => `${fmt(median(memory.map(pick)) / 1e6)} (${memory.map((m) => fmt(pick(m) / 1e6)).join(' / ')})`
  const overload = (pick: (m: MemoryResult) => number) => memory.map((m) => fmt(pick(m))).join(' / ')
  console.log(`\nServer memory (resident set): the median of ${memory.length} server(s), each one's figure in brackets`)
  console.log('| measurement | MB | target |')
  console.log('| --- | ---: | ---: |')
  console.log(`| idle, freshly started | ${mb((m) => m.freshIdleRssBytes)} | <= 100 |`)
  console.log(`| peak under sustained overload: ${memory[0]!.overloadConnections} connections of Zipkin JSON v2, 100 spans/request, for ${settings.overloadMs / 1000} s; ${overload((m) => m.overloadSpansPerSecond)} spans/s acknowledged, ${overload((m) => m.overloadRefusedRequests)} requests refused (503), ${overload((m) => m.overloadFailedRequests)} failed | ${mb((m) => m.overloadPeakRssBytes)} | <= 300 |`)
  console.log(`| idle, ${settings.memoryAfterOverloadMs / 1000} s after the overload | ${mb((m) => m.idleAfterOverloadRssBytes)} | <= 100 |`)

  const resultsDir = join(import.meta.dirname, 'results')
  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, `${startedAt.toISOString().slice(0, 10)}${quick ? '-quick' : args.has('--full') ? '-full' : ''}.json`)
  writeFileSync(file, `${JSON.stringify({ startedAt, settings, ingest, floors, queries: queries.idle, queriesUnderLoad: { load: queries.load, results: queries.underLoad }, memory }, null, 2)}\n`)
  console.log(`\nwritten to ${file}`)
}

await main()
