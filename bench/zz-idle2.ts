import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServerProcess } from '../test/helpers/server-process.js'
const server = await startServerProcess(join(mkdtempSync(join(tmpdir(), 'idle-')), 'i.db'), [], { compiled: true })
await new Promise((r) => setTimeout(r, 4000))
const smaps = readFileSync(`/proc/${server.child.pid}/smaps`, 'utf8').split('\n')
const by = new Map<string, number>(); let cur = ''
for (const l of smaps) { const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(l); if (m) { cur = m[1] || '[anon]'; continue } const r = /^Rss:\s+(\d+) kB/.exec(l); if (r) by.set(cur, (by.get(cur) ?? 0) + Number(r[1])) }
console.log([...by].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${(v / 1024).toFixed(1)} MB ${k}`).join('\n'))
server.child.kill('SIGTERM'); await server.exited
