import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServerProcess } from './zz-server.js'
import { startGenerators, totals } from './generators.js'
import { formatTarget, type Format } from './formats.js'
import { processStats } from './process-stats.js'
const format = (process.argv[2] ?? 'zipkin-v2-json') as Format
const batchSize = Number(process.argv[3] ?? 100)
const dir = mkdtempSync(join(tmpdir(), 'ing-'))
const server = await startServerProcess(join(dir, 'b.db'), process.argv.slice(5), { compiled: true })
const load = await startGenerators({ url: server.urls[formatTarget(format).listener]!, format, batchSize, seedBase: 5, generators: 2, concurrency: 8, durationMs: Number(process.argv[4] ?? 8000) })
const reports = await load.reports
const t = totals(reports)
const lat = reports.flatMap((r) => r.latenciesMs).sort((a, b) => a - b)
const st = processStats(server.child.pid!)
server.child.kill('SIGTERM'); await server.exited
console.log(`${format} ${batchSize}/req: ${Math.round(t.spansPerSecond)} spans/s p50 ${lat[lat.length >> 1]?.toFixed(1)} p99 ${lat[Math.floor(lat.length * 0.99)]?.toFixed(1)} refused ${t.refusedRequests} failed ${t.failedRequests} peak ${(st.peakRssBytes / 1e6).toFixed(0)} MB cpu ${st.cpuSeconds.toFixed(1)} s; ${(statSync(join(dir, 'b.db')).size / t.acknowledgedSpans).toFixed(0)} B/span`)
