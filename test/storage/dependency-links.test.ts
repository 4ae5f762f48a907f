/** Dependency links in SQLite storage: kept on write, and dropped with their traces by retention. */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Span } from '../../src/model/span.js'
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
})
