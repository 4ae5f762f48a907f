import Database from 'better-sqlite3'
import { decodeBlockSummary } from '../src/storage/sqlite/block-summary.js'
import { decompressBlock } from '../src/storage/sqlite/block-compression.js'
const db = new Database('/tmp/q1m.db', { readonly: true })
const rows = db.prepare('SELECT summary, data FROM span_blocks LIMIT 2000').all() as { summary: Buffer; data: Buffer }[]
let t = performance.now(); for (const r of rows) decodeBlockSummary(r.summary); console.log('summary decode us', ((performance.now() - t) * 1000 / rows.length).toFixed(1), 'avg bytes', rows.reduce((s, r) => s + r.summary.length, 0) / rows.length)
t = performance.now(); let raw = 0; for (const r of rows) raw += decompressBlock(r.summary).length; console.log('decompress only us', ((performance.now() - t) * 1000 / rows.length).toFixed(1), 'raw bytes', raw / rows.length)
t = performance.now(); for (const r of rows.slice(0, 500)) decompressBlock(r.data); console.log('data decompress us', ((performance.now() - t) * 1000 / 500).toFixed(1))
const s = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 4").all(); console.log(s, db.prepare('select count(*) n, sum(span_count) s from span_blocks').get())
