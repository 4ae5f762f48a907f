/**
 * Blocks written with fewer spans than a block holds, merged into one once they would fill
 * one: a block of a few spans compresses worse, and two of them rarely share a page. The spans
 * keep their sequence numbers (the merged block takes the first one's id), so postings and
 * trace runs stay as they are.
 *
 * Compressing a merged block at full quality costs about 10 us a span, a fifth of the writer's
 * time on 5-span requests, and those wait for the writer: a request is acknowledged once its
 * write commits. So the compression runs on libuv's thread pool while the writer commits the
 * next batches, and a later write stores the merged block.
 */
import { compressBlock, compressBlockInBackground } from './block-compression.js'
import type { SummaryLine } from './block-summary.js'

/**
 * A compression is handed back only as the writer's thread turns its event loop, which it does
 * once no write is waiting at its port: a port hands over the messages that reach it while it
 * delivers them. Under writes of thousands of spans, 14-50 merges were under way at a time,
 * each holding its encoder's memory, and the process's peak rose from 226 MB to 349. Under
 * steady 5-span requests a third to a half of the merges find two under way and are
 * compressed here.
 */
const MERGES_UNDER_WAY_MAX = 2

/** What a merge needs of a small block without reading it back. */
export interface SmallBlock {
  id: number
  text: Buffer
  summaryLines: SummaryLine[]
}

/** Blocks `firstId`..`lastId` merged into one: the first takes their lines, the others go. */
export interface MergedBlock {
  firstId: number
  lastId: number
  summaryLines: SummaryLine[]
  /** The lines, as stored in `data` compressed. */
  text: Buffer
  data: Buffer
}

/** A merge whose compression was started; `data` once it is done. */
type Merge = Omit<MergedBlock, 'data'> & { data?: Buffer }

export class BlockMerges {
  private held: SmallBlock[] = []
  private heldSpans = 0
  /** Oldest first. */
  private started: Merge[] = []

  constructor(private readonly blockMaxSpans: number) {}

  /** Whether a small block of `spans` spans can join the ones held in one block. */
  fits(spans: number): boolean {
    return this.heldSpans + spans <= this.blockMaxSpans
  }

  hold(block: SmallBlock): void {
    this.held.push(block)
    this.heldSpans += block.summaryLines.length
  }

  /**
   * Starts compressing the blocks held as one: in the background, unless `inBackground` is
   * false or MERGES_UNDER_WAY_MAX merges are under way already.
   */
  mergeHeld(inBackground: boolean): void {
    const merge = this.takeHeld()
    if (!merge) return
    this.started.push(merge)
    if (!inBackground || this.started.filter((other) => other.data === undefined).length > MERGES_UNDER_WAY_MAX) {
      merge.data = compressBlock(merge.text)
      return
    }
    compressBlockInBackground(merge.text, (error, data) => {
      // The blocks stay as they are.
      if (error) this.started = this.started.filter((other) => other !== merge)
      else merge.data = data
    })
  }

  /** The merges compressed by now, taken: the caller stores them. */
  takeCompressed(): MergedBlock[] {
    const compressed = this.started.filter((merge): merge is MergedBlock => merge.data !== undefined)
    if (compressed.length > 0) this.started = this.started.filter((merge) => merge.data === undefined)
    return compressed
  }

  /** Every merge started and the blocks held merged too, compressed here where not done yet: before closing. */
  takeAll(): MergedBlock[] {
    const held = this.takeHeld()
    const merges = held ? [...this.started, held] : this.started
    this.started = []
    return merges.map((merge) => ({ ...merge, data: merge.data ?? compressBlock(merge.text) }))
  }

  /** After a rollback or a purge, which may have taken some of the blocks: those left stay as they are. */
  forget(): void {
    this.held = []
    this.heldSpans = 0
    this.started = []
  }

  private takeHeld(): Merge | undefined {
    const blocks = this.held
    this.held = []
    this.heldSpans = 0
    // A single one is merged with none, but compressed as a full block all the same.
    if (blocks.length === 0) return undefined
    return {
      firstId: blocks[0]!.id,
      lastId: blocks.at(-1)!.id,
      summaryLines: blocks.flatMap((block) => block.summaryLines),
      text: joinLines(blocks.map((block) => block.text)),
    }
  }
}

/** Lines, each followed by a newline but the last. */
export function joinLines(lines: readonly Uint8Array[]): Buffer {
  let bytes = lines.length - 1
  for (const line of lines) bytes += line.length
  const text = Buffer.allocUnsafe(bytes)
  let offset = 0
  for (const line of lines) {
    if (offset > 0) text[offset++] = 0x0a
    text.set(line, offset)
    offset += line.length
  }
  return text
}
