/**
 * The postings of the spans not sealed into a segment yet, in memory: span sequence numbers
 * per index key. Nothing of it is written to disk: after a restart it is rebuilt from the span
 * blocks written since the last sealed segment.
 *
 * It is a handful of typed arrays rather than a map of arrays: a segment's worth of postings is
 * close to a million entries, which as JavaScript objects cost about ten times the memory and
 * gave the garbage collector that many more objects to trace on every full collection.
 */
import type { SortedPostings } from './posting-chunks.js'

const INITIAL_KEYS = 1 << 12
const INITIAL_ENTRIES = 1 << 14
const NO_ENTRY = -1

export class OpenPostings {
  /** Spans held, and the first one's sequence number. */
  spanCount = 0
  firstSeq = 0
  minStartUs = Infinity
  maxStartUs = -Infinity

  /** Open addressing by hash: the key index of each slot, or -1. Never more than half full. */
  private slots = new Int32Array(2 * INITIAL_KEYS).fill(-1)
  /** A slot is the top bits of the hash times a large odd constant. */
  private slotShift = 32 - Math.log2(2 * INITIAL_KEYS)
  /** Per key: its hash, its newest entry and its entry count. */
  private keyHashes = new Uint32Array(INITIAL_KEYS)
  private keyNewest = new Int32Array(INITIAL_KEYS)
  private keyEntries = new Uint32Array(INITIAL_KEYS)
  private keyCount = 0
  /** Per entry: its span (sequence number less `firstSeq`), its key and the same key's previous entry. */
  private entrySpans = new Uint32Array(INITIAL_ENTRIES)
  private entryKeys = new Uint32Array(INITIAL_ENTRIES)
  private entryPrevious = new Int32Array(INITIAL_ENTRIES)
  private entryCount = 0

  /** A span's postings; spans come in ascending sequence order. */
  addSpan(seq: number, startUs: number, hashes: ArrayLike<number>): void {
    if (this.spanCount === 0) this.firstSeq = seq
    this.spanCount++
    this.minStartUs = Math.min(this.minStartUs, startUs)
    this.maxStartUs = Math.max(this.maxStartUs, startUs)
    const span = seq - this.firstSeq
    for (let i = 0; i < hashes.length; i++) {
      const key = this.keyOf(hashes[i]!, true)
      const newest = this.keyNewest[key]!
      // Two terms of one span may share a hash.
      if (newest !== NO_ENTRY && this.entrySpans[newest] === span) continue
      if (this.entryCount === this.entrySpans.length) this.growEntries()
      this.entrySpans[this.entryCount] = span
      this.entryKeys[this.entryCount] = key
      this.entryPrevious[this.entryCount] = newest
      this.keyNewest[key] = this.entryCount++
      this.keyEntries[key]!++
    }
  }

  /** The sequence numbers of a key, ascending. */
  get(hash: number): readonly number[] | undefined {
    const key = this.keyOf(hash, false)
    return key === NO_ENTRY ? undefined : this.seqsOf(key)
  }

  /** Every key with its sequence numbers, by ascending key. */
  sorted(): SortedPostings {
    // Every entry is put in its key's place in one pass in entry order: following each key's
    // chain of previous entries instead costs a cache miss per entry, most of a segment's seal.
    const keys = this.keysByHash()
    const next = new Uint32Array(this.keyCount)
    const ends = new Uint32Array(this.keyCount)
    let end = 0
    keys.forEach((key, i) => {
      next[key] = end
      ends[i] = end += this.keyEntries[key]!
    })
    const { entryKeys, entrySpans, firstSeq } = this
    const seqs = new Float64Array(this.entryCount)
    for (let entry = 0; entry < seqs.length; entry++) seqs[next[entryKeys[entry]!]!++] = firstSeq + entrySpans[entry]!
    return { hashes: keys.map((key) => this.keyHashes[key]!), ends, seqs }
  }

  /**
   * Key indexes by ascending hash. Keys have distinct hashes, so the hashes alone are sorted
   * (natively, as a typed array: a comparator sort took several times longer) and looked up.
   */
  private keysByHash(): Uint32Array {
    return this.keyHashes
      .slice(0, this.keyCount)
      .sort()
      .map((hash) => this.keyOf(hash, false))
  }

