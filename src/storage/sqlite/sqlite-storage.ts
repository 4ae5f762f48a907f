/**
 * The SQLite span store. Writes go to a writer thread with its own connection (see
 * span-store-writer.ts), so a query never waits for a commit; this side answers queries on a
 * connection of its own, with a copy of the open postings the writer keeps it up to date with.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Span, SpanKind, TraceId } from '../../model/span.js'
import { MIGRATIONS_DIR } from '../../project-files.js'
import type { DependencyLink, DependencyQuery, Operation, OperationQuery, Storage, TraceQuery, ZipkinDependencyLink } from '../storage.js'
import { BlockIndex } from './block-index.js'
import { BlockReader } from './block-reader.js'
import { DependencyLinks } from './dependency-links.js'
import { migrate, readMigrations } from './migrate.js'
import { NewestTraces } from './newest-traces.js'
import { OpenPostings } from './open-postings.js'
import { traceIdKey } from './row-keys.js'
import { type EncodedSpans, encodeSpanList } from '../../model/encoded-spans.js'
import { decodeSpan } from '../../model/span-codec.js'
import { splitConditions } from './split-conditions.js'
import * as sql from './statements.js'
import { TraceLinks } from './trace-links.js'
import { TraceSearch } from './trace-search.js'
import { runSpanCount } from './trace-run.js'
import { WriterThreadClient } from './writer-thread-client.js'

export interface SqliteStorageOptions {
  /** Database file; its folder is created when missing. */
  path: string
  /** Spans whose postings are held in memory before they are sealed into a segment. */
  segmentSpans?: number
  /** Most spans per compressed block. */
  blockMaxSpans?: number
  /** Tag keys whose values are remembered for autocompletion (Zipkin's AUTOCOMPLETE_KEYS). */
  autocompleteKeys?: readonly string[]
  /** Hears that the writer thread stopped: from then on every write fails. */
  onWriterStopped?: (error: Error) => void
  /** Hears, every few seconds while opening, how far spans stored in an older layout are converted. */
  onConverting?: (spansDone: number, spansTotal: number) => void
}

const DEFAULT_SEGMENT_SPANS = 32_768
const DEFAULT_BLOCK_MAX_SPANS = 128

/** How long open() waits for another process that holds the database locked. */
const OPEN_WAIT_MS = 30_000

interface TraceRunRow {
  block_id: number
  first_line: number
  spans: Buffer
}

