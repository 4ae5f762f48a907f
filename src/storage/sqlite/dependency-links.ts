/**
 * Keeps the service dependency graph current as spans are written (no batch job): each new
 * span is linked to its parent's service if that is stored, else it waits for the parent,
 * and each new span takes the children that were waiting for it. A Zipkin server span that
 * shares its id with the client span is linked to that client span, so the RPC counts once.
 * Runs inside the storage's write transaction; calls are counted per minute of the called
 * span's start.
 */
import type Database from 'better-sqlite3'
import type { SpanId, SpanKind, TraceId } from '../../model/span.js'
import type { DependencyLink, DependencyQuery } from '../storage.js'
import { CallCounts, minuteOf, minutesOverlapping } from './call-counts.js'
import { spanIdKey, traceIdKey } from './row-keys.js'
import * as sql from './statements.js'
import { spanIdLow } from './trace-run.js'

interface WaitingRow {
  rowid: number
  wants_client: number
  child_service_id: number
  child_start_us: number
}

/**
 * Services of the stored spans of the batch's traces, by trace and span id: the server (or
 * only) half and the client half. The storage fills it from the batch and from the trace runs
 * stored before, which keep the low 32 bits of span ids.
 */
export class SpanServices {
  private readonly byKey = new Map<string, { other?: number; client?: number }>()

  add(traceId: TraceId, spanIdLow32: number, serviceId: number, client: boolean): void {
    const key = `${traceId}${spanIdLow32}`
    let entry = this.byKey.get(key)
    if (!entry) this.byKey.set(key, (entry = {}))
    if (client) entry.client ??= serviceId
    else entry.other ??= serviceId
  }

  get(traceId: TraceId, spanId: SpanId): { other?: number; client?: number } | undefined {
    return this.byKey.get(`${traceId}${spanIdLow(spanId)}`)
  }
}

/** A new span as links see it, with the service the storage filed it under. */
export interface LinkedSpan {
  traceId: TraceId
  spanId: SpanId
  /** '' for a root span. */
  parentSpanId: string
  kind: SpanKind | undefined
  shared: boolean
  startUs: number
  serviceId: number
}

export class DependencyLinks {
  private readonly stmt
  /** The calls `record` found. */
  private calls = new CallCounts()

  constructor(db: Database.Database) {
    this.stmt = {
      selectTraceWaiting: db.prepare(sql.SELECT_TRACE_WAITING).pluck(),
      insertWaiting: db.prepare(sql.INSERT_DEPENDENCY_WAITING),
      selectWaiting: db.prepare(sql.SELECT_DEPENDENCY_WAITING),
      deleteWaiting: db.prepare(sql.DELETE_DEPENDENCY_WAITING),
      addLinks: db.prepare(sql.ADD_DEPENDENCY_LINKS),
      selectLinks: db.prepare(sql.SELECT_DEPENDENCY_LINKS),
      deleteWaitingOfTrace: db.prepare(sql.DELETE_DEPENDENCY_WAITING_OF_TRACE),
      deleteLinksBefore: db.prepare(sql.DELETE_DEPENDENCY_LINKS_BEFORE),
    }
  }

  /**
   * Records newly stored spans; call within the transaction that stores them, with the services
   * of every stored span of their traces, the new ones included.
   */
  record(spans: readonly LinkedSpan[], services: SpanServices): void {
    this.calls = new CallCounts()
    const traceWaits = new Map<TraceId, boolean>()
    for (const span of spans) {
      this.linkToParent(span, services)
      let waits = traceWaits.get(span.traceId)
      if (waits === undefined) traceWaits.set(span.traceId, (waits = this.stmt.selectTraceWaiting.get(traceIdKey(span.traceId)) !== undefined))
      if (waits) this.takeWaitingChildren(span)
    }
    for (const { minuteUs, parent, child, calls } of this.calls.counts()) this.stmt.addLinks.run(minuteUs, parent, child, calls)
  }

  private linkToParent(span: LinkedSpan, services: SpanServices): void {
    const { serviceId, startUs } = span
    if (span.kind === 'server' && span.shared) {
      const clientServiceId = services.get(span.traceId, span.spanId)?.client
      if (clientServiceId === undefined) this.stmt.insertWaiting.run(traceIdKey(span.traceId), spanIdKey(span.spanId), 1, serviceId, startUs)
      else this.link(clientServiceId, serviceId, startUs)
      return
    }
    const parentId = span.parentSpanId
    if (parentId === '') return
    const parent = services.get(span.traceId, parentId)
    const parentServiceId = parent?.other ?? parent?.client
    if (parentServiceId === undefined) this.stmt.insertWaiting.run(traceIdKey(span.traceId), spanIdKey(parentId), 0, serviceId, startUs)
    else this.link(parentServiceId, serviceId, startUs)
  }

  private takeWaitingChildren(span: LinkedSpan): void {
    const { serviceId } = span
    const isClient = span.kind === 'client'
    for (const row of this.stmt.selectWaiting.all(traceIdKey(span.traceId), spanIdKey(span.spanId)) as WaitingRow[]) {
      if (row.wants_client === 1 && !isClient) continue
      this.stmt.deleteWaiting.run(row.rowid)
      this.link(serviceId, row.child_service_id, row.child_start_us)
    }
  }

  /** Calls within one service are not dependencies. */
  private link(parent: number, child: number, startUs: number): void {
    if (parent !== child) this.calls.add(startUs, parent, child, 1, 0)
  }

  /**
   * For retention, within its transaction: forgets the spans of traces whose spans are being
   * deleted, and the counts of minutes that ended before `oldestStartUs` (the oldest span kept).
   */
  purge(traceIds: Iterable<Buffer>, oldestStartUs: number): void {
    for (const traceId of traceIds) this.stmt.deleteWaitingOfTrace.run(traceId)
    this.stmt.deleteLinksBefore.run(minuteOf(oldestStartUs))
  }

  query(query: DependencyQuery): DependencyLink[] {
    const rows = this.stmt.selectLinks.all(...minutesOverlapping(query)) as { parent: string; child: string; call_count: number }[]
    return rows.map((row) => ({ parent: row.parent, child: row.child, callCount: row.call_count }))
  }
}
