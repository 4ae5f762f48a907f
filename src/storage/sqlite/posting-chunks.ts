/**
 * A sealed segment's postings: every index key with its span sequence numbers, sorted by key
 * and cut into chunks of at most CHUNK_MAX_BYTES (a key with more postings gets a chunk of its
 * own). A chunk is one row found by its first key; within it, keys are varint deltas and each
 * key's sequence numbers are, whichever is smaller:
 * - a list: their count, then varint deltas from the segment's first span, so a key held by
 *   one span costs a few bytes instead of a B-tree row;
 * - a bitmap: a count of 0 (no list is empty), its length in bytes, then a bit per span from
 *   the segment's first, lowest bit first. A key held by most spans (a tag key, a common
 *   value) costs a bit per span instead of a byte.
 */
import { ByteReader, ByteWriter, varintLength } from './bytes.js'

/**
 * Chunks stay under this size so that four fit in a 4 KB page: chunks just over half a page
 * left a quarter of the table's pages unused.
 */
export const CHUNK_MAX_BYTES = 960

export interface PostingChunk {
  firstHash: number
  data: Buffer
}

/** Postings by ascending key: key `i` has hash `hashes[i]` and sequence numbers `seqs[ends[i - 1] .. ends[i]]`, ascending. */
export interface SortedPostings {
  hashes: Uint32Array
  ends: Uint32Array
  seqs: Float64Array
}

export function encodePostingChunks({ hashes, ends, seqs }: SortedPostings, firstSeq: number): PostingChunk[] {
  const chunks: PostingChunk[] = []
  let out = new ByteWriter()
  let firstHash = 0
  let previousHash = 0
  for (let key = 0, start = 0; key < hashes.length; start = ends[key++]!) {
    const hash = hashes[key]!
    const end = ends[key]!
    let listBytes = varintLength(end - start)
    let previousSeq = firstSeq
    for (let i = start; i < end; i++) {
      listBytes += varintLength(seqs[i]! - previousSeq)
      previousSeq = seqs[i]!
    }
    const bitmapLength = Math.floor((seqs[end - 1]! - firstSeq) / 8) + 1
    const bitmapBytes = 1 + varintLength(bitmapLength) + bitmapLength
    // A key delta takes at most 5 bytes.
    if (out.size > 0 && out.size + 5 + Math.min(listBytes, bitmapBytes) > CHUNK_MAX_BYTES) {
      chunks.push({ firstHash, data: out.toBuffer() })
      out = new ByteWriter()
    }
    if (out.size === 0) firstHash = previousHash = hash
    out.varint(hash - previousHash)
    previousHash = hash
    if (bitmapBytes < listBytes) {
      const bitmap = new Uint8Array(bitmapLength)
      for (let i = start; i < end; i++) {
        const bit = seqs[i]! - firstSeq
        bitmap[bit >>> 3]! |= 1 << (bit & 7)
      }
      out.varint(0)
      out.varint(bitmapLength)
      out.bytes(bitmap)
      continue
    }
    out.varint(end - start)
    previousSeq = firstSeq
    for (let i = start; i < end; i++) {
      out.varint(seqs[i]! - previousSeq)
      previousSeq = seqs[i]!
    }
  }
  if (out.size > 0) chunks.push({ firstHash, data: out.toBuffer() })
  return chunks
}

/** The sequence numbers of `hash` in the chunk that would hold it, or undefined. */
export function findPostings(chunk: PostingChunk, hash: number, firstSeq: number): number[] | undefined {
  const input = new ByteReader(chunk.data)
  let current = chunk.firstHash
  while (!input.done) {
    current += input.varint()
    if (current > hash) return undefined
    const count = input.varint()
    if (count === 0) {
      const bitmap = input.bytes(input.varint())
      if (current === hash) return bitmapSeqs(bitmap, firstSeq)
    } else if (current === hash) {
      const seqs = new Array<number>(count)
      let seq = firstSeq
      for (let i = 0; i < count; i++) seqs[i] = seq += input.varint()
      return seqs
    } else {
      for (let i = 0; i < count; i++) input.varint()
    }
  }
  return undefined
}

function bitmapSeqs(bitmap: Uint8Array, firstSeq: number): number[] {
  const seqs: number[] = []
  bitmap.forEach((byte, i) => {
    for (let bits = byte; bits !== 0; bits &= bits - 1) seqs.push(firstSeq + 8 * i + (31 - Math.clz32(bits & -bits)))
  })
  return seqs
}
