import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import Database from 'better-sqlite3'
import type { Span, SpanKind, TraceId } from '../../model/span.js'
import { tagValueString } from '../../model/tag-string.js'
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, Storage, TraceQuery } from '../storage.js'
import { DependencyLinks, type StoredSpanService } from './dependency-links.js'
import { MIGRATIONS_DIR } from '../../project-files.js'
import { migrate, readMigrations } from './migrate.js'
import { decodeSpan, encodeSpan } from './span-codec.js'
import * as sql from './statements.js'
import { decodeIdList, encodeIdList, intersectIdLists } from './id-list.js'
import { OpenPostings } from './open-postings.js'
import { spanIdKey, traceIdKey } from './row-keys.js'
import { NewestTraces } from './newest-traces.js'
import { keyPostingHash, postingHashes, remoteServicePostingHash, tagPostingHash } from './posting-hashes.js'
import { splitConditions } from './split-conditions.js'
import { hashString } from './string-hash.js'

export interface SqliteStorageOptions {
  /** Database file; its folder is created when missing. */
  path: string
  /** Postings collected in the open tail before they are sealed into an indexed segment. */
  segmentPostings?: number
  /** Most spans per compressed block. */
  blockMaxSpans?: number
  /** Tag keys whose values are remembered for autocompletion (Zipkin's AUTOCOMPLETE_KEYS). */
  autocompleteKeys?: readonly string[]
}

const DEFAULT_SEGMENT_POSTINGS = 200_000
const DEFAULT_BLOCK_MAX_SPANS = 256
const KNOWN_NAMES_MAX = 100_000

interface SegmentRow {
  id: number
  min_start_us: number
  max_start_us: number
}

interface MatchRow {
  trace_id: Buffer
  start_us: number
}

