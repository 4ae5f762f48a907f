/**
 * Every statement the SQLite backend runs must be served by an index: no full scan of a table
 * that grows with the number of spans. The only scans allowed are of the segment, service and
 * operation lists (small tables read whole). The statements that convert the layouts before
 * migrations 009 and 014 run once, and read whole tables.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as sql from '../../src/storage/sqlite/statements.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { modelSpan } from '../helpers/model-spans.js'
import { tempDir } from '../helpers/test-app.js'

const ALLOWED_SCANS = new Set(['segments', 'services', 'operations'])

function statementsToCheck(): [string, string][] {
  return Object.entries(sql as Record<string, unknown>).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && !/_BEFORE_0(09|14)$/.test(entry[0]),
  )
}

describe('query plans', () => {
  let dir: string
  let storage: SqliteStorage

  beforeAll(async () => {
    dir = tempDir()
    storage = new SqliteStorage({ path: join(dir, 'plans.db'), segmentSpans: 50, blockMaxSpans: 4 })
    const spans = Array.from({ length: 2000 }, (_, i) =>
      modelSpan({ service: `svc${i % 5}`, operationName: `op${i % 7}`, startTimeUs: 1_700_000_000_000_000 + i, tags: [{ key: 'k', type: 'string', value: `v${i % 11}` }] }),
    )
    for (let i = 0; i < spans.length; i += 20) await storage.writeSpans(spans.slice(i, i + 20))
    storage.db.exec('ANALYZE')
  })
  afterAll(async () => {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it.each(statementsToCheck())('%s uses indexes', (_name, text) => {
    const plan = storage.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...bindings(text)) as { detail: string }[]
    const scans = plan.map((row) => row.detail).filter((detail) => /^SCAN /.test(detail))
    const tableScans = scans.filter((detail) => !/USING (COVERING )?INDEX|CONSTANT ROW|VALUES CLAUSE|VIRTUAL TABLE|SCAN \(/.test(detail))
    const forbidden = tableScans.filter((detail) => !ALLOWED_SCANS.has(detail.split(' ')[1]!))
    expect(forbidden, plan.map((row) => row.detail).join('\n')).toEqual([])
  })
})

/** Values for every parameter of a statement (named or positional) so that it can be planned. */
function bindings(text: string): unknown[] {
  const named = [...text.matchAll(/@(\w+)/g)].map((m) => m[1]!)
  const value = (name: string) => (name === 'operation' ? 'op1' : 1)
  if (named.length > 0) return [Object.fromEntries(named.map((name) => [name, value(name)]))]
  return Array.from(text.matchAll(/\?/g), () => 1)
}
