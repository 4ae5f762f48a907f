import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.js'
import { modelSpan } from '../../test/helpers/model-spans.js'
import { tempDir } from '../../test/helpers/test-app.js'
import { QueryService } from './query-service.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Runs `test` on a fresh store, and a QueryService over it that records each trace it reads. */
async function withStore(test: (storage: SqliteStorage, service: QueryService, read: string[]) => Promise<void>): Promise<void> {
  const dir = tempDir()
  dirs.push(dir)
  const storage = new SqliteStorage({ path: join(dir, 'db.sqlite') })
  const read: string[] = []
  const reader = Object.assign(Object.create(storage) as SqliteStorage, { getTrace: (id: string) => (read.push(id), storage.getTrace(id)) })
  try {
    await test(storage, new QueryService(reader), read)
  } finally {
    await storage.close()
  }
}

describe('QueryService.findTraces', () => {
  it('reads each trace only once the one before it has been taken, newest first', () =>
    withStore(async (storage, service, read) => {
      const nowUs = Date.now() * 1000
      const spans = [0, 1, 2].map((i) => modelSpan({ service: 'lazy-svc', startTimeUs: nowUs - i * 1000 }))
      await storage.writeSpans(spans)
      const traces = service.findTraces({ serviceName: 'lazy-svc', tags: [], startTimeMinUs: nowUs - 10_000, startTimeMaxUs: nowUs + 1, limit: 10 })

      expect(read).toEqual([])
      const first = await traces.next()
      expect(first.value?.[0]?.traceId).toBe(spans[0]!.traceId)
      expect(read).toEqual([spans[0]!.traceId])
      const rest = []
      for await (const trace of traces) rest.push(trace[0]!.traceId)
      expect(rest).toEqual([spans[1]!.traceId, spans[2]!.traceId])
      expect(read).toHaveLength(3)
    }))
})

describe('QueryService.getTraces', () => {
  it('gives the traces stored, in the order asked, each read once the one before has been taken, and names the others', () =>
    withStore(async (storage, service, read) => {
      const [a, b] = [modelSpan({ service: 'by-id' }), modelSpan({ service: 'by-id' })]
      await storage.writeSpans([a, b])
      const missing: string[] = []
      const absent = 'f'.repeat(32)
      const traces = service.getTraces([b.traceId, absent, a.traceId], (id) => missing.push(id))

      expect((await traces.next()).value).toEqual([b])
      expect(read).toEqual([b.traceId])
      expect((await traces.next()).value).toEqual([a])
      expect(missing).toEqual([absent])
      expect((await traces.next()).done).toBe(true)
    }))
})
