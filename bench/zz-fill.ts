import { sanitizeSpan } from '../src/pipeline/sanitize.js'
import { zipkinV2ToModel } from '../src/receivers/zipkin/v2-to-model.js'
import { decodeZipkinV2Json } from '../src/receivers/zipkin/v2-json.js'
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js'
import { traces } from './traffic.js'
import { writeFileSync } from 'node:fs'
const path = process.argv[2]!; const n = Number(process.argv[3])
const storage = new SqliteStorage({ path })
const firstUs = 1_764_000_000_000_000
let pending: ReturnType<typeof zipkinV2ToModel> = []; let written = 0; const ids: string[] = []; const uniq: [string, string][] = []
const t0 = performance.now()
for (const trace of traces(11, firstUs, 50)) {
  for (const span of zipkinV2ToModel(decodeZipkinV2Json(Buffer.from(JSON.stringify(trace))))) pending.push(sanitizeSpan(span, { maxTagValueLength: 65536 }))
  if (written % 997 < trace.length) { ids.push(trace[0]!.traceId); const t = trace[trace.length - 1]!; uniq.push([t.localEndpoint.serviceName, t.tags['user.id']!]) }
  written += trace.length
  if (pending.length >= 5000) { await storage.writeSpans(pending); pending = [] }
  if (written >= n) break
}
await storage.writeSpans(pending); await storage.close()
writeFileSync(`${path}.json`, JSON.stringify({ ids, uniq, firstUs }))
console.log(`filled ${written} in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
