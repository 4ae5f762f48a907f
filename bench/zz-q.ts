import { measureQueries } from './queries.js'
const n = Number(process.argv[2] ?? 1_000_000)
const r = await measureQueries(n, 200, { spansPerSecond: Number(process.argv[3] ?? 12000), generators: 2, concurrency: 8, maxDurationMs: 120_000 }, (m) => process.stdout.write(`${m} ... `))
console.log()
for (const [name, rows] of [['idle', r.idle], ['under load', r.underLoad]] as const) { console.log(name); for (const q of rows) console.log(`  ${q.name}: p50 ${q.p50Ms.toFixed(2)} p99 ${q.p99Ms.toFixed(2)}`) }
console.log(r.load)
