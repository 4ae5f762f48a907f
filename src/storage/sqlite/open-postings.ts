/**
 * The postings of the spans not sealed into a segment yet, in memory: span sequence numbers
 * per index key. Nothing of it is written to disk: after a restart it is rebuilt from the span
 * blocks written since the last sealed segment.
 *
 * Each posting is one 64-bit entry, the key's hash in the high half and the span (its sequence
 * number less `firstSeq`) in the low half, so that entries sorted as numbers are sorted by key
 * and then by span. A segment's worth is close to a million entries: 8 bytes each here, where
 * a hash table of keys with chained entries took 40. Entries are appended as they come and
 * kept in sorted runs: once new entries are many or are to be read, they are sorted into a
 * run of their own, and a run is merged with the one before it while it is at least as long
 * (up to a size), so there are few runs, and a key is looked up by a binary search in each.
 * Sealing needs none of that: it sorts every entry at once.
 */
import { endianness } from 'node:os'
import type { SortedPostings } from './posting-chunks.js'

// The entries are written and read as pairs of 32-bit words, low half first.
if (endianness() !== 'LE') throw new Error('spanlite needs a little-endian host: its open postings read 64-bit entries as 32-bit halves')

const INITIAL_ENTRIES = 1 << 14
/**
 * New entries are sorted into a run once there are this many, or when read: sorting every
 * write's few hundred entries on arrival made for twice the levels of merging, and a read
 * sorts this many in well under a millisecond.
 */
const UNSORTED_MAX = 1 << 14
/**
 * Runs stop merging at this many entries: merging two halves of a full segment held the
 * thread for tens of milliseconds, and the queries behind it waited as long; a handful of
 * runs more costs a lookup a handful of binary searches.
 */
const MERGED_RUN_MAX = 1 << 17

export class OpenPostings {
  /** Spans held, and the first one's sequence number. */
  spanCount = 0
  firstSeq = 0
  minStartUs = Infinity
  maxStartUs = -Infinity

  private entries = new BigUint64Array(INITIAL_ENTRIES)
  /** The entries as 32-bit words: the span at `2 * i`, the hash at `2 * i + 1` (little-endian halves). */
  private words = new Uint32Array(this.entries.buffer)
  private entryCount = 0
  /** Where each sorted run ends; the entries after the last end are in the order added. */
  private runEnds: number[] = []
  /** Holds the later run while two are merged. */
  private scratch = new Uint32Array(0)

  /** A span's postings; spans come in ascending sequence order. */
  addSpan(seq: number, startUs: number, hashes: ArrayLike<number>): void {
    if (this.spanCount === 0) this.firstSeq = seq
    this.spanCount++
    this.minStartUs = Math.min(this.minStartUs, startUs)
    this.maxStartUs = Math.max(this.maxStartUs, startUs)
    const span = seq - this.firstSeq
    if (this.entryCount + hashes.length > this.entries.length) this.grow(this.entryCount + hashes.length)
    const words = this.words
    for (let i = 0, word = 2 * this.entryCount; i < hashes.length; i++, word += 2) {
      words[word] = span
      words[word + 1] = hashes[i]!
    }
    this.entryCount += hashes.length
  }

  /** Adds the postings of a PostingsDelta. */
  addDelta(delta: Float64Array): void {
    for (let i = 0; i < delta.length; ) {
      const count = delta[i + 2]!
      this.addSpan(delta[i]!, delta[i + 1]!, delta.subarray(i + 3, i + 3 + count))
      i += 3 + count
    }
    if (this.entryCount - (this.runEnds.at(-1) ?? 0) >= UNSORTED_MAX) this.sortNewEntries()
  }

  /** The sequence numbers of a key, ascending. */
  get(hash: number): readonly number[] | undefined {
    this.sortNewEntries()
    const seqs: number[] = []
    const words = this.words
    // Runs hold ascending spans one after the other, and a span's entries are all in one run.
    for (let r = 0, start = 0; r < this.runEnds.length; start = this.runEnds[r++]!) {
      const end = this.runEnds[r]!
      let previous = -1
      for (let i = this.firstOf(hash, start, end); i < end && words[2 * i + 1] === hash; i++) {
        // Two terms of one span may share a hash.
        if (words[2 * i] !== previous) seqs.push(this.firstSeq + (previous = words[2 * i]!))
      }
    }
    return seqs.length > 0 ? seqs : undefined
  }