  /** Adds the postings of a PostingsDelta. */
  addDelta(delta: Float64Array): void {
    for (let i = 0; i < delta.length; ) {
      const count = delta[i + 2]!
      this.addSpan(delta[i]!, delta[i + 1]!, delta.subarray(i + 3, i + 3 + count))
      i += 3 + count
    }
  }

  /** Forgets every posting; the arrays keep their size, since the next segment fills them again. */
  clear(): void {
    this.slots.fill(-1)
    this.keyCount = 0
    this.entryCount = 0
    this.spanCount = 0
    this.minStartUs = Infinity
    this.maxStartUs = -Infinity
  }

  private seqsOf(key: number): number[] {
    const seqs = new Array<number>(this.keyEntries[key]!)
    let entry = this.keyNewest[key]!
    for (let i = seqs.length - 1; i >= 0; i--) {
      seqs[i] = this.firstSeq + this.entrySpans[entry]!
      entry = this.entryPrevious[entry]!
    }
    return seqs
  }

  /** The key index of a hash; when absent, a new key if `add`, else -1. */
  private keyOf(hash: number, add: boolean): number {
    const mask = this.slots.length - 1
    for (let slot = Math.imul(hash, 0x9e3779b1) >>> this.slotShift; ; slot = (slot + 1) & mask) {
      const key = this.slots[slot]!
      if (key === NO_ENTRY) {
        if (!add) return NO_ENTRY
        if (this.keyCount === this.keyHashes.length) return this.growKeys(hash)
        this.slots[slot] = this.keyCount
        this.keyHashes[this.keyCount] = hash
        this.keyNewest[this.keyCount] = NO_ENTRY
        this.keyEntries[this.keyCount] = 0
        return this.keyCount++
      }
      if (this.keyHashes[key] === hash) return key
    }
  }

  /** Doubles the key arrays and the slots, then adds `hash`. */
  private growKeys(hash: number): number {
    const size = 2 * this.keyHashes.length
    this.keyHashes = grown(this.keyHashes, new Uint32Array(size))
    this.keyNewest = grown(this.keyNewest, new Int32Array(size))
    this.keyEntries = grown(this.keyEntries, new Uint32Array(size))
    this.slots = new Int32Array(2 * size).fill(-1)
    this.slotShift = 32 - Math.log2(this.slots.length)
    const mask = this.slots.length - 1
    for (let key = 0; key < this.keyCount; key++) {
      let slot = Math.imul(this.keyHashes[key]!, 0x9e3779b1) >>> this.slotShift
      while (this.slots[slot] !== NO_ENTRY) slot = (slot + 1) & mask
      this.slots[slot] = key
    }
    return this.keyOf(hash, true)
  }

  private growEntries(): void {
    const size = 2 * this.entrySpans.length
    this.entrySpans = grown(this.entrySpans, new Uint32Array(size))
    this.entryKeys = grown(this.entryKeys, new Uint32Array(size))
    this.entryPrevious = grown(this.entryPrevious, new Int32Array(size))
  }
}

function grown<T extends Uint32Array | Int32Array>(from: T, to: T): T {
  to.set(from)
  return to
}

/**
 * Postings of newly stored spans as one flat array (per span: sequence number, start, key
 * count, keys), which the writer thread hands to readers without copying.
 */
export class PostingsDelta {
  private values = new Float64Array(1024)
  private length = 0

  addSpan(seq: number, startUs: number, hashes: readonly number[]): void {
    const needed = this.length + 3 + hashes.length
    if (needed > this.values.length) {
      const values = new Float64Array(Math.max(needed, 2 * this.values.length))
      values.set(this.values.subarray(0, this.length))
      this.values = values
    }
    this.values[this.length] = seq
    this.values[this.length + 1] = startUs
    this.values[this.length + 2] = hashes.length
    this.values.set(hashes, this.length + 3)
    this.length = needed
  }

  finish(): Float64Array {
    return this.values.slice(0, this.length)
  }
}
