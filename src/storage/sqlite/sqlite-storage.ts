import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import Database from 'better-sqlite3'
import type { Span, SpanKind, TraceId } from '../../model/span.js'
import { tagValueString } from '../../model/tag-string.js'
import { MIGRATIONS_DIR } from '../../project-files.js'
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, Storage, TraceQuery } from '../storage.js'
import { BlockReader } from './block-reader.js'
import { decodeBlockSummary, encodeBlockSummary } from './block-summary.js'
import { DependencyLinks, SpanServices } from './dependency-links.js'
import { migrate, readMigrations } from './migrate.js'
import { NewestTraces } from './newest-traces.js'
import { OpenPostings } from './open-postings.js'
import { encodePostingChunks } from './posting-chunks.js'
import { traceIdKey } from './row-keys.js'
import { decodeSpan, encodeSpan } from './span-codec.js'
import { spanHashes } from './span-terms.js'
import { splitConditions } from './split-conditions.js'
import * as sql from './statements.js'
import { hashString } from './string-hash.js'
import { TraceSearch } from './trace-search.js'
import { decodeRunSpans, encodeRunSpans, spanIdLow } from './trace-run.js'

export interface SqliteStorageOptions {
  /** Database file; its folder is created when missing. */
  path: string
  /** Spans whose postings are held in memory before they are sealed into a segment. */
  segmentSpans?: number
  /** Most spans per compressed block. */
  blockMaxSpans?: number
  /** Tag keys whose values are remembered for autocompletion (Zipkin's AUTOCOMPLETE_KEYS). */
  autocompleteKeys?: readonly string[]
}

const DEFAULT_SEGMENT_SPANS = 32_768
const DEFAULT_BLOCK_MAX_SPANS = 128
const KNOWN_NAMES_MAX = 100_000

/** How long open() waits for another process that holds the database locked. */
const OPEN_WAIT_MS = 30_000

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

