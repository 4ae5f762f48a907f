/**
 * Finds the traces with a span that meets every condition of a query, newest first. Candidate
 * spans come from the postings of the query's index keys, the open postings first and then the
 * sealed segments from the newest; block summaries filter them by service, operation, time and
 * duration, and a candidate found by terms is checked against its own stored span, so a hash
 * shared by two terms never shows up in an answer. The block index says where to stop.
 */
import type Database from 'better-sqlite3'
import type { TraceQuery } from '../storage.js'
import type { BlockIndex } from './block-index.js'
import type { BlockReader } from './block-reader.js'
import { type BlockSummary, decodeBlockSummary } from './block-summary.js'
import { NewestTraces } from './newest-traces.js'
import type { OpenPostings } from './open-postings.js'
import { findPostings } from './posting-chunks.js'
import { decodeSpan } from '../../model/span-codec.js'
import { keyTerm, remoteServiceTerm, spanTerms, tagTerm } from '../../model/span-terms.js'
import { operationKey, serviceKey, termKey } from './index-keys.js'
import * as sql from './statements.js'

/** Postings of a range of spans: the open ones or a sealed segment. */
interface PostingSource {
  minStartUs: number
  maxStartUs: number
  get(hash: number): readonly number[] | undefined
}

interface SegmentRow {
  id: number
  first_seq: number
  min_start_us: number
  max_start_us: number
}

/** What a search needs of a query once names are resolved. */
interface Filter {
  serviceIds: number[]
  /** Operation ids with the queried name, per service; absent when no name was asked for. */
  operationIds?: Map<number, Set<number>>
  terms: string[]
  startMinUs: number
  startMaxUs: number
  durationMinUs: number
  durationMaxUs: number
}

export class TraceSearch {
  private readonly stmt

  constructor(
    db: Database.Database,
    private readonly blocks: BlockReader,
    private readonly index: BlockIndex,
    private readonly open: OpenPostings,
  ) {
    this.stmt = {
      selectServiceId: db.prepare(sql.SELECT_SERVICE_ID).pluck(),
      selectServiceIds: db.prepare(sql.SELECT_SERVICE_IDS).pluck(),
      selectOperationIds: db.prepare(sql.SELECT_OPERATION_IDS_BY_NAME).pluck(),
      selectSegments: db.prepare(sql.SELECT_SEGMENTS),
      selectPostingChunk: db.prepare(sql.SELECT_POSTING_CHUNK),
      selectBlocksByStart: db.prepare(sql.SELECT_BLOCKS_BY_MAX_START),
    }
  }

  /** The traces with a span meeting every condition of `query`, the newest `limit` of them. */
  matchTraces(query: TraceQuery, limit: number): NewestTraces {
    const newest = new NewestTraces(limit)
    const filter = this.filter(query)
    if (!filter) return newest
    if (query.serviceName === undefined && query.operationName === undefined && filter.terms.length === 0) {
      this.scanBlocks(filter, newest)
      return newest
    }
    for (const source of this.sources()) {
      if (source.maxStartUs < filter.startMinUs || source.minStartUs > filter.startMaxUs) continue
      // Sources go from the newest spans back: once one ends before the oldest trace already
      // kept, no older one can add a trace.
      if (newest.full && source.maxStartUs < newest.oldestStartUs) break
      this.searchSource(source, filter, query, newest)
    }
    return newest
  }

  private filter(query: TraceQuery): Filter | undefined {
    let serviceIds: number[]
    if (query.serviceName === undefined) serviceIds = this.stmt.selectServiceIds.all() as number[]
    else {
      const id = this.stmt.selectServiceId.get(query.serviceName) as number | undefined
      if (id === undefined) return undefined
      serviceIds = [id]
    }
    const filter: Filter = {
      serviceIds,
      terms: [...query.tags.map((tag) => tagTerm(tag.key, tag.value)), ...(query.tagKeysOrAnnotations ?? []).map(keyTerm)],
      startMinUs: query.startTimeMinUs ?? 0,
      startMaxUs: query.startTimeMaxUs ?? Number.MAX_SAFE_INTEGER,
      durationMinUs: query.durationMinUs ?? 0,
      durationMaxUs: query.durationMaxUs ?? Number.MAX_SAFE_INTEGER,
    }
    if (query.remoteServiceName !== undefined) filter.terms.push(remoteServiceTerm(query.remoteServiceName))
    const operationName = query.operationName
    if (operationName !== undefined) {
      filter.operationIds = new Map(serviceIds.map((id) => [id, new Set(this.stmt.selectOperationIds.all(id, operationName) as number[])]))
    }
    return filter
  }

