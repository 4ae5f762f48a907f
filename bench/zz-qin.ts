import { readFileSync } from 'node:fs'
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js'
const path = process.argv[2]!
const { ids, uniq } = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { ids: string[]; uniq: [string, string][] }
const storage = await SqliteStorage.open({ path })
const time = async (name: string, f: (i: number) => Promise<unknown>, n = 200) => {
  const l: number[] = []
  for (let i = 0; i < n; i++) { const t = performance.now(); await f(i); l.push(performance.now() - t) }
  l.sort((a, b) => a - b)
  console.log(`${name}: p50 ${l[n >> 1]!.toFixed(2)} p99 ${l[Math.floor(n * 0.99)]!.toFixed(2)} max ${l[n - 1]!.toFixed(2)}`)
}
const only = process.argv[3]
const cases: [string, (i: number) => Promise<unknown>][] = [
  ['trace', (i) => storage.getTrace(ids[i % ids.length]!.padStart(32, '0'))],
  ['svc+op', () => storage.findTraceIds({ serviceName: 'service-0', operationName: 'operation-0', tags: [], limit: 20 })],
  ['unique', (i) => storage.findTraceIds({ serviceName: uniq[i % uniq.length]![0], tags: [{ key: 'user.id', value: uniq[i % uniq.length]![1] }], limit: 20 })],
  ['rare', () => storage.findTraceIds({ serviceName: 'service-0', tags: [{ key: 'http.status_code', value: '503' }], limit: 20 })],
  ['common', () => storage.findTraceIds({ serviceName: 'service-0', tags: [{ key: 'http.status_code', value: '200' }], limit: 20 })],
  ['duration', () => storage.findTraceIds({ serviceName: 'service-0', durationMinUs: 100_000, durationMaxUs: 200_000, tags: [], limit: 20 })],
]
for (const [name, f] of cases) if (!only || only === name) await time(name, f)
await storage.close()
