/**
 * The span store's writer: the one connection that writes, run on a thread of its own so that
 * queries never wait for a commit. It stores batches of encoded spans in blocks, keeps the
 * open postings and seals them into segments, links dependencies and purges old blocks. It
 * files spans by what comes with their lines (model/encoded-spans.ts) and leaves the lines
 * as they are. What readers need of the open postings comes back with every write.
 */
import { inflateRawSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { collectEncodedSpans, type EncodedSpans, hasErrorTag, isShared, kindOf, lineBytes, lineText, spanCount, spanString, termHashesOf } from '../../model/encoded-spans.js'
import type { LinkSpan } from '../../model/dependency-linker.js'
import { decodeSpan } from '../../model/span-codec.js'
import { keyTerm, spanTermHashes } from '../../model/span-terms.js'
import { EMPTY_SERVICE_NAME, type TraceId } from '../../model/span.js'
import { hashString } from '../../model/string-hash.js'
import { tagValueString } from '../../model/tag-string.js'
import { compressBlock, decompressBlock } from './block-compression.js'
import { BlockReader } from './block-reader.js'
import { BlockMerges, joinLines, type MergedBlock } from './block-merges.js'
import { decodeBlockSummary, encodeBlockSummary } from './block-summary.js'
import { DependencyLinks, type LinkedSpan, SpanServices } from './dependency-links.js'
import { spanKeys } from './index-keys.js'
import { OpenPostings, PostingsDelta } from './open-postings.js'
import { encodePostingChunks } from './posting-chunks.js'
import { traceIdKey } from './row-keys.js'
import * as sql from './statements.js'
import { convertRunsBefore014 } from './runs-before-014.js'
import { LinkChanges, TraceLinks } from './trace-links.js'
import { contentHash, keptShared, type RunSpan, runStartUs, spanIdLow, TracePositions } from './trace-run.js'

export interface SpanStoreWriterOptions {
  /** Database file, already migrated. */
  path: string
  /** Spans whose postings are held in memory before they are sealed into a segment. */
  segmentSpans: number
  /** Most spans per compressed block. */
  blockMaxSpans: number
  /** Tag keys whose values are remembered for autocompletion (Zipkin's AUTOCOMPLETE_KEYS). */
  autocompleteKeys: readonly string[]
}

/**
 * What readers learn from a write: the new spans' postings, or that the open postings were
 * sealed; and the new blocks as (id, span count, newest start) triples, and those that merged
 * small blocks (such a triple replaces the blocks within its sequence numbers).
 */
export interface WriteResult {
  postings: Float64Array
  sealed: boolean
  blocks: Float64Array
}

/** What retention deleted. */
export interface PurgeResult {
  spans: number
  blockIds: number[]
}

const KNOWN_NAMES_MAX = 100_000

/** How often a long conversion of an older layout says how far it got. */
const CONVERSION_REPORT_MS = 5_000
type ConversionProgress = (spansDone: number, spansTotal: number) => void

/**
 * An operation's (a remote service name's, an autocomplete value's) newest start is stored
 * when it moved on by this much, not with every span: retention allows for the lag (see
 * pruneNames).
 */
const NEWEST_START_STEP_US = 60_000_000

/** Whether `startUs` moves the newest start stored for `key` on by a step; notes it if so. */
function movedOn<K>(known: Map<K, number>, key: K, startUs: number): boolean {
  const stored = known.get(key)
  if (stored !== undefined && startUs < stored + NEWEST_START_STEP_US) return false
  known.set(key, Math.max(startUs, stored ?? -Infinity))
  return true
}

/** Span `index` of a request's encoded spans. */
interface SpanRef {
  spans: EncodedSpans
  index: number
}

/** A new span of the batch being written, with the ids the store filed it under. */
interface NewSpan extends SpanRef, LinkedSpan {
  operationName: string
  operationId: number
  /** '' when it has none. */
  remoteServiceName: string
  /** What its trace run keeps of it. */
  record: RunSpan
  /** Its trace's, for its run. */
  positions: TracePositions
  /** The start its trace run gives it (TraceRun.startUs), once written. */
  runStartUs: number
}

/** A trace the batch adds spans to. */
interface GrowingTrace {
  /** What the links of its stored spans read of them. */
  stored: LinkSpan[]
  added: NewSpan[]
}

interface TraceRunRow {
  block_id: number
  first_line: number
  spans: Buffer
}

interface BlockRow {
  id: number
  span_count: number
  summary: Buffer
}

interface BlockDataRow {
  id: number
  summary: Buffer
  data: Buffer
  data_bytes: number | null
}

export class SpanStoreWriter {
  private readonly db: Database.Database
  private readonly segmentSpans: number
  private readonly blockMaxSpans: number
  private readonly serviceIds = new Map<string, number>()
  private readonly operationIds = new Map<string, number>()
  /** The newest start stored for each operation, by id. */
  private readonly operationLastStart = new Map<number, number>()
  private readonly autocompleteKeys: ReadonlySet<string>
  /** Hashes of the autocomplete keys' terms: only spans with one of them are decoded for their values. */
  private readonly autocompleteHashes: ReadonlySet<number>
  /**
   * `serviceId\0name` pairs and `key\0value` pairs stored, with the newest start stored for
   * each, so that repeats cost no statement until they move it on by a step.
   */
  private readonly knownRemoteServices = new Map<string, number>()
  private readonly knownTagValues = new Map<string, number>()
  private readonly stmt
  private readonly dependencies: DependencyLinks
  private readonly zipkinDependencies: TraceLinks
  /** The ids of the service names of spans without one ('' and EMPTY_SERVICE_NAME): links count them as no service. */
  private readonly noServiceIds: ReadonlySet<number>
  /** To compare a retried span with the one stored. */
  private readonly blocks: BlockReader
  private readonly openPostings = new OpenPostings()
  /** Postings of the spans written by the current write, for the readers. */
  private delta = new PostingsDelta()
  /** Blocks written by the current write, for the readers. */
  private newBlocks: number[] = []
  /** Sequence number of the next span stored. */
  private nextSeq = 1
  private readonly merges: BlockMerges

  /** `onConverting` hears how far the conversion of an older layout got, every few seconds and at its end. */
  constructor(options: SpanStoreWriterOptions, onConverting: ConversionProgress = () => {}) {
    this.segmentSpans = options.segmentSpans
    this.blockMaxSpans = options.blockMaxSpans
    this.merges = new BlockMerges(options.blockMaxSpans)
    this.autocompleteKeys = new Set(options.autocompleteKeys)
    this.autocompleteHashes = new Set(options.autocompleteKeys.map((key) => hashString(keyTerm(key))))
    this.db = new Database(options.path)
    // FULL: a commit is on disk before the write returns, so an acknowledged span survives a crash.
    this.db.pragma('synchronous = FULL')
    this.db.pragma('cache_size = -16384')
    this.db.pragma('busy_timeout = 5000')
    const prepare = (text: string) => this.db.prepare(text)
    this.stmt = {
      insertService: prepare(sql.INSERT_SERVICE),
      selectServiceId: prepare(sql.SELECT_SERVICE_ID).pluck(),
      insertOperation: prepare(sql.INSERT_OPERATION),
      selectOperationId: prepare(sql.SELECT_OPERATION_ID).pluck(),
      updateOperationLastStart: prepare(sql.UPDATE_OPERATION_LAST_START),
      deleteOperationsBefore: prepare(sql.DELETE_OPERATIONS_BEFORE),
      selectMinStart: prepare(sql.SELECT_MIN_START).pluck(),
      insertBlock: prepare(sql.INSERT_BLOCK),
      selectBlocksEnd: prepare(sql.SELECT_BLOCKS_END).pluck(),
      selectBlocksFrom: prepare(sql.SELECT_BLOCKS_FROM),
      insertTraceRun: prepare(sql.INSERT_TRACE_RUN),
      selectTraceRuns: prepare(sql.SELECT_TRACE_RUNS),
      insertSegment: prepare(sql.INSERT_SEGMENT),
      selectLastSealedSeq: prepare(sql.SELECT_LAST_SEALED_SEQ).pluck(),
      insertPostingChunk: prepare(sql.INSERT_POSTING_CHUNK),
      selectOldestBlock: prepare(sql.SELECT_OLDEST_BLOCK),
      deleteBlock: prepare(sql.DELETE_BLOCK),
      deleteTraceRuns: prepare(sql.DELETE_TRACE_RUNS),
      updateMergedBlock: prepare(sql.UPDATE_MERGED_BLOCK),
      deleteMergedBlocks: prepare(sql.DELETE_MERGED_BLOCKS),
      selectFirstBlockId: prepare(sql.SELECT_FIRST_BLOCK_ID).pluck(),
      selectOldestStart: prepare(sql.SELECT_OLDEST_START).pluck(),
      selectExpiredSegments: prepare(sql.SELECT_EXPIRED_SEGMENTS).pluck(),
      deleteSegmentChunks: prepare(sql.DELETE_SEGMENT_CHUNKS),
      deleteSegment: prepare(sql.DELETE_SEGMENT),
      upsertRemoteService: prepare(sql.UPSERT_REMOTE_SERVICE),
      upsertTagValue: prepare(sql.UPSERT_TAG_VALUE),
      deleteRemoteServicesBefore: prepare(sql.DELETE_REMOTE_SERVICES_BEFORE),
      deleteTagValuesBefore: prepare(sql.DELETE_TAG_VALUES_BEFORE),
    }
    this.dependencies = new DependencyLinks(this.db)
    this.zipkinDependencies = new TraceLinks(this.db)
    this.noServiceIds = new Set(['', EMPTY_SERVICE_NAME].map((name) => this.serviceId(name)))
    this.blocks = new BlockReader(this.db)
    this.loadOpenPostings()
    // Runs converted before the spans of 009 are moved: those are linked as they are written.
    this.convertRunsBefore014(onConverting)
    this.moveLayoutBefore009(onConverting)
  }

  /** Postings of every span not sealed yet, once, before the first write: what a reader starts from. */
  openPostingsDelta(): Float64Array {
    return this.takeDelta()
  }

  /** Stores requests' encoded spans in one transaction; a span stored before is skipped. */
  write(requests: readonly EncodedSpans[]): WriteResult {
    try {
      const sealed = this.db.transaction(() => {
        const sealed = this.writeBatch(requests, true)
        // After the batch: a merge it compressed at once goes with it, not with the next write.
        this.storeMerged(this.merges.takeCompressed())
        return sealed
      })()
      const postings = this.takeDelta()
      const blocks = Float64Array.from(this.newBlocks)
      this.newBlocks = []
      return { postings: sealed ? new Float64Array(0) : postings, sealed, blocks }
    } catch (error) {
      this.forgetUncommitted()
      // Readers keep the postings they have: the same as what was committed.
      this.delta = new PostingsDelta()
      this.newBlocks = []
      throw error
    }
  }

  private takeDelta(): Float64Array {
    const postings = this.delta.finish()
    this.delta = new PostingsDelta()
    return postings
  }

  /**
   * Rebuilds the in-memory state that follows the committed data: the next sequence number and
   * the postings of the spans written since the last sealed segment.
   */
  private loadOpenPostings(): void {
    this.openPostings.clear()
    this.blocks.forget()
    const lastSealedSeq = (this.stmt.selectLastSealedSeq.get() as number | undefined) ?? 0
    this.nextSeq = Math.max(lastSealedSeq + 1, (this.stmt.selectBlocksEnd.get() as number | undefined) ?? 1)
    for (const row of this.stmt.selectBlocksFrom.iterate(lastSealedSeq + 1) as IterableIterator<BlockDataRow>) {
      const summary = decodeBlockSummary(row.summary)
      decompressBlock(row.data, row.data_bytes)
        .toString('utf8')
        .split('\n')
        .forEach((line, i) => {
          const span = decodeSpan(line)
          this.addPostings(row.id + i, span.startTimeUs, spanKeys(summary.serviceIds[i]!, span.operationName, spanTermHashes(span)))
        })
    }
  }

  private addPostings(seq: number, startUs: number, keys: readonly number[]): void {
    this.openPostings.addSpan(seq, startUs, keys)
    this.delta.addSpan(seq, startUs, keys)
  }

  /** After a rolled-back write: caches may name rows that were never committed. */
  private forgetUncommitted(): void {
    this.merges.forget()
    this.serviceIds.clear()
    this.operationIds.clear()
    this.operationLastStart.clear()
    this.knownRemoteServices.clear()
    this.knownTagValues.clear()
    this.loadOpenPostings()
  }

  /**
   * Stores the spans not stored before, grouped by trace, in blocks; within a transaction.
   * Returns whether the open postings were sealed.
   * `linkDependencies` is false for spans whose dependency links were counted already.
   */
  private writeBatch(requests: readonly EncodedSpans[], linkDependencies: boolean): boolean {
    const byTrace = new Map<TraceId, SpanRef[]>()
    for (const spans of requests) {
      for (let index = 0; index < spanCount(spans); index++) {
        const traceId = spanString(spans, index, 'traceId')
        const list = byTrace.get(traceId)
        if (list) list.push({ spans, index })
        else byTrace.set(traceId, [{ spans, index }])
      }
    }
    const services = new SpanServices()
    const added: NewSpan[] = []
    const growing: GrowingTrace[] = []
    for (const [traceId, refs] of byTrace) {
      // Stored spans by span id and content hash: a retry is one of them.
      const stored = new Map<number, { blockId: number; seq: number }[]>()
      const trace: GrowingTrace = { stored: [], added: [] }
      const positions = new TracePositions()
      const rows = this.stmt.selectTraceRuns.all(traceIdKey(traceId)) as TraceRunRow[]
      positions.decode(rows.map((row) => row.spans)).forEach((run, r) => {
        const row = rows[r]!
        run.spans.forEach((span, i) => {
          services.add(traceId, span.spanIdLow, span.serviceId, span.kind === 'client')
          trace.stored.push(this.linkSpan(span, run.startUs))
          const key = retryKey(span.spanIdLow, span.contentHash)
          const places = stored.get(key) ?? []
          places.push({ blockId: row.block_id, seq: row.block_id + row.first_line + i })
          stored.set(key, places)
        })
      })
      const seen = new Map<number, Uint8Array[]>()
      for (const { spans, index } of refs) {
        const lineHash = spans.lineHashes[index]!
        const line = lineBytes(spans, index)
        // A retry: the same span again, in this batch or stored before.
        const sameHash = seen.get(lineHash)
        if (sameHash?.some((other) => Buffer.compare(other, line) === 0)) continue
        const span = this.newSpan(spans, index, traceId, positions)
        const places = stored.get(retryKey(span.record.spanIdLow, span.record.contentHash))
        if (places?.some((place) => this.blocks.linesAt(place.seq, 1, place.blockId)[0] === lineText(spans, index))) continue
        if (sameHash) sameHash.push(line)
        else seen.set(lineHash, [line])
        services.add(traceId, span.record.spanIdLow, span.serviceId, span.kind === 'client')
        added.push(span)
        trace.added.push(span)
      }
      if (trace.added.length > 0) growing.push(trace)
    }
    for (let i = 0; i < added.length; i += this.blockMaxSpans) this.writeBlock(added.slice(i, i + this.blockMaxSpans))
    for (const span of added) this.rememberNames(span)
    this.recordOperationStarts(added)
    if (linkDependencies) this.dependencies.record(added, services)
    const links = new LinkChanges()
    for (const { stored, added } of growing) links.addTrace(stored, [...stored, ...added.map((span) => this.linkSpan(span.record, span.runStartUs))])
    this.zipkinDependencies.apply(links)
    if (this.openPostings.spanCount < this.segmentSpans) return false
    // A merged block stays within one segment: the open postings are rebuilt from the blocks
    // after the last sealed span.
    this.merges.mergeHeld(true)
    this.sealOpenPostings()
    return true
  }

  private newSpan(spans: EncodedSpans, index: number, traceId: TraceId, positions: TracePositions): NewSpan {
    const serviceId = this.serviceId(spanString(spans, index, 'serviceName'))
    const kind = kindOf(spans, index)
    const shared = isShared(spans, index)
    const operationName = spanString(spans, index, 'operationName')
    const spanId = spanString(spans, index, 'spanId')
    const parentSpanId = spanString(spans, index, 'parentSpanId')
    const remoteServiceName = spanString(spans, index, 'remoteServiceName')
    return {
      spans,
      index,
      traceId,
      spanId,
      parentSpanId,
      kind,
      shared,
      startUs: spans.startUs[index]!,
      serviceId,
      operationName,
      operationId: this.operationId(serviceId, operationName, kind ?? ''),
      remoteServiceName,
      record: {
        contentHash: contentHash(spans.lineHashes[index]!),
        spanIdLow: spanIdLow(spanId),
        parentIdLow: parentSpanId === '' ? 0 : spanIdLow(parentSpanId),
        serviceId,
        endpoint: spans.endpoints[index]!,
        kind,
        shared: keptShared(kind, shared),
        error: hasErrorTag(spans, index),
        remoteServiceId: remoteServiceName === '' ? 0 : this.serviceId(remoteServiceName),
      },
      positions,
      runStartUs: 0,
    }
  }

  /** One block of new spans, a trace run row per trace in it, and the spans' open postings. */
  private writeBlock(block: readonly NewSpan[]): void {
    const small = block.length < this.blockMaxSpans
    // A write of a full block compresses it in the commit anyway, and in the background the
    // merge cost more than it saved there (100-span requests: 5-10 % slower ingest).
    if (!small) this.merges.mergeHeld(false)
    else if (!this.merges.fits(block.length)) this.merges.mergeHeld(true)
    const blockId = this.nextSeq
    const [minStartUs, maxStartUs] = startRange(block)
    const summaryLines = block.map(({ spans, index, traceId, serviceId, operationId, startUs }) => ({ traceId, serviceId, operationId, startUs, durationUs: spans.durationUs[index]! }))
    const text = joinLines(block.map(({ spans, index }) => lineBytes(spans, index)))
    this.stmt.insertBlock.run(blockId, block.length, minStartUs, maxStartUs, encodeBlockSummary(summaryLines), compressBlock(text, small ? 'small' : 'full'), text.length)
    this.newBlocks.push(blockId, block.length, maxStartUs)
    if (small) this.merges.hold({ id: blockId, text, summaryLines })
    for (let first = 0; first < block.length; ) {
      const traceId = block[first]!.traceId
      let end = first + 1
      while (end < block.length && block[end]!.traceId === traceId) end++
      const runSpans = block.slice(first, end)
      const startUs = runStartUs(runSpans.map((span) => span.startUs))
      for (const span of runSpans) span.runStartUs = startUs
      const column = runSpans[0]!.positions.encode({ startUs, spans: runSpans.map((span) => span.record) })
      this.stmt.insertTraceRun.run(traceIdKey(traceId), blockId, first, column)
      first = end
    }
    block.forEach(({ spans, index, serviceId, operationName, startUs }, i) => this.addPostings(blockId + i, startUs, spanKeys(serviceId, operationName, termHashesOf(spans, index))))
    this.nextSeq += block.length
  }

  /** Small blocks merged (block-merges.ts): each replaces its blocks. */
  private storeMerged(merged: readonly MergedBlock[]): void {
    for (const { firstId, lastId, summaryLines, text, data } of merged) {
      const [minStartUs, maxStartUs] = startRange(summaryLines)
      this.stmt.updateMergedBlock.run(summaryLines.length, minStartUs, maxStartUs, encodeBlockSummary(summaryLines), data, text.length, firstId)
      this.stmt.deleteMergedBlocks.run(firstId, lastId)
      this.newBlocks.push(firstId, summaryLines.length, maxStartUs)
    }
  }

  /** Writes the open postings out as a new segment, chunked by key. */
  private sealOpenPostings(): void {
    const open = this.openPostings
    const segmentId = this.stmt.insertSegment.run(open.firstSeq, this.nextSeq - 1, open.minStartUs, open.maxStartUs).lastInsertRowid
    for (const chunk of encodePostingChunks(open.sorted(), open.firstSeq)) this.stmt.insertPostingChunk.run(segmentId, chunk.firstHash, chunk.data)
    open.clear()
  }

  private convertRunsBefore014(onProgress: ConversionProgress): void {
    try {
      this.db.transaction(() =>
        convertRunsBefore014({
          db: this.db,
          serviceId: (name) => this.serviceId(name),
          linkSpan: (span, startUs) => this.linkSpan(span, startUs),
          links: this.zipkinDependencies,
          onProgress,
          reportEveryMs: CONVERSION_REPORT_MS,
        }),
      )()
    } catch (error) {
      this.forgetUncommitted()
      throw error
    }
  }

  /** Spans stored by the layout before migration 009 are moved into blocks once, at the first start. */
  private moveLayoutBefore009(onConverting: ConversionProgress): void {
    if (this.db.prepare(sql.SELECT_LAYOUT_BEFORE_009).pluck().get() === 0) return
    const selectSpans = this.db.prepare(sql.SELECT_SPANS_BEFORE_009)
    const selectBlock = this.db.prepare(sql.SELECT_BLOCK_BEFORE_009).pluck()
    const total = this.db.prepare(sql.COUNT_SPANS_BEFORE_009).pluck().get() as number
    let done = 0
    let reportedAt = Date.now()
    try {
      this.db.transaction(() => {
        const blocks = new Map<number, string[]>()
        let lastId = 0
        for (;;) {
          const rows = selectSpans.all(lastId) as { id: number; block_id: number; block_line: number }[]
          if (rows.length === 0) break
          done += rows.length
          if (Date.now() - reportedAt >= CONVERSION_REPORT_MS) {
            onConverting(done, total)
            reportedAt = Date.now()
          }
          const lines = rows.map((row) => {
            let blockLines = blocks.get(row.block_id)
            if (!blockLines) {
              // That layout deflated its blocks.
              blockLines = inflateRawSync(selectBlock.get(row.block_id) as Buffer).toString('utf8').split('\n')
              blocks.set(row.block_id, blockLines)
            }
            return blockLines[row.block_line]!
          })
          this.writeBatch([collectEncodedSpans(lines.map(decodeSpan), lines)], false)
          // Here no merge finishes in the background: the event loop does not turn.
          this.storeMerged(this.merges.takeAll())
          lastId = rows[rows.length - 1]!.id
        }
        this.db.exec(sql.DROP_LAYOUT_BEFORE_009)
      })()
      onConverting(done, total)
    } catch (error) {
      this.forgetUncommitted()
      throw error
    }
  }

  /** What the dependency linker reads of a span in a trace run. */
  private linkSpan(span: RunSpan, startUs: number): LinkSpan {
    const { spanIdLow, parentIdLow, kind, shared, serviceId, endpoint, remoteServiceId, error } = span
    const service = this.noServiceIds.has(serviceId) ? 0 : serviceId
    return { spanId: spanIdLow, parentId: parentIdLow, kind, shared, service, endpoint, remoteService: remoteServiceId, error, startUs }
  }

  private serviceId(name: string): number {
    let id = this.serviceIds.get(name)
    if (id === undefined) {
      this.stmt.insertService.run(name)
      id = this.stmt.selectServiceId.get(name) as number
      this.serviceIds.set(name, id)
    }
    return id
  }

  private operationId(serviceId: number, name: string, kind: string): number {
    const key = `${serviceId}\0${kind}\0${name}`
    let id = this.operationIds.get(key)
    if (id === undefined) {
      this.stmt.insertOperation.run(serviceId, name, kind)
      id = this.stmt.selectOperationId.get(serviceId, name, kind) as number
      this.operationIds.set(key, id)
    }
    return id
  }

  /** Moves each operation's stored newest start on, when it moved by a step or more. */
  private recordOperationStarts(spans: readonly NewSpan[]): void {
    const newest = new Map<number, number>()
    for (const { operationId, startUs } of spans) newest.set(operationId, Math.max(startUs, newest.get(operationId) ?? -Infinity))
    for (const [operationId, startUs] of newest) {
      if (movedOn(this.operationLastStart, operationId, startUs)) this.stmt.updateOperationLastStart.run(startUs, operationId)
    }
  }

  /**
   * Drops the operations, remote service names and autocomplete values no span left has: their
   * newest start, less the lag it may be stored with, is before the oldest span left (late
   * spans included). A service without operations is no longer listed; its row stays, so that
   * its id is never given to another.
   */
  private pruneNames(): void {
    const oldestUs = (this.stmt.selectMinStart.get() as number | null) ?? Number.MAX_SAFE_INTEGER
    const before = oldestUs - NEWEST_START_STEP_US
    if (this.stmt.deleteRemoteServicesBefore.run(before).changes > 0) this.knownRemoteServices.clear()
    if (this.stmt.deleteTagValuesBefore.run(before).changes > 0) this.knownTagValues.clear()
    if (this.stmt.deleteOperationsBefore.run(before).changes === 0) return
    // Ids of dropped operations may be given to new ones.
    this.operationIds.clear()
    this.operationLastStart.clear()
  }

  /** Remote service names and autocomplete values, each stored once with its newest start. */
  private rememberNames({ spans, index, serviceId, startUs, remoteServiceName: remote }: NewSpan): void {
    if (remote !== '' && movedOn(this.knownRemoteServices, `${serviceId}\0${remote}`, startUs)) {
      this.stmt.upsertRemoteService.run(serviceId, remote, startUs)
    }
    if (!termHashesOf(spans, index).some((hash) => this.autocompleteHashes.has(hash))) return
    for (const tag of decodeSpan(lineText(spans, index)).tags) {
      if (!this.autocompleteKeys.has(tag.key)) continue
      const value = tagValueString(tag)
      // The cache only saves statements: keep it bounded for high-cardinality keys.
      if (this.knownTagValues.size >= KNOWN_NAMES_MAX) this.knownTagValues.clear()
      if (movedOn(this.knownTagValues, `${tag.key}\0${value}`, startUs)) this.stmt.upsertTagValue.run(tag.key, value, startUs)
    }
  }

  /** Deletes whole blocks, oldest first, until `maxSpans` spans are gone or none is left. */
  purge(beforeUs: number, maxSpans: number): PurgeResult {
    let purged: PurgeResult | undefined
    try {
      purged = this.db.transaction(() => this.purgeBlocks(beforeUs, maxSpans))()
      return purged
    } finally {
      // Retention runs every minute and mostly finds nothing old enough: the blocks held for
      // their merge, and those kept read, are then as they were.
      if (purged === undefined || purged.blockIds.length > 0) {
        this.blocks.forget()
        this.merges.forget()
      }
    }
  }

  private purgeBlocks(beforeUs: number, maxSpans: number): PurgeResult {
    let deleted = 0
    const blockIds: number[] = []
    const traces = new Map<string, Buffer>()
    while (deleted < maxSpans) {
      const block = this.stmt.selectOldestBlock.get(beforeUs) as BlockRow | undefined
      if (!block) break
      for (const traceId of new Set(decodeBlockSummary(block.summary).traceIds)) {
        const key = traceIdKey(traceId)
        this.stmt.deleteTraceRuns.run(key, block.id, block.id + block.span_count)
        traces.set(traceId, key)
      }
      this.stmt.deleteBlock.run(block.id)
      blockIds.push(block.id)
      deleted += block.span_count
    }
    const firstSeqKept = (this.stmt.selectFirstBlockId.get() as number | undefined) ?? this.nextSeq
    for (const segment of this.stmt.selectExpiredSegments.all(firstSeqKept) as number[]) {
      this.stmt.deleteSegmentChunks.run(segment)
      this.stmt.deleteSegment.run(segment)
    }
    const oldestStartUs = (this.stmt.selectOldestStart.get() as number | undefined) ?? Number.MAX_SAFE_INTEGER
    this.dependencies.purge(traces.values(), oldestStartUs)
    this.zipkinDependencies.purge(oldestStartUs)
    this.pruneNames()
    return { spans: deleted, blockIds }
  }

  /** Frees the connection's page cache and the open postings' spare room, for an idle writer: the next writes read their pages again. */
  releaseMemory(): void {
    this.db.pragma('shrink_memory')
    this.openPostings.shrink()
  }

  /** Stores the merges under way and the small blocks held merged, then closes. */
  close(): void {
    try {
      this.db.transaction(() => this.storeMerged(this.merges.takeAll()))()
    } finally {
      this.db.close()
    }
  }
}

/** How a trace's stored spans are looked up for a retry. */
const retryKey = (spanIdLow: number, contentHash: number) => spanIdLow * 256 + contentHash

/** The oldest and the newest start of spans. */
function startRange(spans: readonly { startUs: number }[]): [number, number] {
  let min = Infinity
  let max = -Infinity
  for (const { startUs } of spans) {
    min = Math.min(min, startUs)
    max = Math.max(max, startUs)
  }
  return [min, max]
}
