/**
 * Reads span blocks for queries: summaries and span lines, with the most recently used blocks
 * kept decoded, since a search or a trace tends to come back to the blocks it just read.
 */
import type Database from 'better-sqlite3'
import { decompressBlock } from './block-compression.js'
import { type BlockSummary, decodeBlockSummary } from './block-summary.js'
import * as sql from './statements.js'

const SUMMARIES_KEPT = 1024
const DATA_KEPT = 64

export class BlockReader {
  private readonly summaries = new RecentlyUsed<number, BlockSummary>(SUMMARIES_KEPT)
  private readonly datas = new RecentlyUsed<number, Buffer>(DATA_KEPT)
  private readonly selectBlockSummary: Database.Statement
  private readonly selectBlockData: Database.Statement

  constructor(db: Database.Database) {
    this.selectBlockSummary = db.prepare(sql.SELECT_BLOCK_SUMMARY).pluck()
    this.selectBlockData = db.prepare(sql.SELECT_BLOCK_DATA)
  }

  /** A block's summary; undefined once retention deleted it. */
  summary(blockId: number): BlockSummary | undefined {
    let summary = this.summaries.get(blockId)
    if (!summary) {
      const stored = this.selectBlockSummary.get(blockId) as Buffer | undefined
      if (!stored) return undefined
      summary = decodeBlockSummary(stored)
      this.summaries.set(blockId, summary)
    }
    return summary
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
      const stored = this.selectBlockData.get(blockId) as { data: Buffer; data_bytes: number | null } | undefined
      if (!stored) return []
      data = decompressBlock(stored.data, stored.data_bytes)
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