  private *sources(): Iterable<PostingSource> {
    if (this.open.spanCount > 0) yield this.open
    for (const segment of this.stmt.selectSegments.iterate() as IterableIterator<SegmentRow>) {
      yield {
        minStartUs: segment.min_start_us,
        maxStartUs: segment.max_start_us,
        get: (hash) => {
          const chunk = this.stmt.selectPostingChunk.get(segment.id, hash) as { firstHash: number; data: Buffer } | undefined
          return chunk && findPostings(chunk, hash, segment.first_seq)
        },
      }
    }
  }

  /**
   * The source's candidates newest first (sequence numbers follow arrival), each checked on its
   * block summary and, when found by terms, its own span. Once the answer is full, a candidate
   * whose block and every older one started before the oldest trace kept ends the source.
   */
  private searchSource(source: PostingSource, filter: Filter, query: TraceQuery, newest: NewestTraces): void {
    const candidates: { seq: number; serviceId: number }[] = []
    for (const serviceId of filter.serviceIds) {
      const hashes = filter.terms.map((term) => termKey(serviceId, term))
      if (query.operationName !== undefined) hashes.push(operationKey(serviceId, query.operationName))
      if (hashes.length === 0) hashes.push(serviceKey(serviceId))
      const lists: (readonly number[])[] = []
      for (const hash of hashes) {
        const list = source.get(hash)
        if (!list) break
        lists.push(list)
      }
      if (lists.length < hashes.length) continue
      for (const seq of intersectSorted(lists)) candidates.push({ seq, serviceId })
    }
    if (filter.serviceIds.length > 1) candidates.sort((a, b) => a.seq - b.seq)
    for (let c = candidates.length - 1; c >= 0; c--) {
      const { seq, serviceId } = candidates[c]!
      const position = this.index.find(seq)
      if (position < 0) continue
      if (newest.full && this.index.newestStartUpTo(position) < newest.oldestStartUs) break
      const found = this.blocks.summaryAt(seq, this.index.blockId(position))
      if (!found || !matchesSummary(found.summary, found.line, serviceId, filter)) continue
      const { blockId, line, summary } = found
      const startUs = summary.startUs[line]!
      const traceId = summary.traceIds[line]!
      if ((newest.full && startUs < newest.oldestStartUs) || !newest.isNewer(traceId, startUs)) continue
      // Re-checked only now: reading and decoding the span is the costly step.
      if (filter.terms.length > 0) {
        const stored = this.blocks.linesAt(seq, 1, blockId)[0]
        if (stored === undefined) continue
        const terms = spanTerms(decodeSpan(stored))
        if (!filter.terms.every((term) => terms.has(term))) continue
      }
      newest.add(traceId, startUs)
    }
  }

  /** Searches naming no service, operation or term: every span, blocks newest first. */
  private scanBlocks(filter: Filter, newest: NewestTraces): void {
    const rows = this.stmt.selectBlocksByStart.iterate(filter.startMinUs) as IterableIterator<{ min_start_us: number; max_start_us: number; summary: Buffer }>
    for (const row of rows) {
      if (newest.full && row.max_start_us < newest.oldestStartUs) break
      if (row.min_start_us > filter.startMaxUs) continue
      const summary = decodeBlockSummary(row.summary)
      for (let line = 0; line < summary.traceIds.length; line++) {
        if (matchesSummary(summary, line, summary.serviceIds[line]!, filter)) newest.add(summary.traceIds[line]!, summary.startUs[line]!)
      }
    }
  }
}

function matchesSummary(summary: BlockSummary, line: number, serviceId: number, filter: Filter): boolean {
  if (summary.serviceIds[line] !== serviceId) return false
  if (filter.operationIds && !filter.operationIds.get(serviceId)?.has(summary.operationIds[line]!)) return false
  const startUs = summary.startUs[line]!
  const durationUs = summary.durationUs[line]!
  return startUs >= filter.startMinUs && startUs <= filter.startMaxUs && durationUs >= filter.durationMinUs && durationUs <= filter.durationMaxUs
}

/** The numbers present in every list (each ascending), ascending. */
function intersectSorted(lists: readonly (readonly number[])[]): readonly number[] {
  const [first, ...rest] = [...lists].sort((a, b) => a.length - b.length)
  if (!first) return []
  return rest.reduce<readonly number[]>((kept, list) => {
    const out: number[] = []
    let j = 0
    for (const id of kept) {
      while (j < list.length && list[j]! < id) j++
      if (list[j] === id) out.push(id)
    }
    return out
  }, first)
}
