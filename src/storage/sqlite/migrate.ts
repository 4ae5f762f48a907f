import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'


const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/

export interface Migration {
  version: number
  name: string
  sql: string
}

export function readMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .flatMap((file) => {
      const match = FILE_NAME.exec(file)
      if (!match) return []
      return [{ version: Number(match[1]), name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') }]
    })
    .sort((a, b) => a.version - b.version)
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations in ${dir} must be numbered 001, 002, ... without gaps; found ${m.version} at position ${i + 1}`)
  })
  return migrations
}

/**
 * Applies, in order and each in its own transaction, the migrations this database has not
 * recorded yet. Returns the versions applied. A database newer than this build is refused.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)
  const current = (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
  const latest = migrations.at(-1)?.version ?? 0
  if (current > latest) {
    throw new Error(`the database has schema version ${current}, newer than this spanlite knows (${latest}); use a newer spanlite or another database file`)
  }
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, datetime('now'))")
  const applied: number[] = []
  for (const m of migrations) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      record.run(m.version, m.name)
    })()
    applied.push(m.version)
  }
  return applied
}
