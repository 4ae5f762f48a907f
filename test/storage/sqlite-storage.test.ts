/** The SQLite backend on real files: round trips, sealed tag segments, restarts and migrations. */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Span } from '../../src/model/span.js'
import { MIGRATIONS_DIR } from '../../src/project-files.js'
import { readMigrations } from '../../src/storage/sqlite/migrate.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { tagTerm } from '../../src/model/span-terms.js'
import { termKey } from '../../src/storage/sqlite/index-keys.js'
import { modelSpan } from '../helpers/model-spans.js'
import { createVersion1Database, createVersion13Database } from '../helpers/old-database.js'
import { jaegerGet } from '../helpers/jaeger-api.js'
import { startTestApp, tempDir } from '../helpers/test-app.js'

const dirs: string[] = []
function freshDir(): string {
  const dir = tempDir()
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('SqliteStorage', () => {
  it('returns every span field as written, with 64-bit integers and binary intact', async () => {
    const storage = new SqliteStorage({ path: join(freshDir(), 'db.sqlite') })
    const span: Span = modelSpan({
      service: 'round-trip',
      traceId: 'ffffffffffffffff0000000000000001',
      kind: 'server',
      shared: true,
      flags: 3,
      references: [
        { type: 'child_of', traceId: 'ffffffffffffffff0000000000000001', spanId: '00000000000000aa' },
        { type: 'follows_from', traceId: '00000000000000000000000000000002', spanId: '00000000000000bb' },
      ],
      tags: [
        { key: 'big', type: 'int64', value: 9223372036854775807n },
        { key: 'neg', type: 'int64', value: -9223372036854775808n },
        { key: 'f', type: 'float64', value: 0.1 },
        { key: 'nan', type: 'float64', value: Number.NaN },
        { key: 'b', type: 'bool', value: false },
        { key: 'bin', type: 'binary', value: new Uint8Array([0, 1, 254, 255]) },
        { key: 's', type: 'string', value: 'ü\n"' },
      ],
      logs: [{ timestampUs: 1_700_000_000_000_001, fields: [{ key: 'event', type: 'string', value: 'x' }] }],
      process: { serviceName: 'round-trip', tags: [{ key: 'hostname', type: 'string', value: 'h1' }] },
      localEndpoint: { serviceName: 'round-trip', ipv4: '10.0.0.1', port: 80 },
      remoteEndpoint: { ipv6: '::1' },
      warnings: ['clock skew'],
    })
    await storage.writeSpans([span])
    expect(await storage.getTrace(span.traceId)).toEqual([span])
    await storage.close()
  })

  it('reads every trace back after reading more blocks than it keeps decompressed, large ones too', async () => {
    // One span per block: 150 blocks, more than are kept, and one block larger than the 128 KB
    // a kept block may take in the shared buffer.
    const storage = new SqliteStorage({ path: join(freshDir(), 'db.sqlite'), blockMaxSpans: 1 })
    const spans = Array.from({ length: 150 }, (_, i) =>
      modelSpan({
        service: 'blocks',
        traceId: (i + 1).toString(16).padStart(32, '0'),
        tags: [{ key: 'payload', type: 'string', value: `${i}:`.padEnd(i === 70 ? 200_000 : 1000 + i, String.fromCharCode(97 + (i % 26))) }],
      }),
    )
    for (const span of spans) await storage.writeSpans([span])
    for (const order of [spans, [...spans].reverse(), spans]) {
      for (const span of order) expect(await storage.getTrace(span.traceId)).toEqual([span])
    }
    await storage.close()
  })

  it('merges small blocks into one, every span still read, found, deduplicated and purged', async () => {
    const path = join(freshDir(), 'db.sqlite')
    let storage = new SqliteStorage({ path, blockMaxSpans: 8 })
    const traceIds = ['a', 'b', 'c'].map((c) => c.repeat(32))
    // Requests of 3 spans, each trace's spans spread over several of them.
    const spans = Array.from({ length: 24 }, (_, i) =>
      modelSpan({ service: 'merged', traceId: traceIds[i % 3]!, startTimeUs: 1_700_000_000_000_000 + i, tags: [{ key: 'i', type: 'int64', value: BigInt(i) }] }),
    )
    const ofTrace = (traceId: string) => spans.filter((span) => span.traceId === traceId)
    const blockCounts = () => (storage.db.prepare('SELECT span_count FROM span_blocks ORDER BY id').pluck().all() as number[]).join(',')
    for (let i = 0; i < spans.length; i += 3) {
      await storage.writeSpans(spans.slice(i, i + 3))
      // Read each trace as the blocks grow: a block kept decompressed before it merged the next ones must be read again.
      for (const traceId of traceIds) expect(await storage.getTrace(traceId)).toEqual(ofTrace(traceId).filter((span) => spans.indexOf(span) < i + 3))
    }
    // 3 + 3 spans fit a block of 8; a third request does not, so the two are merged as it is
    // written: compressed in the background, and stored by a later write. The newest blocks
    // wait for the next merge.
    await vi.waitFor(async () => {
      await storage.writeSpans([])
      expect(blockCounts()).toBe('6,6,6,3,3')
    })
    for (const [i, span] of spans.entries()) {
      expect(await storage.findTraceIds({ serviceName: 'merged', tags: [{ key: 'i', value: String(i) }], limit: 10 })).toEqual([span.traceId])
    }
    // A retry of spans stored in a merged block is not stored again.
    await storage.writeSpans(spans.slice(3, 9))
    expect(storage.db.prepare('SELECT sum(span_count) FROM span_blocks').pluck().get()).toBe(24)

    // After a restart the merged blocks are read from the database alone. Closing merged the
    // blocks left.
    await storage.close()
    storage = new SqliteStorage({ path, blockMaxSpans: 8 })
    expect(blockCounts()).toBe('6,6,6,6')
    for (const traceId of traceIds) expect(await storage.getTrace(traceId)).toEqual(ofTrace(traceId))
    expect(await storage.findTraceIds({ serviceName: 'merged', tags: [{ key: 'i', value: '22' }], limit: 10 })).toEqual([traceIds[1]])

    // Purging a merged block takes the runs of every block merged into it.
    expect(await storage.purgeOldest({ maxSpans: 6 })).toBe(6)
    expect(await storage.getTrace(traceIds[0]!)).toEqual(ofTrace(traceIds[0]!).slice(2))
    expect(await storage.purgeOldest({ maxSpans: 100 })).toBe(18)
    expect(storage.db.prepare('SELECT count(*) FROM trace_runs').pluck().get()).toBe(0)
    await storage.close()
  })

  it('keeps small blocks held for their merge through a retention pass that deletes nothing', async () => {
    const storage = new SqliteStorage({ path: join(freshDir(), 'db.sqlite'), blockMaxSpans: 8 })
    const spans = Array.from({ length: 9 }, (_, i) => modelSpan({ service: 'held', startTimeUs: 1_700_000_000_000_000 + i }))
    const blockCounts = () => (storage.db.prepare('SELECT span_count FROM span_blocks ORDER BY id').pluck().all() as number[]).join(',')
    await storage.writeSpans(spans.slice(0, 3))
    await storage.writeSpans(spans.slice(3, 6))
    expect(await storage.purgeOldest({ beforeUs: 1_600_000_000_000_000, maxSpans: 100 })).toBe(0)
    // The third request does not fit with the two held: they are merged, as with no pass between.
    await storage.writeSpans(spans.slice(6, 9))
    await vi.waitFor(async () => {
      await storage.writeSpans([])
      expect(blockCounts()).toBe('6,3')
    })
    for (const span of spans) expect(await storage.getTrace(span.traceId)).toEqual([span])
    await storage.close()
  })

  it('finds tagged spans in sealed segments and in the open tail alike', async () => {
    // Three spans per segment: most spans end up in sealed segments.
    const storage = new SqliteStorage({ path: join(freshDir(), 'db.sqlite'), segmentSpans: 3, blockMaxSpans: 2 })
    const spans = Array.from({ length: 20 }, (_, i) =>
      modelSpan({
        service: i % 2 === 0 ? 'even' : 'odd',
        startTimeUs: 1_700_000_000_000_000 + i * 1_000_000,
        tags: [
          { key: 'i', type: 'int64', value: BigInt(i) },
          { key: 'parity', type: 'string', value: i % 2 === 0 ? 'even' : 'odd' },
        ],
        logs: [{ timestampUs: 1, fields: [{ key: 'third', type: 'bool', value: i % 3 === 0 }] }],
      }),
    )
    for (let i = 0; i < spans.length; i += 4) await storage.writeSpans(spans.slice(i, i + 4))
    const segments = storage.db.prepare('SELECT count(*) AS n FROM segments').get() as { n: number }
    expect(segments.n).toBeGreaterThan(3)

    const find = (tags: { key: string; value: string }[], serviceName = 'even', limit = 100) =>
      storage.findTraceIds({ serviceName, tags, limit })
    for (const [i, span] of spans.entries()) {
      expect(await find([{ key: 'i', value: String(i) }], span.process.serviceName)).toEqual([span.traceId])
    }
    const evenAndThird = spans.filter((_, i) => i % 2 === 0 && i % 3 === 0).reverse()
    expect(await find([{ key: 'parity', value: 'even' }, { key: 'third', value: 'true' }])).toEqual(evenAndThird.map((s) => s.traceId))
    // Newest first across segments, stopping early.
    expect(await find([{ key: 'parity', value: 'even' }], 'even', 2)).toEqual([spans[18]!.traceId, spans[16]!.traceId])
    expect(await find([{ key: 'parity', value: 'odd' }])).toEqual([])
    for (const span of spans) expect(await storage.getTrace(span.traceId)).toEqual([span])
    await storage.close()
  })

  it('finds spans by a term most spans of a sealed segment hold, kept as a bitmap', async () => {
    const storage = new SqliteStorage({ path: join(freshDir(), 'dense.db'), segmentSpans: 16 })
    const spans = Array.from({ length: 40 }, (_, i) =>
      modelSpan({ service: 'shop', startTimeUs: 1_700_000_000_000_000 + i * 1_000_000, tags: i % 8 === 5 ? [] : [{ key: 'common', type: 'string', value: 'yes' }] }),
    )
    await storage.writeSpans(spans.slice(0, 20))
    await storage.writeSpans(spans.slice(20))
    const segments = storage.db.prepare('SELECT count(*) AS n FROM segments').get() as { n: number }
    expect(segments.n).toBe(2)
    const found = await storage.findTraceIds({ serviceName: 'shop', tags: [{ key: 'common', value: 'yes' }], limit: 100 })
    expect(found).toEqual(spans.filter((_, i) => i % 8 !== 5).reverse().map((span) => span.traceId))
    await storage.close()
  })

  it('never answers with a span that only shares the hash of a searched term', async () => {
    // Two values of one key whose index keys collide for the first service (id 1).
    const seen = new Map<number, string>()
    let pair: [string, string] | undefined
    for (let i = 0; !pair; i++) {
      const value = `v${i}`
      const hash = termKey(1, tagTerm('user.id', value))
      const other = seen.get(hash)
      if (other !== undefined) pair = [other, value]
      else seen.set(hash, value)
    }
    const storage = new SqliteStorage({ path: join(freshDir(), 'collide.db'), segmentSpans: 2 })
    const stored = modelSpan({ service: 'first', tags: [{ key: 'user.id', type: 'string', value: pair[0] }] })
    await storage.writeSpans([stored])
    await storage.writeSpans([modelSpan({ service: 'first' }), modelSpan({ service: 'first' })])
    const find = (value: string) => storage.findTraceIds({ serviceName: 'first', tags: [{ key: 'user.id', value }], limit: 10 })
    expect(await find(pair[0])).toEqual([stored.traceId])
    expect(await find(pair[1])).toEqual([])
    await storage.close()
  })

  it('remembers remote services per service, and the values of autocomplete keys only', async () => {
    const storage = new SqliteStorage({ path: join(freshDir(), 'names.db'), autocompleteKeys: ['http.method'] })
    await storage.writeSpans(
      Array.from({ length: 8 }, (_, i) =>
        modelSpan({
          service: `svc${i % 2}`,
          kind: 'client',
          remoteEndpoint: { serviceName: `remote${i % 4}` },
          tags: [
            { key: 'http.method', type: 'string', value: i % 3 ? 'GET' : 'POST' },
            { key: 'other', type: 'string', value: 'x' },
          ],
        }),
      ),
    )
    expect(await storage.getRemoteServices('svc0')).toEqual(['remote0', 'remote2'])
    expect(await storage.getTagValues('http.method')).toEqual(['GET', 'POST'])
    expect(await storage.getTagValues('other')).toEqual([])
    await storage.close()
  })

  it('keeps spans across a restart on the same file', async () => {
    const dbPath = join(freshDir(), 'restart.db')
    let app = await startTestApp({ dbPath })
    const span = { traceId: 'a1'.repeat(8), id: 'b2'.repeat(8), name: 'get', timestamp: Date.now() * 1000, duration: 5, localEndpoint: { serviceName: 'survivor' } }
    await app.pipeline.acceptBody('zipkin-v2-json', Buffer.from(JSON.stringify([span])), { transport: 'http', format: 'test', bytes: 1000 })
    await app.close()

    app = await startTestApp({ dbPath })
    const { body } = await jaegerGet<{ traceID: string }[]>(app.urls.query, `/api/traces?service=survivor&start=0&end=${span.timestamp}`)
    expect(body.data.map((t) => t.traceID)).toEqual([span.traceId])
    await app.close()
  })

  it('upgrades a database made by an older schema in place', async () => {
    const dbPath = join(freshDir(), 'old.db')
    const span = modelSpan({ service: 'legacy' })
    createVersion1Database(dbPath, [span])

    // Converting the old layout says how far it got: here only at its end, as it takes no time.
    const converting: [number, number][] = []
    await (await SqliteStorage.open({ path: dbPath, onConverting: (done, total) => converting.push([done, total]) })).close()
    expect(converting).toEqual([[1, 1]])
    const db = new Database(dbPath, { readonly: true })
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()
    expect(versions).toEqual(readMigrations(MIGRATIONS_DIR).map((m) => m.version))
    expect(versions.length).toBeGreaterThan(1)
    db.close()
    const upgraded = await SqliteStorage.open({ path: dbPath, onConverting: () => expect.fail('converted twice') })
    expect(await upgraded.getTrace(span.traceId)).toEqual([span])
    // Migration 002's index serves searches without a service.
    expect(await upgraded.findTraceIds({ tags: [], limit: 10 })).toEqual([span.traceId])
    await upgraded.close()
  })

  it('links the traces of a database made before Zipkin links were kept, and a late span of one of them', async () => {
    const dbPath = join(freshDir(), 'version13.db')
    const startTimeUs = Date.now() * 1000
    const client = modelSpan({ service: 'web', kind: 'client', startTimeUs, tags: [{ key: 'error', type: 'string', value: 'timeout' }] })
    const server = modelSpan({ service: 'api', kind: 'server', traceId: client.traceId, startTimeUs, references: [{ type: 'child_of', traceId: client.traceId, spanId: client.spanId }] })
    const query = modelSpan({ service: 'api', kind: 'client', traceId: client.traceId, startTimeUs, references: [{ type: 'child_of', traceId: client.traceId, spanId: server.spanId }] })
    query.remoteEndpoint = { serviceName: 'db' }
    const other = modelSpan({ service: 'web', kind: 'client', startTimeUs })
    other.remoteEndpoint = { serviceName: 'cdn' }
    await createVersion13Database(dbPath, [client, server, other])

    const converting: [number, number][] = []
    const storage = await SqliteStorage.open({ path: dbPath, onConverting: (done, total) => converting.push([done, total]) })
    expect(converting).toEqual([[3, 3]])
    const window = { endTimeUs: startTimeUs + 1, lookbackUs: 60_000_000 }
    expect(await storage.getZipkinDependencies(window)).toEqual([
      { parent: 'web', child: 'api', callCount: 1, errorCount: 1 },
      { parent: 'web', child: 'cdn', callCount: 1, errorCount: 0 },
    ])
    await storage.writeSpans([query])
    expect(await storage.getZipkinDependencies(window)).toEqual([
      { parent: 'api', child: 'db', callCount: 1, errorCount: 0 },
      { parent: 'web', child: 'api', callCount: 1, errorCount: 1 },
      { parent: 'web', child: 'cdn', callCount: 1, errorCount: 0 },
    ])
    expect(await storage.getTrace(client.traceId)).toEqual([client, server, query])
    await storage.close()
  })

  it('refuses a database from a newer spanlite', async () => {
    const dbPath = join(freshDir(), 'newer.db')
    await new SqliteStorage({ path: dbPath }).close()
    const db = new Database(dbPath)
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', datetime('now'))").run()
    db.close()
    expect(() => new SqliteStorage({ path: dbPath })).toThrow(/schema version 999, newer than this spanlite knows/)
  })
})
