import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServerProcess } from '../test/helpers/server-process.js'
import { processStats } from './process-stats.js'
if (process.env.ZZ_NODE) process.env.NODE_OPTIONS = process.env.ZZ_NODE
const server = await startServerProcess(join(mkdtempSync(join(tmpdir(), 'idle-')), 'i.db'), [], { compiled: true })
await new Promise((r) => setTimeout(r, 5000))
console.log('idle rss MB', (processStats(server.child.pid!).rssBytes / 1e6).toFixed(1))
const t = await (await fetch(`${server.urls.admin}/metrics`)).text()
console.log(t.split('\n').filter((l) => /^nodejs_heap_size|^nodejs_external/.test(l)).join('\n'))
server.child.kill('SIGTERM'); await server.exited
