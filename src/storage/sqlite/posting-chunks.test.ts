import { describe, expect, it } from 'vitest'
import { CHUNK_MAX_BYTES, type PostingChunk, type SortedPostings, encodePostingChunks, findPostings } from './posting-chunks.js'

/** [hash, sequence numbers] pairs, by ascending hash, as the typed arrays the encoder takes. */
function sortedPostings(lists: [number, number[]][]): SortedPostings {
  let end = 0
  return { hashes: Uint32Array.from(lists, ([hash]) => hash), ends: Uint32Array.from(lists, ([, seqs]) => (end += seqs.length)), seqs: Float64Array.from(lists.flatMap(([, seqs]) => seqs)) }
}

/** The chunk a key is looked up in: the last one starting at or before it, as the SQL does. */
function chunkFor(chunks: PostingChunk[], hash: number): PostingChunk | undefined {
  return chunks.filter((chunk) => chunk.firstHash <= hash).at(-1)
}

describe('posting chunks', () => {
  it('find every key with its sequence numbers across chunk boundaries, and no key that is absent', () => {
    const firstSeq = 1_000_000
    const lists: [number, number[]][] = []
    for (let hash = 7; hash < 0xffffffff; hash += 9_999_991) {
      const count = 1 + (hash % 5)
      lists.push([hash, Array.from({ length: count }, (_, i) => firstSeq + (hash % 1000) + i * 37)])
    }
    const chunks = encodePostingChunks(sortedPostings(lists), firstSeq)
    expect(chunks.length).toBeGreaterThan(1)
    for (const [hash, seqs] of lists) expect(findPostings(chunkFor(chunks, hash)!, hash, firstSeq)).toEqual(seqs)
    for (const [hash] of lists) {
      const chunk = chunkFor(chunks, hash + 1)
      expect(chunk && findPostings(chunk, hash + 1, firstSeq)).toBeUndefined()
    }
    expect(chunkFor(chunks, 0)).toBeUndefined()
    for (const chunk of chunks) expect(chunk.data.length).toBeLessThanOrEqual(CHUNK_MAX_BYTES)
  })

  it('give a key with more postings than a chunk holds a chunk of its own', () => {
    const firstSeq = 5
    const long = Array.from({ length: 2_000 }, (_, i) => firstSeq + 300 * i)
    const lists: [number, number[]][] = [[10, [6]], [20, long], [30, [7, 9]]]
    const chunks = encodePostingChunks(sortedPostings(lists), firstSeq)
    expect(chunks.map((chunk) => chunk.firstHash)).toEqual([10, 20, 30])
    for (const [hash, seqs] of lists) expect(findPostings(chunkFor(chunks, hash)!, hash, firstSeq)).toEqual(seqs)
  })

  it('keep a key held by most spans as a bitmap of a bit per span', () => {
    const firstSeq = 2 ** 40
    const everySpan = Array.from({ length: 100 }, (_, i) => firstSeq + i)
    const mostSpans = Array.from({ length: 4_000 }, (_, i) => firstSeq + i + (i >> 2))
    const lists: [number, number[]][] = [[1, [firstSeq + 3]], [2, everySpan], [3, [firstSeq, firstSeq + 4_999]], [4, mostSpans]]
    const chunks = encodePostingChunks(sortedPostings(lists), firstSeq)
    for (const [hash, seqs] of lists) expect(findPostings(chunkFor(chunks, hash)!, hash, firstSeq)).toEqual(seqs)
    // 4,000 spans in 5,000: 625 bytes of bitmap, where a list takes a byte a span.
    expect(chunks.reduce((bytes, chunk) => bytes + chunk.data.length, 0)).toBeLessThan(700)
  })
})