/** How long open() waits for another process that holds the database locked. */
const OPEN_WAIT_MS = 30_000

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
  private readonly segmentPostings: number
  private readonly blockMaxSpans: number
  private readonly serviceIds = new Map<string, number>()
  private readonly operationIds = new Map<string, number>()
  private readonly searchStatements = new Map<string, Database.Statement>()
  private readonly autocompleteKeys: ReadonlySet<string>
  /** `serviceId\0name` pairs and `key\0value` pairs already stored, so repeats cost no statement. */
  private readonly knownRemoteServices = new Set<string>()
  private readonly knownTagValues = new Set<string>()
  private readonly stmt
  private readonly dependencies: DependencyLinks
  private nextBlockId: number
  private readonly openPostings = new OpenPostings()

  constructor(options: SqliteStorageOptions) {
    mkdirSync(dirname(options.path), { recursive: true })
    this.path = options.path
    this.segmentPostings = options.segmentPostings ?? DEFAULT_SEGMENT_POSTINGS
    this.blockMaxSpans = options.blockMaxSpans ?? DEFAULT_BLOCK_MAX_SPANS
    this.autocompleteKeys = new Set(options.autocompleteKeys ?? [])
    // No busy wait while opening: it would block the event loop; open() retries instead.
    this.db = new Database(options.path, { timeout: 0 })
    this.db.pragma('journal_mode = WAL')
    // FULL: a commit is on disk before the writer resolves, so an acknowledged span survives a crash.
    this.db.pragma('synchronous = FULL')
    this.db.pragma('cache_size = -65536')
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
      selectServiceIds: prepare(sql.SELECT_SERVICE_IDS).pluck(),
      insertOperation: prepare(sql.INSERT_OPERATION),
      selectOperationId: prepare(sql.SELECT_OPERATION_ID).pluck(),
      selectOperations: prepare(sql.SELECT_OPERATIONS),
      selectOperationsOfKind: prepare(sql.SELECT_OPERATIONS_OF_KIND),
      insertSpan: prepare(sql.INSERT_SPAN),
      insertBlock: prepare(sql.INSERT_BLOCK),
      selectTraceSpans: prepare(sql.SELECT_TRACE_SPANS),
      selectBlock: prepare(sql.SELECT_BLOCK).pluck(),
      insertOpenPosting: prepare(sql.INSERT_OPEN_POSTING),
      insertOpenPostings: prepare(sql.INSERT_OPEN_POSTINGS),
      insertSegment: prepare(sql.INSERT_SEGMENT),
      insertPostingList: prepare(sql.INSERT_POSTING_LIST),
      selectPostingList: prepare(sql.SELECT_POSTING_LIST).pluck(),
      clearOpenPostings: prepare(sql.CLEAR_OPEN_POSTINGS),
      selectSegments: prepare(sql.SELECT_SEGMENTS),
      selectOldestSpans: prepare(sql.SELECT_OLDEST_SPANS),
      deleteSpan: prepare(sql.DELETE_SPAN),
      deleteExpiredBlocks: prepare(sql.DELETE_EXPIRED_BLOCKS),
      selectOldestStart: prepare(sql.SELECT_OLDEST_START).pluck(),
      selectExpiredSegments: prepare(sql.SELECT_EXPIRED_SEGMENTS).pluck(),
      deleteSegmentPostings: prepare(sql.DELETE_SEGMENT_POSTINGS),
      deleteSegment: prepare(sql.DELETE_SEGMENT),
      insertRemoteService: prepare(sql.INSERT_REMOTE_SERVICE),
      selectRemoteServices: prepare(sql.SELECT_REMOTE_SERVICES).pluck(),
      insertTagValue: prepare(sql.INSERT_TAG_VALUE),
      selectTagValues: prepare(sql.SELECT_TAG_VALUES).pluck(),
    }
    this.dependencies = new DependencyLinks(this.db)
    this.nextBlockId = (prepare(sql.SELECT_MAX_BLOCK_ID).get() as { id: number }).id + 1
    this.openPostings.add((prepare(sql.SELECT_OPEN_POSTINGS).raw().all() as number[][]).flat())
  }

  async writeSpans(spans: readonly Span[]): Promise<void> {
    try {
      this.writeTransaction(spans)
    } catch (error) {
      // A rolled-back batch may have added names to the caches that were never committed.
      this.knownRemoteServices.clear()
      this.knownTagValues.clear()
      throw error
    }
  }

  private readonly writeTransaction = (spans: readonly Span[]): void => {
    const postings: number[] = []
    const sealed = this.db.transaction(() => {
      let block = new PendingBlock()
      const stored: StoredSpanService[] = []
      for (const span of spans) {
        const line = encodeSpan(span)
        const serviceId = this.serviceId(span.process.serviceName)
        const inserted = this.stmt.insertSpan.run(
          traceIdKey(span.traceId),
          spanIdKey(span.spanId),
          span.kind === 'client' ? 1 : 0,
          hashString(line),
          this.nextBlockId,
          block.lines.length,
          serviceId,
          this.operationId(serviceId, span.operationName, span.kind ?? ''),
          span.startTimeUs,
          span.durationUs,
        )
        if (inserted.changes === 0) continue // the same span was stored before: a retry
        block.add(line, span.startTimeUs)
        stored.push({ span, serviceId })
        this.rememberNames(serviceId, span)
        for (const tagHash of postingHashes(span)) postings.push(serviceId, tagHash, Number(inserted.lastInsertRowid))
        if (block.lines.length === this.blockMaxSpans) block = this.flushBlock(block)
      }
      if (block.lines.length > 0) this.flushBlock(block)
      this.insertOpenPostings(postings)
      this.dependencies.record(stored)
      if (this.openPostings.size + postings.length / 3 < this.segmentPostings) return false
      this.sealOpenPostings(postings)
      return true
    })()
    // The in-memory tail changes only once the transaction has committed.
    if (sealed) this.openPostings.clear()
    else this.openPostings.add(postings)
  }

  /** `postings` is flat (service, hash, span) triples; most go in many-row statements. */
  private insertOpenPostings(postings: number[]): void {
    const chunk = sql.OPEN_POSTINGS_PER_STATEMENT * 3
    let i = 0
    for (; i + chunk <= postings.length; i += chunk) this.stmt.insertOpenPostings.run(postings.slice(i, i + chunk))
    for (; i < postings.length; i += 3) this.stmt.insertOpenPosting.run(postings[i], postings[i + 1], postings[i + 2])
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

  /** Writes the block and returns an empty one for the next spans. */
  private flushBlock(block: PendingBlock): PendingBlock {
    this.stmt.insertBlock.run(this.nextBlockId, deflateRawSync(block.lines.join('\n')), block.maxStartUs)
    this.nextBlockId++
    return new PendingBlock()
  }

  /**
   * Moves the open tail's postings, and the batch's, into a new segment: one delta-encoded
   * id list per service and tag.
   */
  private sealOpenPostings(batch: readonly number[]): void {
    const segmentId = this.stmt.insertSegment.run().lastInsertRowid
    for (const [serviceId, tagHash, spanIds] of this.openPostings.lists(batch)) {
      this.stmt.insertPostingList.run(segmentId, serviceId, tagHash, encodeIdList(spanIds))
    }
    this.stmt.clearOpenPostings.run()
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

  async getTrace(traceId: TraceId): Promise<Span[]> {
    const rows = this.stmt.selectTraceSpans.all(traceIdKey(traceId)) as { block_id: number; block_line: number }[]
    const blocks = new Map<number, Buffer>()
    return rows.map(({ block_id, block_line }) => {
      let block = blocks.get(block_id)
      if (!block) {
        block = inflateRawSync(this.stmt.selectBlock.get(block_id) as Buffer)
        blocks.set(block_id, block)
      }
      return decodeSpan(lineOf(block, block_line))
    })
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
    if (!query.conditionsAcrossSpans || conditions.length <= 1) return this.matchTraces(query, query.limit).traceIds()
    // Each condition on its own, then the traces that meet all of them.
    let matched: Map<string, number> | undefined
    for (const condition of conditions) {
      const found = this.matchTraces(condition, Number.MAX_SAFE_INTEGER).startByTraceId
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

  /** The traces with a span meeting every condition of `query`, newest `limit` kept. */
  private matchTraces(query: TraceQuery, limit: number): NewestTraces {
    const newest = new NewestTraces(limit)
    let serviceIds: number[]
    if (query.serviceName === undefined) {
      serviceIds = this.stmt.selectServiceIds.all() as number[]
    } else {
      const id = this.stmt.selectServiceId.get(query.serviceName) as number | undefined
      if (id === undefined) return newest
      serviceIds = [id]
    }
    const params: Record<string, number | string> = {
      startMin: query.startTimeMinUs ?? 0,
      startMax: query.startTimeMaxUs ?? Number.MAX_SAFE_INTEGER,
      durationMin: query.durationMinUs ?? 0,
      durationMax: query.durationMaxUs ?? Number.MAX_SAFE_INTEGER,
    }
    if (query.operationName !== undefined) params.operation = query.operationName
    const shape = { withService: query.serviceName !== undefined, withOperation: query.operationName !== undefined }

    const hashes = [
      ...query.tags.map((tag) => tagPostingHash(tag.key, tag.value)),
      ...(query.tagKeysOrAnnotations ?? []).map(keyPostingHash),
    ]
    if (query.remoteServiceName !== undefined) hashes.push(remoteServicePostingHash(query.remoteServiceName))

    if (hashes.length === 0) {
      if (query.serviceName !== undefined) params.serviceId = serviceIds[0]!
      for (const row of this.search(sql.searchSpansSql(shape)).iterate(params) as IterableIterator<MatchRow>) {
        newest.add(row.trace_id.toString('hex'), row.start_us)
        if (newest.full) break
      }
      return newest
    }

    const byId = this.search(sql.searchSpansByIdSql(shape))
    const addSpans = (ids: number[]) => {
      if (ids.length === 0) return
      for (const row of byId.all({ ...params, ids: JSON.stringify(ids) }) as MatchRow[]) newest.add(row.trace_id.toString('hex'), row.start_us)
    }
    for (const serviceId of serviceIds) {
      const lists = hashes.map((hash) => this.openPostings.get(serviceId, hash))
      if (lists.every((list) => list !== undefined)) addSpans(intersectIdLists(lists as number[][]))
    }
    for (const segment of this.stmt.selectSegments.all() as SegmentRow[]) {
      if (segment.max_start_us < (params.startMin as number) || segment.min_start_us > (params.startMax as number)) continue
      // Segments are in arrival order, which is nearly time order: once one ends before the
      // oldest trace already kept, it cannot add a newer one.
      if (newest.full && segment.max_start_us < newest.oldestStartUs) break
      for (const serviceId of serviceIds) {
        const lists = hashes.map((hash) => this.stmt.selectPostingList.get(segment.id, serviceId, hash) as Buffer | undefined)
        if (lists.every((list) => list !== undefined)) addSpans(intersectIdLists(lists.map((list) => decodeIdList(list!))))
      }
    }
    return newest
  }

  async getDependencies(query: DependencyQuery): Promise<DependencyLink[]> {
    return this.dependencies.query(query)
  }

  private search(text: string): Database.Statement {
    let statement = this.searchStatements.get(text)
    if (!statement) {
      statement = this.db.prepare(text)
      this.searchStatements.set(text, statement)
    }
    return statement
  }

  async purgeOldest({ beforeUs, maxSpans }: { beforeUs?: number; maxSpans: number }): Promise<number> {
    return this.purgeTransaction(beforeUs ?? Number.MAX_SAFE_INTEGER, maxSpans)
  }

  private readonly purgeTransaction = (beforeUs: number, maxSpans: number): number =>
    this.db.transaction(() => {
      const rows = this.stmt.selectOldestSpans.all(beforeUs, maxSpans) as { id: number; trace_id: Buffer }[]
      const traces = new Map<string, Buffer>()
      for (const row of rows) {
        this.stmt.deleteSpan.run(row.id)
        traces.set(row.trace_id.toString('hex'), row.trace_id)
      }
      // Spans go oldest first, so a block older than every span kept has none left.
      const oldestStart = (this.stmt.selectOldestStart.get() as number | null) ?? Number.MAX_SAFE_INTEGER
      this.stmt.deleteExpiredBlocks.run(oldestStart)
      for (const segment of this.stmt.selectExpiredSegments.all(oldestStart) as number[]) {
        this.stmt.deleteSegmentPostings.run(segment)
        this.stmt.deleteSegment.run(segment)
      }
      this.dependencies.purge(traces.values(), oldestStart)
      return rows.length
    })()

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

/** The encoded spans of the block being written, one line each. */
class PendingBlock {
  readonly lines: string[] = []
  maxStartUs = 0

  add(line: string, startUs: number): void {
    this.lines.push(line)
    this.maxStartUs = Math.max(this.maxStartUs, startUs)
  }
}

/** Line `index` of a block, found by its newlines: the other lines are never turned into strings. */
function lineOf(block: Buffer, index: number): string {
  let start = 0
  for (let i = 0; i < index; i++) start = block.indexOf(10, start) + 1
  const end = block.indexOf(10, start)
  return block.toString('utf8', start, end === -1 ? block.length : end)
}
