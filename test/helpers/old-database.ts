/**
 * A database as the first schema version left it, holding the given spans, written with
 * plain SQL as that version did: for tests of in-place upgrades.
 */
import { deflateRawSync } from 'node:zlib'
import Database from 'better-sqlite3'
import type { Span } from '../../src/model/span.js'
import { MIGRATIONS_DIR } from '../../src/project-files.js'
import { migrate, readMigrations } from '../../src/storage/sqlite/migrate.js'
import { encodeSpan } from '../../src/model/span-codec.js'

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
