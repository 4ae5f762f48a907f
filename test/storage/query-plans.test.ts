/**
 * Every statement the SQLite backend runs must be served by an index: no full scan of a table
 * that grows with the number of spans. The only scans allowed are the bounded open tail of tag
 * postings (by design), the segment list and the service list (small tables read whole).
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as sql from '../../src/storage/sqlite/statements.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { modelSpan } from '../helpers/model-spans.js'
import { tempDir } from '../helpers/test-app.js'

const ALLOWED_SCANS = new Set(['tag_postings_open', 'tag_segments', 'services'])

function statementsToCheck(): [string, string][] {
  const fixed = Object.entries(sql as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  const searches: [string, string][] = []
  for (const withService of [false, true]) {
    for (const withOperation of [false, true]) {
      const shape = { withService, withOperation }
      searches.push([`searchSpansSql(${JSON.stringify(shape)})`, sql.searchSpansSql(shape)])
      searches.push([`searchSpansByIdSql(${JSON.stringify(shape)})`, sql.searchSpansByIdSql(shape)])
    }
  }
  return [...fixed, ...searches]
}

describe('query plans', () => {
  let dir: string
  let storage: SqliteStorage

  beforeAll(async () => {
    dir = tempDir()
    storage = new SqliteStorage({ path: join(dir, 'plans.db'), segmentPostings: 50, blockMaxSpans: 4 })
    const spans = Array.from({ length: 200 }, (_, i) =>
      modelSpan({ service: `svc${i % 5}`, operationName: `op${i % 7}`, startTimeUs: 1_700_000_000_000_000 + i, tags: [{ key: 'k', type: 'string', value: `v${i % 11}` }] }),
    )
    await storage.writeSpans(spans)
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

  it.each(statementsToCheck().filter(([name]) => /^searchSpansById/.test(name)))('%s reads spans by row id from the postings', (_name, text) => {
    const details = (storage.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...bindings(text)) as { detail: string }[]).map((row) => row.detail)
    expect(details.filter((d) => /^(SEARCH|SCAN) s\b/.test(d)), details.join('\n')).toEqual(['SEARCH s USING INTEGER PRIMARY KEY (rowid=?)'])
  })
})

/** Values for every parameter of a statement (named or positional) so that it can be planned. */
function bindings(text: string): unknown[] {
  const named = [...text.matchAll(/@(\w+)/g)].map((m) => m[1]!)
  const value = (name: string) => (name === 'operation' ? 'op1' : name === 'ids' ? '[1,2,3]' : 1)
  if (named.length > 0) return [Object.fromEntries(named.map((name) => [name, value(name)]))]
  return Array.from(text.matchAll(/\?/g), () => 1)
}
