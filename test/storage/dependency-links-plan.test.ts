/**
 * The dependency-link statements run on every write and every /api/dependencies call: none of
 * them may scan a whole table (EXPLAIN QUERY PLAN), so they stay fast at millions of spans.
 */
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import * as sql from '../../src/storage/sqlite/statements.js'
import { tempDir } from '../helpers/test-app.js'

const STATEMENTS: [name: string, text: string, params: unknown[]][] = [
  ['INSERT_DEPENDENCY_SPAN', sql.INSERT_DEPENDENCY_SPAN, [Buffer.alloc(16), 1n, 0, 1]],
  ['SELECT_DEPENDENCY_PARENT', sql.SELECT_DEPENDENCY_PARENT, [Buffer.alloc(16), 1n]],
  ['SELECT_DEPENDENCY_CLIENT', sql.SELECT_DEPENDENCY_CLIENT, [Buffer.alloc(16), 1n]],
  ['INSERT_DEPENDENCY_WAITING', sql.INSERT_DEPENDENCY_WAITING, [Buffer.alloc(16), 1n, 0, 1, 0]],
  ['SELECT_DEPENDENCY_WAITING', sql.SELECT_DEPENDENCY_WAITING, [Buffer.alloc(16), 1n]],
  ['DELETE_DEPENDENCY_WAITING', sql.DELETE_DEPENDENCY_WAITING, [1]],
  ['ADD_DEPENDENCY_LINK', sql.ADD_DEPENDENCY_LINK, [0, 1, 2]],
  ['SELECT_DEPENDENCY_LINKS', sql.SELECT_DEPENDENCY_LINKS, [0, 1]],
  ['DELETE_DEPENDENCY_SPANS_OF_TRACE', sql.DELETE_DEPENDENCY_SPANS_OF_TRACE, [Buffer.alloc(16)]],
  ['DELETE_DEPENDENCY_WAITING_OF_TRACE', sql.DELETE_DEPENDENCY_WAITING_OF_TRACE, [Buffer.alloc(16)]],
  ['DELETE_DEPENDENCY_LINKS_BEFORE', sql.DELETE_DEPENDENCY_LINKS_BEFORE, [0]],
]

describe('dependency-link query plans', () => {
  let dir: string
  let storage: SqliteStorage
  beforeAll(() => {
    dir = tempDir()
    storage = new SqliteStorage({ path: join(dir, 'plans.db') })
  })
  afterAll(async () => {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it.each(STATEMENTS)('%s uses an index, never a full scan', (_name, text, params) => {
    const plan = storage.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[]
    const details = plan.map((row) => row.detail)
    expect(details.filter((detail) => /^SCAN /.test(detail))).toEqual([])
  })

  it('reads the links of a window by a range of the primary key', () => {
    const plan = storage.db.prepare(`EXPLAIN QUERY PLAN ${sql.SELECT_DEPENDENCY_LINKS}`).all(0, 1) as { detail: string }[]
    expect(plan.map((row) => row.detail)).toContainEqual(expect.stringMatching(/^SEARCH l USING PRIMARY KEY \(bucket_us>\? AND bucket_us<\?\)/))
  })
})
