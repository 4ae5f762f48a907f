/**
 * Reads span blocks for queries: summaries and span lines, with the most recently used blocks
 * kept decoded, since a search or a trace tends to come back to the blocks it just read.
 * Blocks only ever grow, by merging the blocks after them (span-store-writer.ts), and their
 * first lines stay as they were: a block kept with fewer lines than asked for is read again.
 */
import type Database from 'better-sqlite3'
import { decompressBlock } from './block-compression.js'
import { type BlockSummary, decodeBlockSummary } from './block-summary.js'
import * as sql from './statements.js'

const SUMMARIES_KEPT = 1024

export class BlockReader {
  private readonly summaries = new RecentlyUsed<number, BlockSummary>(SUMMARIES_KEPT)
  private readonly datas = new BlockDataCache()
  private readonly selectBlockSummary: Database.Statement
  private readonly selectBlockData: Database.Statement
  private readonly selectBlockAt: Database.Statement

  constructor(db: Database.Database) {
    this.selectBlockSummary = db.prepare(sql.SELECT_BLOCK_SUMMARY).pluck()
    this.selectBlockData = db.prepare(sql.SELECT_BLOCK_DATA)
    this.selectBlockAt = db.prepare(sql.SELECT_BLOCK_AT).pluck()
  }

  /**
   * The summary of the block holding span `seq`, looked for in block `blockId` first (where
   * the caller last knew the span to be); undefined once retention deleted it.
   */
  summaryAt(seq: number, blockId: number): { blockId: number; line: number; summary: BlockSummary } | undefined {
    const summary = this.summary(blockId, seq - blockId)
    if (summary) return { blockId, line: seq - blockId, summary }
    const holding = this.mergedInto(seq, blockId)
    if (holding === undefined) return undefined
    const moved = this.summary(holding, seq - holding)
    return moved && { blockId: holding, line: seq - holding, summary: moved }
  }

  /** Lines of spans `seq`..`seq + count - 1`, as `summaryAt` finds them; none once deleted. */
  linesAt(seq: number, count: number, blockId: number): string[] {
    const lines = this.lines(blockId, seq - blockId, count)
    if (lines.length > 0) return lines
    const holding = this.mergedInto(seq, blockId)
    return holding === undefined ? [] : this.lines(holding, seq - holding, count)
  }

  /** The block that now holds span `seq`, when not block `blockId` (merged into an earlier one). */
  private mergedInto(seq: number, blockId: number): number | undefined {
    const holding = this.selectBlockAt.get(seq) as number | undefined
    return holding === blockId ? undefined : holding
  }

  /** A block's summary, if the block holds line `line`. */
  private summary(blockId: number, line: number): BlockSummary | undefined {
    let summary = this.summaries.get(blockId)
    if (!summary || summary.traceIds.length <= line) {
      const stored = this.selectBlockSummary.get(blockId) as Buffer | undefined
      if (!stored) return undefined
      summary = decodeBlockSummary(stored)
      this.summaries.set(blockId, summary)
    }
    return summary.traceIds.length > line ? summary : undefined
  }

  /**
   * Lines `first`.. of a block, found by their newlines: the others are never turned into
   * strings. None when the block does not hold them.
   */
  private lines(blockId: number, first: number, count: number): string[] {
    let kept = this.datas.get(blockId)
    if (!kept || kept.spanCount < first + count) {
      const stored = this.selectBlockData.get(blockId) as { span_count: number; data: Buffer; data_bytes: number | null } | undefined
      if (!stored) return []
      kept = this.datas.keep(blockId, stored.span_count, decompressBlock(stored.data, stored.data_bytes))
    }
    if (kept.spanCount < first + count) return []
    const { data } = kept
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

interface KeptBlock {
  data: Buffer
  spanCount: number
  slot?: number
}

const DATA_KEPT = 64
const SLOT_BYTES = 128 * 1024
const allSlots = () => Array.from({ length: DATA_KEPT + 1 }, (_, slot) => slot)

/**
 * The most recently used decompressed blocks, each copied into a slot of one buffer allocated
 * once. A block kept in a buffer of its own outlives V8's young generation, and once dropped it
 * is old garbage outside the heap, which V8 counts towards its next full collection: trace by
 * id then ran one every ~100 requests (p99 9.5 ms against 6 ms with no blocks kept, on 1M
 * spans). A block larger than a slot is kept in its own buffer.
 */
class BlockDataCache {
  /**
   * Allocated with the reader, not at its first read: made while the first queries ran, the
   * 8 MB outside the heap left V8, in 7 runs of 12 on 10M spans, promoting about 130 KB at
   * every young collection and so collecting the whole heap twice a second (trace by id p99
   * 8-11 ms against 5-7); allocated up front, in none of 12. Pages not yet written to are not
   * resident.
   */
  private readonly slab = Buffer.allocUnsafeSlow((DATA_KEPT + 1) * SLOT_BYTES)
  /** One slot more than blocks kept: a block is copied in before the oldest one is dropped. */
  private freeSlots = allSlots()
  private readonly kept = new RecentlyUsed<number, KeptBlock>(DATA_KEPT, (dropped) => {
    if (dropped.slot !== undefined) this.freeSlots.push(dropped.slot)
  })

  get(blockId: number): KeptBlock | undefined {
    return this.kept.get(blockId)
  }

  /** Keeps a block's data, in place of what was kept of it; returns the copy kept, to read from. */
  keep(blockId: number, spanCount: number, data: Buffer): KeptBlock {
    const previous = this.kept.get(blockId)
    if (previous?.slot !== undefined) this.freeSlots.push(previous.slot)
    const slot = data.length <= SLOT_BYTES ? this.freeSlots.pop() : undefined
    const kept: KeptBlock = slot === undefined ? { data, spanCount } : { data: this.slab.subarray(slot * SLOT_BYTES, slot * SLOT_BYTES + data.length), spanCount, slot }
    if (slot !== undefined) data.copy(kept.data)
    this.kept.set(blockId, kept)
    return kept
  }

  clear(): void {
    this.kept.clear()
    this.freeSlots = allSlots()
  }
}

/** A map that keeps its `capacity` most recently used entries. */
class RecentlyUsed<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(
    private readonly capacity: number,
    private readonly dropped: (value: V) => void = () => {},
  ) {}

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
    if (this.entries.size > this.capacity) {
      const [oldest, oldValue] = this.entries.entries().next().value as [K, V]
      this.entries.delete(oldest)
      this.dropped(oldValue)
    }
  }

  clear(): void {
    this.entries.clear()
  }
}
