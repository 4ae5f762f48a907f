/**
 * Service links by Zipkin's rules (model/dependency-linker.ts), kept current as spans are
 * written. Those rules need a trace's whole tree, which grows as its spans arrive in any order,
 * so a write that adds spans to a trace counts the links of all its spans and takes back those
 * of the spans it had before: what is counted is always the links of the spans stored. The
 * linker reads compact records (trace-run.ts), never the spans. Runs inside the storage's
 * write transaction; counts are kept per minute.
 */
import type Database from 'better-sqlite3'
import { type LinkSpan, linkTrace } from '../../model/dependency-linker.js'
import type { DependencyQuery, ZipkinDependencyLink } from '../storage.js'
import { DEPENDENCY_BUCKET_US } from './dependency-links.js'
import * as sql from './statements.js'

interface Count {
  bucketUs: number
  parent: number
  child: number
  calls: number
  errors: number
}

/** Changes to the link counts, gathered over a write. */
export class LinkChanges {
  /** By minute, then by pair (parent * 2^26 + child: service ids stay far below 2^26). */
  private readonly byMinute = new Map<number, Map<number, Count>>()

  /** A trace's spans before and after a write. */
  addTrace(before: readonly LinkSpan[], after: readonly LinkSpan[]): void {
    this.add(after, 1)
    this.add(before, -1)
  }

  private add(spans: readonly LinkSpan[], sign: number): void {
    for (const link of linkTrace(spans)) {
      const bucketUs = Math.floor(link.startUs / DEPENDENCY_BUCKET_US) * DEPENDENCY_BUCKET_US
      let pairs = this.byMinute.get(bucketUs)
      if (!pairs) this.byMinute.set(bucketUs, (pairs = new Map()))
      const key = link.parent * 2 ** 26 + link.child
      let count = pairs.get(key)
      if (!count) pairs.set(key, (count = { bucketUs, parent: link.parent, child: link.child, calls: 0, errors: 0 }))
      count.calls += sign
      if (link.error) count.errors += sign
    }
  }

  *counts(): Generator<Count> {
    for (const pairs of this.byMinute.values()) yield* pairs.values()
  }
}

export class TraceLinks {
  private readonly stmt

  constructor(db: Database.Database) {
    this.stmt = {
      add: db.prepare(sql.ADD_ZIPKIN_LINK),
      select: db.prepare(sql.SELECT_ZIPKIN_LINKS),
      deleteBefore: db.prepare(sql.DELETE_ZIPKIN_LINKS_BEFORE),
    }
  }

  apply(changes: LinkChanges): void {
    for (const { bucketUs, parent, child, calls, errors } of changes.counts()) {
      if (calls !== 0 || errors !== 0) this.stmt.add.run(bucketUs, parent, child, calls, errors)
    }
  }

  /** For retention, within its transaction: forgets the minutes that ended before `oldestStartUs`. */
  purge(oldestStartUs: number): void {
    this.stmt.deleteBefore.run(Math.floor(oldestStartUs / DEPENDENCY_BUCKET_US) * DEPENDENCY_BUCKET_US)
  }

  query(query: DependencyQuery): ZipkinDependencyLink[] {
    // Minutes that overlap the window: those starting after (start - one minute) up to the end.
    const fromUs = query.endTimeUs - query.lookbackUs - DEPENDENCY_BUCKET_US
    const rows = this.stmt.select.all(fromUs, query.endTimeUs) as { parent: string; child: string; call_count: number; error_count: number }[]
    return rows.map((row) => ({ parent: row.parent, child: row.child, callCount: row.call_count, errorCount: row.error_count }))
  }
}