export class SqliteStorage implements Storage {
  /**
   * Opens and migrates the database, waiting without blocking the event loop (so the admin
   * port keeps answering) while another connection holds it locked, and starts the writer.
   */
  static async open(options: SqliteStorageOptions): Promise<SqliteStorage> {
    const deadline = Date.now() + OPEN_WAIT_MS
    for (;;) {
      let storage: SqliteStorage | undefined
      try {
        storage = new SqliteStorage(options)
        await storage.writer
        return storage
      } catch (error) {
        if (storage?.db.open) storage.db.close()
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }

  /** The query side's connection. */
  readonly db: Database.Database
  private readonly path: string
  private readonly stmt
  private readonly dependencies: DependencyLinks
  private readonly zipkinDependencies: TraceLinks
  private readonly blocks: BlockReader
  private readonly blockIndex = new BlockIndex()
  private readonly openPostings = new OpenPostings()
  private readonly search: TraceSearch
  /** Settles once the writer thread is ready; its open postings are copied by then. */
  private readonly writer: Promise<WriterThreadClient>

  /** Migrates the database and starts the writer thread; `open()` also waits for it. */
  constructor(options: SqliteStorageOptions) {
    mkdirSync(dirname(options.path), { recursive: true })
    this.path = options.path
    // No busy wait while opening: it would block the event loop; open() retries instead.
    this.db = new Database(options.path, { timeout: 0 })
    try {
      this.db.pragma('journal_mode = WAL')
      migrate(this.db, readMigrations(MIGRATIONS_DIR))
    } catch (error) {
      this.db.close()
      throw error
    }
    this.db.pragma('busy_timeout = 5000')
    this.db.pragma('cache_size = -16384')
    const prepare = (text: string) => this.db.prepare(text)
    this.stmt = {
      selectServiceId: prepare(sql.SELECT_SERVICE_ID).pluck(),
      selectServices: prepare(sql.SELECT_SERVICES).pluck(),
      selectOperations: prepare(sql.SELECT_OPERATIONS),
      selectOperationsOfKind: prepare(sql.SELECT_OPERATIONS_OF_KIND),
      selectTraceRuns: prepare(sql.SELECT_TRACE_RUNS),
      selectRemoteServices: prepare(sql.SELECT_REMOTE_SERVICES).pluck(),
      selectTagValues: prepare(sql.SELECT_TAG_VALUES).pluck(),
    }
    this.dependencies = new DependencyLinks(this.db)
    this.zipkinDependencies = new TraceLinks(this.db)
    this.blocks = new BlockReader(this.db)
    this.search = new TraceSearch(this.db, this.blocks, this.blockIndex, this.openPostings)
    this.writer = WriterThreadClient.start({
      path: options.path,
      segmentSpans: options.segmentSpans ?? DEFAULT_SEGMENT_SPANS,
      blockMaxSpans: options.blockMaxSpans ?? DEFAULT_BLOCK_MAX_SPANS,
      autocompleteKeys: options.autocompleteKeys ?? [],
    }, { stopped: options.onWriterStopped, converting: options.onConverting }).then(({ client, openPostings }) => {
      this.openPostings.addDelta(openPostings)
      for (const row of this.db.prepare(sql.SELECT_BLOCK_INDEX).raw().iterate() as IterableIterator<[number, number, number]>) this.blockIndex.add(...row)
      return client
    })
    // Callers that never write learn of a failed start from close().
    this.writer.catch(() => {})
  }

  /** Encodes and writes spans, for callers without a pipeline (tools, tests). */
  writeSpans(spans: readonly Span[]): Promise<void> {
    return this.writeEncoded([encodeSpanList(spans)])
  }

  async writeEncoded(requests: readonly EncodedSpans[]): Promise<void> {
    const writer = await this.writer
    const { postings, sealed, blocks } = await writer.write(requests)
    this.blockIndex.addAll(blocks)
    if (sealed) this.openPostings.clear()
    else this.openPostings.addDelta(postings)
  }

  async getTrace(traceId: TraceId): Promise<Span[]> {
    const runs = this.stmt.selectTraceRuns.all(traceIdKey(traceId)) as TraceRunRow[]
    return runs.flatMap((run) => this.blocks.linesAt(run.block_id + run.first_line, runSpanCount(run.spans), run.block_id).map(decodeSpan))
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
    await this.writer
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

  async getZipkinDependencies(query: DependencyQuery): Promise<ZipkinDependencyLink[]> {
    return this.zipkinDependencies.query(query)
  }

  async purgeOldest({ beforeUs, maxSpans }: { beforeUs?: number; maxSpans: number }): Promise<number> {
    const writer = await this.writer
    const { spans, blockIds } = await writer.purge(beforeUs ?? Number.MAX_SAFE_INTEGER, maxSpans)
    // Most passes delete nothing: the index and the blocks read are then left as they are.
    if (blockIds.length > 0) {
      this.blockIndex.remove(new Set(blockIds))
      this.blocks.forget()
    }
    return spans
  }

  async sizes(): Promise<{ usedBytes: number; fileBytes: number }> {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number
    const pages = this.db.pragma('page_count', { simple: true }) as number
    const freePages = this.db.pragma('freelist_count', { simple: true }) as number
    const fileBytes = [this.path, `${this.path}-wal`].reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0)
    return { usedBytes: (pages - freePages) * pageSize, fileBytes }
  }

  /** Only the open postings' spare room: the page cache stays warm for the next queries. */
  releaseMemory(): void {
    this.openPostings.shrink()
  }

  async close(): Promise<void> {
    try {
      await (await this.writer).close()
    } finally {
      if (this.db.open) this.db.close()
    }
  }
}
