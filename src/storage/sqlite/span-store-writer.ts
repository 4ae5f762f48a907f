/**
 * The span store's writer: the one connection that writes, run on a thread of its own so that
 * queries never wait for a commit. It stores batches of spans (as encoded lines) in blocks,
 * keeps the open postings and seals them into segments, links dependencies and purges old
 * blocks. What readers need of the open postings comes back with every write.
 */
import { inflateRawSync } from 'node:zlib'
import Database from 'better-sqlite3'
import type { Span, TraceId } from '../../model/span.js'
import { tagValueString } from '../../model/tag-string.js'
import { compressBlock, decompressBlock } from './block-compression.js'
import { BlockReader } from './block-reader.js'
import { decodeBlockSummary, encodeBlockSummary } from './block-summary.js'
import { DependencyLinks, SpanServices } from './dependency-links.js'
import { OpenPostings, PostingsDelta } from './open-postings.js'
import { encodePostingChunks } from './posting-chunks.js'
import { traceIdKey } from './row-keys.js'
import { decodeSpan } from '../../model/span-codec.js'
import { spanHashes } from './span-terms.js'
import * as sql from './statements.js'
import { hashString } from './string-hash.js'
import { decodeRunSpans, encodeRunSpans, spanIdLow } from './trace-run.js'

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
 * sealed; and the new blocks as (id, span count, newest start) triples.
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

/** A new span of the batch being written, with what its block and indexes need. */
interface NewSpan {
  span: Span
  line: string
  contentHash: number
  serviceId: number
  operationId: number
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
  private readonly autocompleteKeys: ReadonlySet<string>
  /** `serviceId\0name` pairs and `key\0value` pairs already stored, so repeats cost no statement. */
  private readonly knownRemoteServices = new Set<string>()
  private readonly knownTagValues = new Set<string>()
  private readonly stmt
  private readonly dependencies: DependencyLinks
  /** To compare a retried span with the one stored. */
  private readonly blocks: BlockReader
  private readonly openPostings = new OpenPostings()
  /** Postings of the spans written by the current write, for the readers. */
  private delta = new PostingsDelta()
  /** Blocks written by the current write, for the readers. */
  private newBlocks: number[] = []
  /** Sequence number of the next span stored. */
  private nextSeq = 1

