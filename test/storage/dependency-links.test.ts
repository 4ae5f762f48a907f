/** Dependency links in SQLite storage, Jaeger's and Zipkin's: kept on write, and dropped with their traces by retention. */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EMPTY_SERVICE_NAME, type Span, type SpanKind } from '../../src/model/span.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { tempDir } from '../helpers/test-app.js'

const START_US = 1_700_000_000_000_000

function span(traceId: string, spanId: string, service: string, parentId?: string, startTimeUs = START_US): Span {
  return {
    traceId: traceId.padStart(32, '0'),
    spanId: spanId.padStart(16, '0'),
    references: parentId ? [{ type: 'child_of', traceId: traceId.padStart(32, '0'), spanId: parentId.padStart(16, '0') }] : [],
    operationName: 'op',
    shared: false,
    startTimeUs,
    durationUs: 1,
    flags: 1,
    tags: [],
    logs: [],
    process: { serviceName: service, tags: [] },
    warnings: [],
  }
}

describe('SQLite dependency links', () => {
  let dir: string
  let storage: SqliteStorage
  beforeEach(() => {
    dir = tempDir()
    storage = new SqliteStorage({ path: join(dir, 'deps.db') })
  })
  afterEach(async () => {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const window = { endTimeUs: START_US + 3_600_000_000, lookbackUs: 7_200_000_000 }

  it('links a child written before its parent, and a parent with 64-bit high-bit ids', async () => {
    await storage.writeSpans([span('1', 'ffffffffffffff01', 'b', 'ffffffffffffff00')])
    expect(await storage.getDependencies(window)).toEqual([])
    await storage.writeSpans([span('1', 'ffffffffffffff00', 'a')])
    expect(await storage.getDependencies(window)).toEqual([{ parent: 'a', child: 'b', callCount: 1 }])
  })

  it('forgets purged traces and the counts of minutes before the oldest kept span', async () => {
    await storage.writeSpans([span('2', '1', 'a'), span('2', '2', 'b', '1')])
    await storage.writeSpans([span('3', '1', 'a', undefined, START_US + 600_000_000), span('3', '3', 'c', '2', START_US + 600_000_000)])
    // Retention deletes trace 2, which started ten minutes before the rest (in a block of its own:
    // retention deletes whole blocks).
    expect(await storage.purgeOldest({ beforeUs: START_US + 600_000_000, maxSpans: 100 })).toBe(2)
    expect(await storage.getDependencies(window)).toEqual([])
    // Trace 3's waiting child is still waiting; its parent arrives and is linked.
    await storage.writeSpans([span('3', '2', 'a', '1', START_US + 600_000_000)])
    expect(await storage.getDependencies(window)).toEqual([{ parent: 'a', child: 'c', callCount: 1 }])
    // Trace 2's rows are gone: a late child of it waits instead of linking to a forgotten parent.
    await storage.writeSpans([span('2', '9', 'z', '1', START_US + 600_000_000)])
    expect(await storage.getDependencies(window)).toEqual([{ parent: 'a', child: 'c', callCount: 1 }])
  })

  const rpc = (traceId: string, spanId: string, service: string, kind: SpanKind, parentId?: string, startTimeUs = START_US): Span => ({
    ...span(traceId, spanId, service, parentId, startTimeUs),
    kind,
    localEndpoint: { serviceName: service },
  })

  it("counts Zipkin's links of spans stored, and forgets the minutes before the oldest kept span", async () => {
    await storage.writeSpans([rpc('4', '1', 'a', 'client'), rpc('4', '2', 'b', 'server', '1')])
    await storage.writeSpans([rpc('5', '1', 'a', 'client', undefined, START_US + 600_000_000), rpc('5', '2', 'c', 'server', '1', START_US + 600_000_000)])
    expect(await storage.getZipkinDependencies(window)).toEqual([
      { parent: 'a', child: 'b', callCount: 1, errorCount: 0 },
      { parent: 'a', child: 'c', callCount: 1, errorCount: 0 },
    ])
    expect(await storage.purgeOldest({ beforeUs: START_US + 600_000_000, maxSpans: 100 })).toBe(2)
    expect(await storage.getZipkinDependencies(window)).toEqual([{ parent: 'a', child: 'c', callCount: 1, errorCount: 0 }])
  })

  it('gives no service to a Zipkin span without one', async () => {
    // Stored as EMPTY_SERVICE_NAME, as the pipeline stores it: the server's caller is unknown, not that name.
    const caller = { ...rpc('6', '1', EMPTY_SERVICE_NAME, 'client'), localEndpoint: { ipv4: '10.0.0.1' } }
    await storage.writeSpans([caller, rpc('6', '2', 'b', 'server', '1')])
    expect(await storage.getZipkinDependencies(window)).toEqual([])
  })
})
