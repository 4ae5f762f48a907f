/**
 * Trace runs written before migration 014 kept less of each span (its content hash, span id and
 * service). The writer converts them once, at its first start, within one transaction: each run
 * is written again from its spans, read block after block so that each block is read once, and
 * then every trace is linked by Zipkin's rules (trace-links.ts) from the converted runs.
 */
import type Database from 'better-sqlite3'
import { endpointHash, type LinkSpan } from '../../model/dependency-linker.js'
import { decodeSpan } from '../../model/span-codec.js'
import { parentSpanId, spanHasErrorTag } from '../../model/span.js'
import { decompressBlock } from './block-compression.js'
import { decodeBlockSummary } from './block-summary.js'
import { ByteReader } from './bytes.js'
import { traceIdKey } from './row-keys.js'
import * as sql from './statements.js'
import { LinkChanges, type TraceLinks } from './trace-links.js'
import { contentHash, keptShared, type RunSpan, runStartUs, spanIdLow, TracePositions } from './trace-run.js'

export interface RunConversion {
  db: Database.Database
  serviceId(name: string): number
  linkSpan(span: RunSpan, startUs: number): LinkSpan
  links: TraceLinks
  /** Hears how many spans' runs were converted, every few seconds and at the end (when there were any). */
  onProgress(spansDone: number, spansTotal: number): void
  reportEveryMs: number
}

interface BlockRow {
  id: number
  span_count: number
  summary: Buffer
  data: Buffer
  data_bytes: number | null
}

interface OldRunRow {
  block_id: number
  first_line: number
  spans: Buffer
}

/** Converts the runs when the database has some of before migration 014. */
export function convertRunsBefore014(conversion: RunConversion): void {
  const { db } = conversion
  if (db.prepare(sql.SELECT_LAYOUT_BEFORE_014).pluck().get() === 0) return
  rewriteRuns(conversion)
  linkTraces(conversion)
  db.exec(sql.DROP_LAYOUT_BEFORE_014)
}

function rewriteRuns({ db, serviceId, onProgress, reportEveryMs }: RunConversion): void {
  const selectBlocks = db.prepare(sql.SELECT_BLOCKS_BEFORE_014)
  const selectRuns = db.prepare(sql.SELECT_TRACE_RUNS_BEFORE_014)
  const insertRun = db.prepare(sql.INSERT_TRACE_RUN)
  const total = db.prepare(sql.COUNT_SPANS_BEFORE_014).pluck().get() as number
  let done = 0
  let reportedAt = Date.now()
  for (let lastId = 0; ; ) {
    const blocks = selectBlocks.all(lastId) as BlockRow[]
    if (blocks.length === 0) break
    for (const block of blocks) {
      const lines = decompressBlock(block.data, block.data_bytes).toString('utf8').split('\n')
      // A merged block holds the runs written to the blocks merged into it.
      for (const traceId of new Set(decodeBlockSummary(block.summary).traceIds)) {
        const key = traceIdKey(traceId)
        for (const run of selectRuns.all(key, block.id, block.id + block.span_count) as OldRunRow[]) {
          const first = run.block_id + run.first_line - block.id
          const spans = oldRunHashes(run.spans).map((hash, i) => {
            const span = decodeSpan(lines[first + i]!)
            const parentId = parentSpanId(span)
            const remote = span.remoteEndpoint?.serviceName
            const record: RunSpan = {
              contentHash: contentHash(hash),
              spanIdLow: spanIdLow(span.spanId),
              parentIdLow: parentId === undefined ? 0 : spanIdLow(parentId),
              serviceId: serviceId(span.process.serviceName),
              endpoint: endpointHash(span.localEndpoint),
              kind: span.kind,
              shared: keptShared(span.kind, span.shared),
              error: spanHasErrorTag(span),
              remoteServiceId: remote === undefined || remote === '' ? 0 : serviceId(remote),
            }
            return { record, startUs: span.startTimeUs }
          })
          const startUs = runStartUs(spans.map((span) => span.startUs))
          // Numbered by their sequence numbers: the runs of a trace never overlap, and name no span of another run.
          const positions = new TracePositions()
          positions.next = run.block_id + run.first_line
          insertRun.run(key, run.block_id, run.first_line, positions.encode({ startUs, spans: spans.map((span) => span.record) }))
        }
      }
      done += block.span_count
      lastId = block.id
    }
    if (Date.now() - reportedAt >= reportEveryMs) {
      onProgress(done, total)
      reportedAt = Date.now()
    }
  }
  if (total > 0) onProgress(done, total)
}

/** The content hashes of a run of before 014: per span, its hash and span id as 32-bit words, then a varint. */
function oldRunHashes(data: Uint8Array): number[] {
  const input = new ByteReader(data)
  const hashes: number[] = []
  while (!input.done) {
    hashes.push(input.uint32())
    input.uint32()
    input.varint()
  }
  return hashes
}

/** Links every trace from its converted runs (they come in trace order). */
function linkTraces({ db, linkSpan, links }: RunConversion): void {
  const changes = new LinkChanges()
  const linkRuns = (columns: Buffer[]) => {
    const spans = new TracePositions().decode(columns).flatMap((run) => run.spans.map((span) => linkSpan(span, run.startUs)))
    changes.addTrace([], spans)
  }
  let traceId: Buffer | undefined
  let columns: Buffer[] = []
  for (const row of db.prepare(sql.SELECT_RUNS_TO_LINK_BEFORE_014).iterate() as IterableIterator<{ trace_id: Buffer; spans: Buffer }>) {
    if (traceId === undefined || !row.trace_id.equals(traceId)) {
      linkRuns(columns)
      traceId = row.trace_id
      columns = []
    }
    columns.push(row.spans)
  }
  linkRuns(columns)
  links.apply(changes)
}
