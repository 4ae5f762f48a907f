/**
 * The statements added for the Zipkin API (remote services, autocomplete values) are served
 * by their tables' primary keys, never by a scan.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import * as sql from '../../src/storage/sqlite/statements.js'
import { tempDir } from '../helpers/test-app.js'

const STATEMENTS = { SELECT_REMOTE_SERVICES: sql.SELECT_REMOTE_SERVICES, SELECT_TAG_VALUES: sql.SELECT_TAG_VALUES, INSERT_REMOTE_SERVICE: sql.INSERT_REMOTE_SERVICE, INSERT_TAG_VALUE: sql.INSERT_TAG_VALUE }

describe('Zipkin query plans', () => {
  let dir: string
  let storage: SqliteStorage
  beforeAll(async () => {
    dir = tempDir()
    storage = new SqliteStorage({ path: join(dir, 'plans.db'), autocompleteKeys: ['http.method'] })
    await storage.writeSpans(
      Array.from({ length: 50 }, (_, i) => ({
        traceId: (i + 1).toString(16).padStart(32, '0'),
        spanId: (i + 1).toString(16).padStart(16, '0'),
        references: [],
        operationName: `op${i % 3}`,
        kind: 'client' as const,
        shared: false,
        startTimeUs: 1_700_000_000_000_000 + i,
        durationUs: 10,
        flags: 1,
        tags: [{ key: 'http.method', type: 'string' as const, value: i % 2 ? 'GET' : 'POST' }],
        logs: [],
        process: { serviceName: `svc${i % 4}`, tags: [] },
        remoteEndpoint: { serviceName: `remote${i % 8}` },
        warnings: [],
      })),
    )
    storage.db.exec('ANALYZE')
  })
  afterAll(async () => {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it.each(Object.entries(STATEMENTS))('%s uses the primary key', (_name, text) => {
    const parameters = (text.match(/\?/g) ?? []).map(() => 1)
    const plan = (storage.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail)
    expect(plan.filter((detail) => /^SCAN /.test(detail)), plan.join('\n')).toEqual([])
  })

  it('reads back what was written', async () => {
    expect(await storage.getRemoteServices('svc0')).toEqual(['remote0', 'remote4'])
    expect(await storage.getTagValues('http.method')).toEqual(['GET', 'POST'])
    expect(await storage.getTagValues('other')).toEqual([])
  })
})