  /** Every key with its sequence numbers, by ascending key. */
  sorted(): SortedPostings {
    this.entries.subarray(0, this.entryCount).sort()
    this.runEnds = this.entryCount > 0 ? [this.entryCount] : []
    const words = this.words
    // Entries are compared by their words: reading one as a BigInt allocates.
    const newKey = (i: number) => i === 0 || words[2 * i + 1] !== words[2 * i - 1]
    const repeated = (i: number) => !newKey(i) && words[2 * i] === words[2 * i - 2]
    let keyCount = 0
    let seqCount = 0
    for (let i = 0; i < this.entryCount; i++) {
      if (newKey(i)) keyCount++
      if (!repeated(i)) seqCount++
    }
    const hashes = new Uint32Array(keyCount)
    const ends = new Uint32Array(keyCount)
    const seqs = new Float64Array(seqCount)
    for (let i = 0, key = -1, seq = 0; i < this.entryCount; i++) {
      if (repeated(i)) continue
      if (newKey(i)) hashes[++key] = words[2 * i + 1]!
      seqs[seq++] = this.firstSeq + words[2 * i]!
      ends[key] = seq
    }
    return { hashes, ends, seqs }
  }

  /**
   * Gives back the room beyond the postings held, for an idle store: otherwise the arrays keep
   * the size of a full segment, since the next one fills them again.
   */
  shrink(): void {
    let size = INITIAL_ENTRIES
    while (size < this.entryCount) size *= 2
    if (size < this.entries.length) this.resize(size)
    this.scratch = new Uint32Array(0)
  }

  /** Forgets every posting; the arrays keep their size, since the next segment fills them again. */
  clear(): void {
    this.entryCount = 0
    this.runEnds = []
    this.spanCount = 0
    this.minStartUs = Infinity
    this.maxStartUs = -Infinity
  }

  /** Sorts the entries added since the last sort into a run, then merges runs as the class comment says. */
  private sortNewEntries(): void {
    const sortedEnd = this.runEnds.at(-1) ?? 0
    if (sortedEnd === this.entryCount) return
    this.entries.subarray(sortedEnd, this.entryCount).sort()
    this.runEnds.push(this.entryCount)
    const ends = this.runEnds
    while (ends.length >= 2) {
      const [start, middle, end] = [ends.at(-3) ?? 0, ends.at(-2)!, ends.at(-1)!]
      if (end - middle < middle - start || end - start > MERGED_RUN_MAX) break
      this.merge(start, middle, end)
      ends.splice(-2, 1)
    }
  }

  /** Merges the sorted runs [start, middle) and [middle, end) in place, from the back. */
  private merge(start: number, middle: number, end: number): void {
    const words = this.words
    const laterWords = 2 * (end - middle)
    if (this.scratch.length < laterWords) this.scratch = new Uint32Array(laterWords)
    const later = this.scratch
    later.set(words.subarray(2 * middle, 2 * end))
    let i = 2 * middle - 2
    let j = laterWords - 2
    let out = 2 * end - 2
    while (j >= 0) {
      if (i >= 2 * start && (words[i + 1]! > later[j + 1]! || (words[i + 1] === later[j + 1] && words[i]! > later[j]!))) {
        words[out] = words[i]!
        words[out + 1] = words[i + 1]!
        i -= 2
      } else {
        words[out] = later[j]!
        words[out + 1] = later[j + 1]!
        j -= 2
      }
      out -= 2
    }
  }

  /** The first entry in [start, end) of a sorted run whose hash is `hash` or greater. */
  private firstOf(hash: number, start: number, end: number): number {
    let low = start
    let high = end
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.words[2 * middle + 1]! < hash) low = middle + 1
      else high = middle
    }
    return low
  }

  private grow(needed: number): void {
    let size = 2 * this.entries.length
    while (size < needed) size *= 2
    this.resize(size)
  }

  private resize(size: number): void {
    const entries = new BigUint64Array(size)
    entries.set(this.entries.subarray(0, this.entryCount))
    this.entries = entries
    this.words = new Uint32Array(entries.buffer)
  }
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
