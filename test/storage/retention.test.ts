/** Retention on a real SQLite file: by age, by size, in small steps, and free pages reused. */
import { statSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { Retention } from '../../src/retention/retention.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { modelSpan } from '../helpers/model-spans.js'
import { tempDir } from '../helpers/test-app.js'

const HOUR_US = 3_600_000_000
const silent = pino({ level: 'silent' })
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function openStorage(options: { segmentSpans?: number } = {}): SqliteStorage {
  const dir = tempDir()
  const storage = new SqliteStorage({ path: join(dir, 'retention.db'), autocompleteKeys: ['environment'], ...options })
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => storage.close())
  return storage
}

function spansAt(startTimeUs: number, count: number, service = 'retained') {
  return Array.from({ length: count }, (_, i) =>
    modelSpan({ service, startTimeUs: startTimeUs + i, tags: [{ key: 'user.id', type: 'string', value: `u${i}` }, { key: 'payload', type: 'string', value: 'p'.repeat(300 + (i % 50)) }] }),
  )
}

describe('retention', () => {
  it('deletes spans older than the age limit, in batches, and keeps newer ones findable', async () => {
    const storage = openStorage({ segmentSpans: 100 })
    const nowMs = Date.now()
    const old = spansAt((nowMs - 10 * 3_600_000) * 1000, 1200)
    const fresh = spansAt((nowMs - 1 * 3_600_000) * 1000, 300)
    await storage.writeSpans(old)
    await storage.writeSpans(fresh)
    const purged: number[] = []
    const retention = new Retention({ maxAgeHours: 5, maxDatabaseBytes: 0, purgeIntervalMs: 60_000, purgeBatchSpans: 250 }, storage, silent, { spansPurged: (n) => purged.push(n) }, () => nowMs)
    await retention.runOnce()
    expect(purged[0]).toBe(1200)
    for (const span of old.slice(0, 50)) expect(await storage.getTrace(span.traceId)).toEqual([])
    for (const span of fresh.slice(0, 50)) expect(await storage.getTrace(span.traceId)).toEqual([span])
    expect(await storage.findTraceIds({ serviceName: 'retained', tags: [{ key: 'user.id', value: 'u7' }], limit: 10 })).toEqual([fresh[7]!.traceId])
    const counts = storage.db.prepare('SELECT (SELECT sum(span_count) FROM span_blocks) AS spans, (SELECT count(*) FROM segments) AS segments').get() as { spans: number; segments: number }
    expect(counts.spans).toBe(300)
    // Segments whose spans are all gone are dropped with their postings.
    expect(counts.segments).toBeLessThanOrEqual(1)
    await retention.stop()
  })

  it('stops listing the operations and services whose spans are all gone', async () => {
    const storage = openStorage()
    const nowMs = Date.now()
    const oldUs = (nowMs - 10 * 3_600_000) * 1000
    const freshUs = (nowMs - 3_600_000) * 1000
    // Each span names a remote service and an autocomplete value after its operation.
    const span = (service: string, operationName: string, startTimeUs: number) =>
      modelSpan({ service, operationName, startTimeUs, remoteEndpoint: { serviceName: `${operationName}-peer` }, tags: [{ key: 'environment', type: 'string', value: `${operationName}-env` }] })
    await storage.writeSpans([span('gone', 'old-call', oldUs), span('kept', 'old-call', oldUs + 1)])
    // A late span: started long ago (an hour after the old ones), stored with a fresh one, so its block stays.
    await storage.writeSpans([span('kept', 'fresh-call', freshUs), span('kept', 'late-call', oldUs + HOUR_US)])
    // A block whose newest span is older than that one's, and whose oldest is newer.
    await storage.writeSpans([span('kept', 'mid-call', freshUs - HOUR_US / 2)])
    expect(await storage.getServices()).toEqual(['gone', 'kept'])

    const retention = new Retention({ maxAgeHours: 5, maxDatabaseBytes: 0, purgeIntervalMs: 60_000, purgeBatchSpans: 250 }, storage, silent, undefined, () => nowMs)
    await retention.runOnce()
    expect(await storage.getServices()).toEqual(['kept'])
    expect(await storage.getOperations({ serviceName: 'gone' })).toEqual([])
    expect((await storage.getOperations({ serviceName: 'kept' })).map((o) => o.name)).toEqual(['fresh-call', 'late-call', 'mid-call'])
    // So are the remote service names and autocomplete values that only the spans gone had.
    expect(await storage.getRemoteServices('gone')).toEqual([])
    expect(await storage.getRemoteServices('kept')).toEqual(['fresh-call-peer', 'late-call-peer', 'mid-call-peer'])
    expect(await storage.getTagValues('environment')).toEqual(['fresh-call-env', 'late-call-env', 'mid-call-env'])

    // A late span naming them again, started as long ago as those gone, has them listed again.
    await storage.writeSpans([span('kept', 'old-call', oldUs + 2)])
    expect(await storage.getRemoteServices('kept')).toContain('old-call-peer')
    expect(await storage.getTagValues('environment')).toContain('old-call-env')
    // A service seen again is listed again, with its operation.
    await storage.writeSpans([span('gone', 'old-call', freshUs + 1)])
    expect(await storage.getServices()).toEqual(['gone', 'kept'])
    expect((await storage.getOperations({ serviceName: 'gone' })).map((o) => o.name)).toEqual(['old-call'])
    expect(await storage.getRemoteServices('gone')).toEqual(['old-call-peer'])
    expect(await storage.getTagValues('environment')).toEqual(['fresh-call-env', 'late-call-env', 'mid-call-env', 'old-call-env'])
    expect(await storage.findTraceIds({ serviceName: 'gone', operationName: 'old-call', tags: [], limit: 10 })).toHaveLength(1)
    await retention.stop()
  })

  it('deletes the oldest spans while the data is over the size cap', async () => {
    const storage = openStorage()
    const base = Date.now() * 1000 - HOUR_US
    for (let round = 0; round < 10; round++) await storage.writeSpans(spansAt(base + round * 10_000, 500))
    const before = await storage.sizes()
    const cap = Math.floor(before.usedBytes / 2)
    const retention = new Retention({ maxAgeHours: 24, maxDatabaseBytes: cap, purgeIntervalMs: 60_000, purgeBatchSpans: 200 }, storage, silent)
    await retention.runOnce()
    expect((await storage.sizes()).usedBytes).toBeLessThanOrEqual(cap)
    const remaining = storage.db.prepare('SELECT min(min_start_us) AS oldest, sum(span_count) AS n FROM span_blocks').get() as { oldest: number; n: number }
    expect(remaining.n).toBeGreaterThan(0)
    expect(remaining.n).toBeLessThan(5000)
    // Oldest first: what is left is the newest part.
    expect(remaining.oldest).toBeGreaterThan(base)
    await retention.stop()
  })

  it('reuses freed pages: under steady load with retention the file stops growing', async () => {
    const storage = openStorage({ segmentSpans: 200 })
    const path = (storage as unknown as { path: string }).path
    const sizes: number[] = []
    // Each round writes one "hour" of spans and deletes what is older than three hours.
    for (let hour = 0; hour < 24; hour++) {
      await storage.writeSpans(spansAt(hour * HOUR_US, 400))
      while ((await storage.purgeOldest({ beforeUs: (hour - 3) * HOUR_US, maxSpans: 500 })) >= 500);
      storage.db.pragma('wal_checkpoint(TRUNCATE)')
      sizes.push(statSync(path).size)
    }
    const settled = sizes[8]!
    expect(sizes[23]!).toBeLessThanOrEqual(settled * 1.15)
  })
})
