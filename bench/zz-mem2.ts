import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServerProcess } from '../test/helpers/server-process.js'
import { startGenerators } from './generators.js'
import { processStats } from './process-stats.js'
const dir = mkdtempSync(join(tmpdir(), 'mem2-'))
if (process.env.ZZ_NODE) process.env.NODE_OPTIONS = process.env.ZZ_NODE
const server = await startServerProcess(join(dir, 'm.db'), process.argv.slice(3), { compiled: true })
delete process.env.NODE_OPTIONS
const pid = server.child.pid!
const load = await startGenerators({ url: server.urls.zipkin!, format: 'zipkin-v2-json', batchSize: 100, seedBase: 900, generators: 2, concurrency: Number(process.argv[2] ?? 150), durationMs: 12000, retryRefused: true })
const pick = async () => { const t = await (await fetch(`${server.urls.admin}/metrics`)).text(); return t.split('\n').filter((l) => /^(nodejs_heap_size_(used|total)_bytes|nodejs_external_memory_bytes|process_resident_memory_bytes|spanlite_queue)/.test(l)).join(' | ') }
for (let i = 0; i < 5; i++) { await new Promise((r) => setTimeout(r, 2200)); console.log(`rss ${(processStats(pid).rssBytes / 1e6).toFixed(0)} MB`, await pick()) }
const { totals } = await import('./generators.js'); console.log(totals(await load.reports))
console.log('peak', (processStats(pid).peakRssBytes / 1e6).toFixed(0))
server.child.kill('SIGTERM'); await server.exited