  constructor(options: SpanStoreWriterOptions) {
    this.segmentSpans = options.segmentSpans
    this.blockMaxSpans = options.blockMaxSpans
    this.autocompleteKeys = new Set(options.autocompleteKeys)
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
      deleteTraceRun: prepare(sql.DELETE_TRACE_RUN),
      selectFirstBlockId: prepare(sql.SELECT_FIRST_BLOCK_ID).pluck(),
      selectOldestStart: prepare(sql.SELECT_OLDEST_START).pluck(),
      selectExpiredSegments: prepare(sql.SELECT_EXPIRED_SEGMENTS).pluck(),
      deleteSegmentChunks: prepare(sql.DELETE_SEGMENT_CHUNKS),
      deleteSegment: prepare(sql.DELETE_SEGMENT),
      insertRemoteService: prepare(sql.INSERT_REMOTE_SERVICE),
      insertTagValue: prepare(sql.INSERT_TAG_VALUE),
    }
    this.dependencies = new DependencyLinks(this.db)
    this.blocks = new BlockReader(this.db)
    this.loadOpenPostings()
    this.moveLayoutBefore009()
  }

  /** Postings of every span not sealed yet, once, before the first write: what a reader starts from. */
  openPostingsDelta(): Float64Array {
    return this.takeDelta()
  }

  /** Stores a batch of encoded spans in one transaction; a span stored before is skipped. */
  write(lines: readonly string[]): WriteResult {
    try {
      const sealed = this.db.transaction(() => this.writeBatch(lines, true))()
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
          this.addPostings(row.id + i, span.startTimeUs, spanHashes(summary.serviceIds[i]!, span))
        })
    }
  }

  private addPostings(seq: number, startUs: number, hashes: readonly number[]): void {
    this.openPostings.addSpan(seq, startUs, hashes)
    this.delta.addSpan(seq, startUs, hashes)
  }

  /** After a rolled-back write: caches may name rows that were never committed. */
  private forgetUncommitted(): void {
    this.serviceIds.clear()
    this.operationIds.clear()
    this.knownRemoteServices.clear()
    this.knownTagValues.clear()
    this.loadOpenPostings()
  }

  /**
   * Stores the spans not stored before, grouped by trace, in blocks; within a transaction.
   * Returns whether the open postings were sealed.
   * `linkDependencies` is false for spans whose dependency links were counted already.
   */
  private writeBatch(lines: readonly string[], linkDependencies: boolean): boolean {
    const byTrace = new Map<TraceId, { span: Span; line: string }[]>()
    for (const line of lines) {
      const span = decodeSpan(line)
      const list = byTrace.get(span.traceId)
      if (list) list.push({ span, line })
      else byTrace.set(span.traceId, [{ span, line }])
    }
    const services = new SpanServices()
    const added: NewSpan[] = []
    for (const [traceId, traceSpans] of byTrace) {
      const stored = new Map<number, { blockId: number; line: number }[]>()
      for (const run of this.stmt.selectTraceRuns.all(traceIdKey(traceId)) as TraceRunRow[]) {
        decodeRunSpans(run.spans).forEach((span, i) => {
          services.add(traceId, span.spanIdLow, span.serviceId, span.client)
          const places = stored.get(span.contentHash) ?? []
          places.push({ blockId: run.block_id, line: run.first_line + i })
          stored.set(span.contentHash, places)
        })
      }
      const seen = new Set<string>()
      for (const { span, line } of traceSpans) {
        const contentHash = hashString(line) >>> 0
        // A retry: the same span again, in this batch or stored before.
        if (seen.has(line) || stored.get(contentHash)?.some((place) => this.blocks.line(place.blockId, place.line) === line)) continue
        seen.add(line)
        const serviceId = this.serviceId(span.process.serviceName)
        services.add(traceId, spanIdLow(span.spanId), serviceId, span.kind === 'client')
        added.push({ span, line, contentHash, serviceId, operationId: this.operationId(serviceId, span.operationName, span.kind ?? '') })
      }
    }
    for (let i = 0; i < added.length; i += this.blockMaxSpans) this.writeBlock(added.slice(i, i + this.blockMaxSpans))
    for (const { span, serviceId } of added) this.rememberNames(serviceId, span)
    if (linkDependencies) this.dependencies.record(added, services)
    if (this.openPostings.spanCount < this.segmentSpans) return false
    this.sealOpenPostings()
    return true
  }

  /** One block of new spans, a trace run row per trace in it, and the spans' open postings. */
  private writeBlock(spans: readonly NewSpan[]): void {
    const blockId = this.nextSeq
    let minStartUs = Infinity
    let maxStartUs = -Infinity
    for (const { span } of spans) {
      minStartUs = Math.min(minStartUs, span.startTimeUs)
      maxStartUs = Math.max(maxStartUs, span.startTimeUs)
    }
    const summary = encodeBlockSummary(
      spans.map(({ span, serviceId, operationId }) => ({ traceId: span.traceId, serviceId, operationId, startUs: span.startTimeUs, durationUs: span.durationUs })),
    )
    const text = Buffer.from(spans.map((s) => s.line).join('\n'))
    this.stmt.insertBlock.run(blockId, spans.length, minStartUs, maxStartUs, summary, compressBlock(text), text.length)
    this.newBlocks.push(blockId, spans.length, maxStartUs)
    for (let first = 0; first < spans.length; ) {
      const traceId = spans[first]!.span.traceId
      let end = first + 1
      while (end < spans.length && spans[end]!.span.traceId === traceId) end++
      const runSpans = spans.slice(first, end).map(({ span, contentHash, serviceId }) => ({ contentHash, spanIdLow: spanIdLow(span.spanId), serviceId, client: span.kind === 'client' }))
      this.stmt.insertTraceRun.run(traceIdKey(traceId), blockId, first, encodeRunSpans(runSpans))
      first = end
    }
    spans.forEach(({ span, serviceId }, i) => this.addPostings(blockId + i, span.startTimeUs, spanHashes(serviceId, span)))
    this.nextSeq += spans.length
  }

  /** Writes the open postings out as a new segment, chunked by key. */
  private sealOpenPostings(): void {
    const open = this.openPostings
    const segmentId = this.stmt.insertSegment.run(open.firstSeq, this.nextSeq - 1, open.minStartUs, open.maxStartUs).lastInsertRowid
    for (const chunk of encodePostingChunks(open.sorted(), open.firstSeq)) this.stmt.insertPostingChunk.run(segmentId, chunk.firstHash, chunk.data)
    open.clear()
  }

  /** Spans stored by the layout before migration 009 are moved into blocks once, at the first start. */
  private moveLayoutBefore009(): void {
    if (this.db.prepare(sql.SELECT_LAYOUT_BEFORE_009).pluck().get() === 0) return
    const selectSpans = this.db.prepare(sql.SELECT_SPANS_BEFORE_009)
    const selectBlock = this.db.prepare(sql.SELECT_BLOCK_BEFORE_009).pluck()
    try {
      this.db.transaction(() => {
        const blocks = new Map<number, string[]>()
        let lastId = 0
        for (;;) {
          const rows = selectSpans.all(lastId) as { id: number; block_id: number; block_line: number }[]
          if (rows.length === 0) break
          const lines = rows.map((row) => {
            let blockLines = blocks.get(row.block_id)
            if (!blockLines) {
              // That layout deflated its blocks.
              blockLines = inflateRawSync(selectBlock.get(row.block_id) as Buffer).toString('utf8').split('\n')
              blocks.set(row.block_id, blockLines)
            }
            return blockLines[row.block_line]!
          })
          this.writeBatch(lines, false)
          lastId = rows[rows.length - 1]!.id
        }
        this.db.exec(sql.DROP_LAYOUT_BEFORE_009)
      })()
    } catch (error) {
      this.forgetUncommitted()
      throw error
    }
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

  /** Remote service names and autocomplete values, each stored once. */
  private rememberNames(serviceId: number, span: Span): void {
    const remote = span.remoteEndpoint?.serviceName
    if (remote !== undefined && remote !== '') {
      const key = `${serviceId}\0${remote}`
      if (!this.knownRemoteServices.has(key)) {
        this.stmt.insertRemoteService.run(serviceId, remote)
        this.knownRemoteServices.add(key)
      }
    }
    if (this.autocompleteKeys.size === 0) return
    for (const tag of span.tags) {
      if (!this.autocompleteKeys.has(tag.key)) continue
      const value = tagValueString(tag)
      const key = `${tag.key}\0${value}`
      if (this.knownTagValues.has(key)) continue
      this.stmt.insertTagValue.run(tag.key, value)
      // The cache only saves statements: keep it bounded for high-cardinality keys.
      if (this.knownTagValues.size >= KNOWN_NAMES_MAX) this.knownTagValues.clear()
      this.knownTagValues.add(key)
    }
  }

  /** Deletes whole blocks, oldest first, until `maxSpans` spans are gone or none is left. */
  purge(beforeUs: number, maxSpans: number): PurgeResult {
    try {
      return this.db.transaction(() => this.purgeBlocks(beforeUs, maxSpans))()
    } finally {
      this.blocks.forget()
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
        this.stmt.deleteTraceRun.run(key, block.id)
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
    return { spans: deleted, blockIds }
  }

  close(): void {
    this.db.close()
  }
}
