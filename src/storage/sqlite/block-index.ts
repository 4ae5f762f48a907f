/**
 * Every stored block's first sequence number, span count and newest start, in memory (about
 * 24 bytes a block of up to 128 spans): a search finds the block of a span without a query,
 * and knows the newest start among all blocks up to one, which tells it when older candidates
 * can no longer make the answer.
 */
export class BlockIndex {
  private ids: number[] = []
  private ends: number[] = []
  private maxStarts: number[] = []
  /** Newest start among blocks 0..i. */
  private newestUpTo: number[] = []

  /**
   * A block newer than every block held, or one that blocks held were merged into, which takes
   * their place. Merged blocks are among the newest, so the search for them starts at the end.
   * The newest starts up to the blocks after a merged one stay: they counted the same spans.
   */
  add(id: number, spanCount: number, maxStartUs: number): void {
    if (this.ids.length === 0 || this.ids.at(-1)! < id) {
      this.ids.push(id)
      this.ends.push(id + spanCount)
      this.maxStarts.push(maxStartUs)
      this.newestUpTo.push(Math.max(maxStartUs, this.newestUpTo.at(-1) ?? -Infinity))
      return
    }
    let first = this.ids.length
    while (first > 0 && this.ids[first - 1]! >= id) first--
    let end = first
    while (end < this.ids.length && this.ids[end]! < id + spanCount) end++
    const newestBefore = first > 0 ? this.newestUpTo[first - 1]! : -Infinity
    this.ids.splice(first, end - first, id)
    this.ends.splice(first, end - first, id + spanCount)
    this.maxStarts.splice(first, end - first, maxStartUs)
    this.newestUpTo.splice(first, end - first, Math.max(maxStartUs, newestBefore))
  }

  /** Adds blocks given flat as (id, span count, newest start) triples. */
  addAll(blocks: ArrayLike<number>): void {
    for (let i = 0; i < blocks.length; i += 3) this.add(blocks[i]!, blocks[i + 1]!, blocks[i + 2]!)
  }

  /** After retention deleted blocks: those left move up in place, in one pass. */
  remove(deleted: ReadonlySet<number>): void {
    let kept = 0
    let newest = -Infinity
    for (let i = 0; i < this.ids.length; i++) {
      if (deleted.has(this.ids[i]!)) continue
      this.ids[kept] = this.ids[i]!
      this.ends[kept] = this.ends[i]!
      this.maxStarts[kept] = this.maxStarts[i]!
      newest = Math.max(newest, this.maxStarts[i]!)
      this.newestUpTo[kept] = newest
      kept++
    }
    this.ids.length = kept
    this.ends.length = kept
    this.maxStarts.length = kept
    this.newestUpTo.length = kept
  }

  /** Position of the block holding span `seq`, or -1 when it is gone. */
  find(seq: number): number {
    let low = 0
    let high = this.ids.length - 1
    while (low <= high) {
      const middle = (low + high) >> 1
      if (this.ids[middle]! > seq) high = middle - 1
      else if (this.ends[middle]! <= seq) low = middle + 1
      else return middle
    }
    return -1
  }

  blockId(position: number): number {
    return this.ids[position]!
  }

  /** Newest start of any span in the blocks at `position` and before. */
  newestStartUpTo(position: number): number {
    return this.newestUpTo[position]!
  }
}
