/**
 * Reads span blocks for queries: summaries by span sequence number and span lines, with the
 * most recently used blocks kept decoded, since a search or a trace tends to come back to the
 * blocks it just read.
 */
import type Database from 'better-sqlite3'
import { decompressBlock } from './block-compression.js'
import { type BlockSummary, decodeBlockSummary } from './block-summary.js'
import * as sql from './statements.js'

const SUMMARIES_KEPT = 1024
const DATA_KEPT = 16

export interface SummaryOfSeq {
  blockId: number
  line: number
  summary: BlockSummary
}

interface BlockRow {
  id: number
  span_count: number
  summary: Buffer
}

export class BlockReader {
  private readonly summaries = new RecentlyUsed<number, { spanCount: number; summary: BlockSummary }>(SUMMARIES_KEPT)
  private readonly datas = new RecentlyUsed<number, Buffer>(DATA_KEPT)
  private readonly selectBlockOfSeq: Database.Statement
  private readonly selectBlockData: Database.Statement
  /** The block of the last lookup: searches ask for neighbouring sequence numbers in a row. */
  private last: { blockId: number; spanCount: number; summary: BlockSummary } | undefined

  constructor(db: Database.Database) {
    this.selectBlockOfSeq = db.prepare(sql.SELECT_BLOCK_OF_SEQ)
    this.selectBlockData = db.prepare(sql.SELECT_BLOCK_DATA).pluck()
  }

  /** The summary of the block holding span `seq`; undefined once retention deleted it. */
  summaryOfSeq(seq: number): SummaryOfSeq | undefined {
    const last = this.last
    if (last && seq >= last.blockId && seq < last.blockId + last.spanCount) return { blockId: last.blockId, line: seq - last.blockId, summary: last.summary }
    const row = this.selectBlockOfSeq.get(seq) as BlockRow | undefined
    if (!row || seq >= row.id + row.span_count) return undefined
    let cached = this.summaries.get(row.id)
    if (!cached) {
      cached = { spanCount: row.span_count, summary: decodeBlockSummary(row.summary) }
      this.summaries.set(row.id, cached)
    }
    this.last = { blockId: row.id, ...cached }
    return { blockId: row.id, line: seq - row.id, summary: cached.summary }
  }

  line(blockId: number, index: number): string | undefined {
    return this.lines(blockId, index, 1)[0]
  }

  /**
   * Lines `first`.. of a block, found by their newlines: the others are never turned into
   * strings. None when retention deleted the block meanwhile.
   */
  lines(blockId: number, first: number, count: number): string[] {
    let data = this.datas.get(blockId)
    if (!data) {
      const stored = this.selectBlockData.get(blockId) as Buffer | undefined
      if (!stored) return []
      data = decompressBlock(stored)
      this.datas.set(blockId, data)
    }
    let start = 0
    for (let i = 0; i < first; i++) start = data.indexOf(10, start) + 1
    const lines: string[] = []
    for (let i = 0; i < count; i++) {
      const end = data.indexOf(10, start)
      lines.push(data.toString('utf8', start, end === -1 ? data.length : end))
      start = end + 1
    }
    return lines
  }

  /** After blocks were deleted, or written by a transaction that was rolled back. */
  forget(): void {
    this.summaries.clear()
    this.datas.clear()
    this.last = undefined
  }
}

/** A map that keeps its `capacity` most recently used entries. */
class RecentlyUsed<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key)
    if (value !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, value)
    }
    return value
  }

  set(key: K, value: V): void {
    this.entries.set(key, value)
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K)
  }

  clear(): void {
    this.entries.clear()
  }
}
