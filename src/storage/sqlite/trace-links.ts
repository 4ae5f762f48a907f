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
import { type CallCount, CallCounts, minuteOf, minutesOverlapping } from './call-counts.js'
import * as sql from './statements.js'

/** Changes to the link counts, gathered over a write. */
export class LinkChanges {
  private readonly calls = new CallCounts()

  /** A trace's spans before and after a write. */
  addTrace(before: readonly LinkSpan[], after: readonly LinkSpan[]): void {
    this.add(after, 1)
    this.add(before, -1)
  }

  private add(spans: readonly LinkSpan[], sign: number): void {
    for (const link of linkTrace(spans)) this.calls.add(link.startUs, link.parent, link.child, sign, link.error ? sign : 0)
  }

  counts(): Iterable<CallCount> {
    return this.calls.counts()
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
    for (const { minuteUs, parent, child, calls, errors } of changes.counts()) {
      if (calls !== 0 || errors !== 0) this.stmt.add.run(minuteUs, parent, child, calls, errors)
    }
  }

  /** For retention, within its transaction: forgets the minutes that ended before `oldestStartUs`. */
  purge(oldestStartUs: number): void {
    this.stmt.deleteBefore.run(minuteOf(oldestStartUs))
  }

  query(query: DependencyQuery): ZipkinDependencyLink[] {
    const rows = this.stmt.select.all(...minutesOverlapping(query)) as { parent: string; child: string; call_count: number; error_count: number }[]
    return rows.map((row) => ({ parent: row.parent, child: row.child, callCount: row.call_count, errorCount: row.error_count }))
  }
}