export class SqliteStorage implements Storage {
  /**
   * Opens and migrates the database, waiting without blocking the event loop (so the admin
   * port keeps answering) while another connection holds it locked.
   */
  static async open(options: SqliteStorageOptions): Promise<SqliteStorage> {
    const deadline = Date.now() + OPEN_WAIT_MS
    for (;;) {
      try {
        return new SqliteStorage(options)
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }

  readonly db: Database.Database
  private readonly path: string
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
  private readonly blocks: BlockReader
  private readonly openPostings = new OpenPostings()
  private readonly search: TraceSearch
  /** Sequence number of the next span stored. */
  private nextSeq = 1

  constructor(options: SqliteStorageOptions) {
    mkdirSync(dirname(options.path), { recursive: true })
    this.path = options.path
    this.segmentSpans = options.segmentSpans ?? DEFAULT_SEGMENT_SPANS
    this.blockMaxSpans = options.blockMaxSpans ?? DEFAULT_BLOCK_MAX_SPANS
    this.autocompleteKeys = new Set(options.autocompleteKeys ?? [])
    // No busy wait while opening: it would block the event loop; open() retries instead.
    this.db = new Database(options.path, { timeout: 0 })
    this.db.pragma('journal_mode = WAL')
    // FULL: a commit is on disk before the writer resolves, so an acknowledged span survives a crash.
    this.db.pragma('synchronous = FULL')
    this.db.pragma('cache_size = -16384')
    try {
      migrate(this.db, readMigrations(MIGRATIONS_DIR))
    } catch (error) {
      this.db.close()
      throw error
    }
    this.db.pragma('busy_timeout = 5000')
    const prepare = (text: string) => this.db.prepare(text)
    this.stmt = {
      insertService: prepare(sql.INSERT_SERVICE),
      selectServiceId: prepare(sql.SELECT_SERVICE_ID).pluck(),
      selectServices: prepare(sql.SELECT_SERVICES).pluck(),
      insertOperation: prepare(sql.INSERT_OPERATION),
      selectOperationId: prepare(sql.SELECT_OPERATION_ID).pluck(),
      selectOperations: prepare(sql.SELECT_OPERATIONS),
      selectOperationsOfKind: prepare(sql.SELECT_OPERATIONS_OF_KIND),
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
      selectRemoteServices: prepare(sql.SELECT_REMOTE_SERVICES).pluck(),
      insertTagValue: prepare(sql.INSERT_TAG_VALUE),
      selectTagValues: prepare(sql.SELECT_TAG_VALUES).pluck(),
    }
    this.dependencies = new DependencyLinks(this.db)
    this.blocks = new BlockReader(this.db)
    this.search = new TraceSearch(this.db, this.blocks, this.openPostings)
    this.loadOpenPostings()
    this.moveLayoutBefore009()
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
    for (const row of this.stmt.selectBlocksFrom.iterate(lastSealedSeq + 1) as IterableIterator<BlockRow & { data: Buffer }>) {
      const summary = decodeBlockSummary(row.summary)
      inflateRawSync(row.data)
        .toString('utf8')
        .split('\n')
        .forEach((line, i) => {
          const span = decodeSpan(line)
          this.openPostings.addSpan(row.id + i, span.startTimeUs, spanHashes(summary.serviceIds[i]!, span))
        })
    }
  }

  async writeSpans(spans: readonly Span[]): Promise<void> {
    try {
      this.db.transaction(() => this.writeBatch(spans, true))()
    } catch (error) {
      this.forgetUncommitted()
      throw error
    }
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
   * `linkDependencies` is false for spans whose dependency links were counted already.
   */
  private writeBatch(spans: readonly Span[], linkDependencies: boolean): void {
    const byTrace = new Map<TraceId, Span[]>()
    for (const span of spans) {
      const list = byTrace.get(span.traceId)
      if (list) list.push(span)
      else byTrace.set(span.traceId, [span])
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
      const lines = new Set<string>()
      for (const span of traceSpans) {
        const line = encodeSpan(span)
        const contentHash = hashString(line) >>> 0
        // A retry: the same span again, in this batch or stored before.
        if (lines.has(line) || stored.get(contentHash)?.some((place) => this.blocks.line(place.blockId, place.line) === line)) continue
        lines.add(line)
        const serviceId = this.serviceId(span.process.serviceName)
        services.add(traceId, spanIdLow(span.spanId), serviceId, span.kind === 'client')
        added.push({ span, line, contentHash, serviceId, operationId: this.operationId(serviceId, span.operationName, span.kind ?? '') })
      }
    }
    for (let i = 0; i < added.length; i += this.blockMaxSpans) this.writeBlock(added.slice(i, i + this.blockMaxSpans))
    for (const { span, serviceId } of added) this.rememberNames(serviceId, span)
    if (linkDependencies) this.dependencies.record(added, services)
    if (this.openPostings.spanCount >= this.segmentSpans) this.sealOpenPostings()
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
    const data = deflateRawSync(spans.map((s) => s.line).join('\n'))
    this.stmt.insertBlock.run(blockId, spans.length, minStartUs, maxStartUs, summary, data)
    for (let first = 0; first < spans.length; ) {
      const traceId = spans[first]!.span.traceId
      let end = first + 1
      while (end < spans.length && spans[end]!.span.traceId === traceId) end++
      const runSpans = spans.slice(first, end).map(({ span, contentHash, serviceId }) => ({ contentHash, spanIdLow: spanIdLow(span.spanId), serviceId, client: span.kind === 'client' }))
      this.stmt.insertTraceRun.run(traceIdKey(traceId), blockId, first, encodeRunSpans(runSpans))
      first = end
    }
    spans.forEach(({ span, serviceId }, i) => this.openPostings.addSpan(blockId + i, span.startTimeUs, spanHashes(serviceId, span)))
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
          const spans = rows.map((row) => {
            let lines = blocks.get(row.block_id)
            if (!lines) {
              lines = inflateRawSync(selectBlock.get(row.block_id) as Buffer).toString('utf8').split('\n')
              blocks.set(row.block_id, lines)
            }
            return decodeSpan(lines[row.block_line]!)
          })
          this.writeBatch(spans, false)
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

  async getTrace(traceId: TraceId): Promise<Span[]> {
    const runs = this.stmt.selectTraceRuns.all(traceIdKey(traceId)) as TraceRunRow[]
    return runs.flatMap((run) => this.blocks.lines(run.block_id, run.first_line, decodeRunSpans(run.spans).length).map(decodeSpan))
  }

  async getServices(): Promise<string[]> {
    return this.stmt.selectServices.all() as string[]
  }

  async getOperations(query: OperationQuery): Promise<Operation[]> {
    const serviceId = this.stmt.selectServiceId.get(query.serviceName) as number | undefined
    if (serviceId === undefined) return []
    const rows = (
      query.spanKind === undefined
        ? this.stmt.selectOperations.all(serviceId)
        : this.stmt.selectOperationsOfKind.all(serviceId, query.spanKind)
    ) as { name: string; kind: string }[]
    return rows.map(({ name, kind }) => (kind === '' ? { name } : { name, spanKind: kind as SpanKind }))
  }

  async getRemoteServices(serviceName: string): Promise<string[]> {
    const serviceId = this.stmt.selectServiceId.get(serviceName) as number | undefined
    if (serviceId === undefined) return []
    return this.stmt.selectRemoteServices.all(serviceId) as string[]
  }

  async getTagValues(key: string): Promise<string[]> {
    return this.stmt.selectTagValues.all(key) as string[]
  }

  async findTraceIds(query: TraceQuery): Promise<TraceId[]> {
    const conditions = splitConditions(query)
    if (!query.conditionsAcrossSpans || conditions.length <= 1) return this.search.matchTraces(query, query.limit).traceIds()
    // Each condition on its own, then the traces that meet all of them.
    let matched: Map<string, number> | undefined
    for (const condition of conditions) {
      const found = this.search.matchTraces(condition, Number.MAX_SAFE_INTEGER).startByTraceId
      const next = new Map<string, number>()
      for (const [id, startUs] of found) {
        if (matched === undefined) next.set(id, startUs)
        else if (matched.has(id)) next.set(id, Math.max(startUs, matched.get(id)!))
      }
      matched = next
      if (matched.size === 0) break
    }
    const newest = new NewestTraces(query.limit)
    for (const [id, startUs] of matched ?? []) newest.add(id, startUs)
    return newest.traceIds()
  }

  async getDependencies(query: DependencyQuery): Promise<DependencyLink[]> {
    return this.dependencies.query(query)
  }

  async purgeOldest({ beforeUs, maxSpans }: { beforeUs?: number; maxSpans: number }): Promise<number> {
    try {
      return this.db.transaction(() => this.purgeBlocks(beforeUs ?? Number.MAX_SAFE_INTEGER, maxSpans))()
    } finally {
      this.blocks.forget()
    }
  }

  /** Deletes whole blocks, oldest first, until `maxSpans` spans are gone or none is left. */
  private purgeBlocks(beforeUs: number, maxSpans: number): number {
    let deleted = 0
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
      deleted += block.span_count
    }
    const firstSeqKept = (this.stmt.selectFirstBlockId.get() as number | undefined) ?? this.nextSeq
    for (const segment of this.stmt.selectExpiredSegments.all(firstSeqKept) as number[]) {
      this.stmt.deleteSegmentChunks.run(segment)
      this.stmt.deleteSegment.run(segment)
    }
    const oldestStartUs = (this.stmt.selectOldestStart.get() as number | undefined) ?? Number.MAX_SAFE_INTEGER
    this.dependencies.purge(traces.values(), oldestStartUs)
    return deleted
  }

  async sizes(): Promise<{ usedBytes: number; fileBytes: number }> {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number
    const pages = this.db.pragma('page_count', { simple: true }) as number
    const freePages = this.db.pragma('freelist_count', { simple: true }) as number
    const fileBytes = [this.path, `${this.path}-wal`].reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0)
    return { usedBytes: (pages - freePages) * pageSize, fileBytes }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}
