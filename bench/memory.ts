/**
 * The server's memory: resident size of a freshly started server, the peak under sustained
 * overload (more requests in flight than its bounded queue takes, refused requests sent again
 * as clients that keep their spans do), and the resident size once the overload has stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { configSchema } from '../src/config/schema.js'
import { startServerProcess } from '../test/helpers/server-process.js'
import { startGenerators, totals } from './generators.js'
import { processStats } from './process-stats.js'

export interface MemoryResult {
  freshIdleRssBytes: number
  overloadPeakRssBytes: number
  overloadConnections: number
  overloadSpansPerSecond: number
  overloadRefusedRequests: number
  overloadFailedRequests: number
  idleAfterOverloadRssBytes: number
}

const BATCH_SIZE = 100
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function measureMemory(options: { generators: number; overloadMs: number; settleMs: number; afterOverloadMs: number }): Promise<MemoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'spanlite-memory-'))
  const server = await startServerProcess(join(dir, 'memory.db'), [], { compiled: true })
  try {
    const pid = server.child.pid!
    await sleep(options.settleMs)
    const freshIdleRssBytes = processStats(pid).rssBytes

    // Half again as many spans in flight as the default queue holds, so it stays full and refuses.
    const { queueCapacitySpans } = configSchema.parse({}).pipeline
    const concurrency = Math.ceil((1.5 * queueCapacitySpans) / BATCH_SIZE / options.generators)
    const load = await startGenerators({ url: server.urls.zipkin!, format: 'zipkin-v2-json', batchSize: BATCH_SIZE, seedBase: 900, generators: options.generators, concurrency, durationMs: options.overloadMs, retryRefused: true })
    const overload = totals(await load.reports)
    if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`the server exited under overload:\n${server.output().slice(-4000)}`)
    const overloadPeakRssBytes = processStats(pid).peakRssBytes

    await sleep(options.afterOverloadMs)
    return {
      freshIdleRssBytes,
      overloadPeakRssBytes,
      overloadConnections: concurrency * options.generators,
      overloadSpansPerSecond: overload.spansPerSecond,
      overloadRefusedRequests: overload.refusedRequests,
      overloadFailedRequests: overload.failedRequests,
      idleAfterOverloadRssBytes: processStats(pid).rssBytes,
    }
  } finally {
    server.child.kill('SIGTERM')
    await server.exited
    rmSync(dir, { recursive: true, force: true })
  }
}
