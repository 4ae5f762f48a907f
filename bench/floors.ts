/**
 * The two in-process floors server ingest is compared with, on the same spans: spanlite's
 * own decode and storage writer with no server around it, and JSON.parse into the row-per-tag
 * reference schema (a JSON blob per span, one index row per tag) written with better-sqlite3.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sanitizeSpan } from '../src/pipeline/sanitize.js'
import { decodeZipkinV2Json } from '../src/receivers/zipkin/v2-json.js'
import { zipkinV2ToModel } from '../src/receivers/zipkin/v2-to-model.js'
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.js'
import type { Span } from '../src/model/span.js'
import { batches, type ZipkinV2JsonSpan } from './traffic.js'

/** Spans committed per transaction in both floors, as the server's group commit does under load. */
const COMMIT_SPANS = 2_000

export async function measureFloors(spanCount: number): Promise<{ spanliteWriterSpansPerSecond: number; referenceSpansPerSecond: number }> {
  const bodies = batches(7, Date.now() * 1000 - 3_600_000_000, 100, spanCount).map((batch) => Buffer.from(JSON.stringify(batch)))
  const dir = mkdtempSync(join(tmpdir(), 'spanlite-floor-'))
  try {
    return { spanliteWriterSpansPerSecond: await spanliteWriter(bodies, join(dir, 'spanlite.db')), referenceSpansPerSecond: reference(bodies, join(dir, 'reference.db')) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function spanliteWriter(bodies: Buffer[], path: string): Promise<number> {
  const storage = new SqliteStorage({ path })
  const started = performance.now()
  let pending: Span[] = []
  let count = 0
  for (const body of bodies) {
    for (const span of zipkinV2ToModel(decodeZipkinV2Json(body))) pending.push(sanitizeSpan(span, { maxTagValueLength: 65_536 }))
    if (pending.length >= COMMIT_SPANS) {
      await storage.writeSpans(pending)
      count += pending.length
      pending = []
    }
  }
  await storage.writeSpans(pending)
  count += pending.length
  const seconds = (performance.now() - started) / 1000
  await storage.close()
  return count / seconds
}

function reference(bodies: Buffer[], path: string): number {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec(`
    CREATE TABLE spans (trace_id TEXT NOT NULL, span_id TEXT NOT NULL, service TEXT NOT NULL, operation TEXT NOT NULL,
      start_us INTEGER NOT NULL, duration_us INTEGER NOT NULL, body TEXT NOT NULL);
    CREATE INDEX spans_trace ON spans (trace_id);
    CREATE INDEX spans_service ON spans (service, start_us);
    CREATE TABLE tags (service TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, start_us INTEGER NOT NULL, trace_id TEXT NOT NULL);
    CREATE INDEX tags_lookup ON tags (service, key, value, start_us, trace_id);
  `)
  const insertSpan = db.prepare('INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?)')
  const insertTag = db.prepare('INSERT INTO tags VALUES (?, ?, ?, ?, ?)')
  const write = db.transaction((spans: ZipkinV2JsonSpan[]) => {
    for (const span of spans) {
      const service = span.localEndpoint.serviceName
      insertSpan.run(span.traceId, span.id, service, span.name, span.timestamp, span.duration, JSON.stringify(span))
      for (const [key, value] of Object.entries(span.tags)) insertTag.run(service, key, value, span.timestamp, span.traceId)
    }
  })
  const started = performance.now()
  let pending: ZipkinV2JsonSpan[] = []
  let count = 0
  for (const body of bodies) {
    pending.push(...(JSON.parse(body.toString('utf8')) as ZipkinV2JsonSpan[]))
    if (pending.length >= COMMIT_SPANS) {
      write(pending)
      count += pending.length
      pending = []
    }
  }
  write(pending)
  count += pending.length
  const seconds = (performance.now() - started) / 1000
  db.close()
  return count / seconds
}
