/** Databases as older spanlite versions left them, for tests of in-place upgrades. */
import { deflateRawSync } from 'node:zlib'
import Database from 'better-sqlite3'
import type { Span } from '../../src/model/span.js'
import { MIGRATIONS_DIR } from '../../src/project-files.js'
import { migrate, readMigrations } from '../../src/storage/sqlite/migrate.js'
import { encodeSpan } from '../../src/model/span-codec.js'
import { ByteWriter } from '../../src/storage/sqlite/bytes.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { TracePositions } from '../../src/storage/sqlite/trace-run.js'

/** A database as the first schema version left it, holding the given spans, written with plain SQL as that version did. */
export function createVersion1Database(path: string, spans: Span[]): void {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  migrate(db, readMigrations(MIGRATIONS_DIR).slice(0, 1))
  const lines = spans.map(encodeSpan)
  db.prepare('INSERT INTO span_blocks (id, data) VALUES (1, ?)').run(deflateRawSync(lines.join('\n')))
  spans.forEach((span, line) => {
    db.prepare('INSERT OR IGNORE INTO services (name) VALUES (?)').run(span.process.serviceName)
    const serviceId = db.prepare('SELECT id FROM services WHERE name = ?').pluck().get(span.process.serviceName)
    db.prepare("INSERT INTO operations (service_id, name, kind) VALUES (?, ?, '')").run(serviceId, span.operationName)
    const operationId = db.prepare('SELECT max(id) FROM operations').pluck().get()
    db.prepare('INSERT INTO spans (trace_id, content_hash, block_id, block_line, service_id, operation_id, start_us, duration_us) VALUES (?, ?, 1, ?, ?, ?, ?, ?)').run(
      Buffer.from(span.traceId, 'hex'),
      line,
      line,
      serviceId,
      operationId,
      span.startTimeUs,
      span.durationUs,
    )
  })
  db.close()
}

/**
 * A database as schema version 13 left it, holding the given spans: written by the current
 * store, then with the trace runs put back in that version's layout (content hash, span id and
 * service of each span) and without what migration 014 added. Nothing else changed since.
 */
export async function createVersion13Database(path: string, spans: Span[]): Promise<void> {
  const storage = new SqliteStorage({ path })
  await storage.writeSpans(spans)
  await storage.close()
  const db = new Database(path)
  const rows = db.prepare('SELECT trace_id, block_id, spans FROM trace_runs ORDER BY trace_id, block_id').all() as { trace_id: Buffer; block_id: number; spans: Buffer }[]
  for (const row of rows) {
    const old = new ByteWriter()
    const trace = rows.filter((other) => other.trace_id.equals(row.trace_id))
    const runs = new TracePositions().decode(trace.map((other) => other.spans))
    for (const span of runs[trace.indexOf(row)]!.spans) {
      old.uint32(span.contentHash) // 8 bits of the 32 that version kept: all the conversion keeps
      old.uint32(span.spanIdLow)
      old.varint(span.serviceId * 2 + (span.kind === 'client' ? 1 : 0))
    }
    db.prepare('UPDATE trace_runs SET spans = ? WHERE trace_id = ? AND block_id = ?').run(old.toBuffer(), row.trace_id, row.block_id)
  }
  db.exec('DROP TABLE zipkin_links; DELETE FROM schema_migrations WHERE version >= 14')
  db.close()
}
