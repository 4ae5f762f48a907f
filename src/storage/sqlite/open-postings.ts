/**
 * The postings of the spans not sealed into a segment yet, in memory: span sequence numbers
 * per index key. Nothing of it is written to disk: after a restart it is rebuilt from the span
 * blocks written since the last sealed segment.
 */
export class OpenPostings {
  private readonly lists = new Map<number, number[]>()
  /** Spans held, and the first one's sequence number. */
  spanCount = 0
  firstSeq = 0
  minStartUs = Infinity
  maxStartUs = -Infinity

  /** A span's postings; spans come in ascending sequence order. */
  addSpan(seq: number, startUs: number, hashes: ArrayLike<number> & Iterable<number>): void {
    if (this.spanCount === 0) this.firstSeq = seq
    this.spanCount++
    this.minStartUs = Math.min(this.minStartUs, startUs)
    this.maxStartUs = Math.max(this.maxStartUs, startUs)
    for (const hash of hashes) {
      const seqs = this.lists.get(hash)
      if (!seqs) this.lists.set(hash, [seq])
      else if (seqs[seqs.length - 1] !== seq) seqs.push(seq) // two terms of one span may share a hash
    }
  }

  get(hash: number): readonly number[] | undefined {
    return this.lists.get(hash)
  }

  /** Every list, by ascending key. */
  sorted(): [hash: number, seqs: readonly number[]][] {
    return [...this.lists].sort((a, b) => a[0] - b[0])
  }

  /** Adds the postings of a PostingsDelta. */
  addDelta(delta: Float64Array): void {
    for (let i = 0; i < delta.length; ) {
      const count = delta[i + 2]!
      this.addSpan(delta[i]!, delta[i + 1]!, delta.subarray(i + 3, i + 3 + count))
      i += 3 + count
    }
  }

  clear(): void {
    this.lists.clear()
    this.spanCount = 0
    this.minStartUs = Infinity
    this.maxStartUs = -Infinity
  }
}

/**
 * Postings of newly stored spans as one flat array (per span: sequence number, start, key
 * count, keys), which the writer thread hands to readers without copying.
 */
export class PostingsDelta {
  private readonly values: number[] = []

  addSpan(seq: number, startUs: number, hashes: readonly number[]): void {
    this.values.push(seq, startUs, hashes.length, ...hashes)
  }

  finish(): Float64Array {
    return Float64Array.from(this.values)
  }
}
