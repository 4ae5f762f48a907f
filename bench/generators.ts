/** Load-generator processes (bench/load-generator.ts) started together against one server. */
import { fork } from 'node:child_process'
import { join } from 'node:path'
import type { Format } from './formats.js'
import type { LoadReport } from './load-generator.js'

export interface GeneratorOptions {
  url: string
  format: Format
  batchSize: number
  seedBase: number
  generators: number
  concurrency: number
  /** The longest the load runs after its warm-up; `stop()` ends it earlier. */
  durationMs: number
  /** Load sent first and not measured (see LoadReport.warmUpSpans); none when absent. */
  warmUpMs?: number
  /** All generators together; unpaced when absent. */
  spansPerSecond?: number
  retryRefused?: boolean
}

export interface RunningGenerators {
  /** Resolves when every generator has reported, after its time is up or `stop()`. */
  reports: Promise<LoadReport[]>
  stop(): void
}

/** Forks the generators, waits until each has encoded its spans, then starts them at once. */
export async function startGenerators(options: GeneratorOptions): Promise<RunningGenerators> {
  const { generators, durationMs, warmUpMs = 0, spansPerSecond } = options
  // A generous budget of distinct spans: repeats would be stored once and flatter the figures.
  const spans = Math.ceil(((spansPerSecond ?? 60_000) * (warmUpMs + durationMs)) / 1000 / generators)
  const perGenerator = spansPerSecond === undefined ? {} : { spansPerSecond: spansPerSecond / generators }
  const children = Array.from({ length: generators }, () => fork(join(import.meta.dirname, 'load-generator.ts'), { execArgv: ['--import', 'tsx'] }))
  await Promise.all(
    children.map((child, i) => {
      const { url, format, batchSize, seedBase, concurrency, retryRefused } = options
      child.send({ url, format, seed: seedBase + i, batchSize, spans, concurrency, durationMs, warmUpMs, retryRefused, ...perGenerator })
      return new Promise((resolve) => child.once('message', resolve))
    }),
  )
  const reports = children.map(
    (child) =>
      new Promise<LoadReport>((resolve, reject) => {
        child.once('message', (m: { report: LoadReport }) => resolve(m.report))
        child.once('exit', (code) => reject(new Error(`a load generator exited (code ${code}) before it reported`)))
      }),
  )
  for (const child of children) child.send({ go: true })
  return { reports: Promise.all(reports), stop: () => children.forEach((child) => child.connected && child.send({ stop: true })) }
}

/** What all generators of one run achieved together; the rate is that of the measured time. */
export function totals(reports: LoadReport[]): { acknowledgedSpans: number; warmUpSpans: number; spansPerSecond: number; refusedRequests: number; failedRequests: number } {
  const sum = (pick: (r: LoadReport) => number) => reports.reduce((total, r) => total + pick(r), 0)
  const acknowledgedSpans = sum((r) => r.acknowledgedSpans)
  return {
    acknowledgedSpans,
    warmUpSpans: sum((r) => r.warmUpSpans),
    spansPerSecond: acknowledgedSpans / (Math.max(...reports.map((r) => r.elapsedMs)) / 1000),
    refusedRequests: sum((r) => r.refusedRequests),
    failedRequests: sum((r) => r.failedRequests),
  }
}
