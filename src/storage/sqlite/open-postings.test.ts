import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { OpenPostings, PostingsDelta } from './open-postings.js'
import type { SortedPostings } from './posting-chunks.js'

/** Sorted postings as [hash, sequence numbers] pairs. */
function pairs({ hashes, ends, seqs }: SortedPostings): [number, number[]][] {
  return [...hashes].map((hash, i) => [hash, [...seqs.subarray(i === 0 ? 0 : ends[i - 1], ends[i])]])
}

/** Spans with keys drawn from a small set (long lists) and a large one (one span each), repeats included. */
function randomSpans(count: number, firstSeq: number, seed: number): { seq: number; startUs: number; hashes: number[] }[] {
  let state = seed
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0)
  return Array.from({ length: count }, (_, i) => {
    const hashes = [next() % 40, next() % 40, next(), next(), next() >>> 16]
    hashes.push(hashes[0]!) // two terms of one span sharing a hash
    return { seq: firstSeq + i, startUs: 1_000 + (next() % 500), hashes }
  })
}

function expected(spans: ReturnType<typeof randomSpans>): Map<number, number[]> {
  const lists = new Map<number, number[]>()
  for (const { seq, hashes } of spans) {
    for (const hash of new Set(hashes)) {
      const seqs = lists.get(hash)
      if (seqs) seqs.push(seq)
      else lists.set(hash, [seq])
    }
  }
  return lists
}

describe('open postings', () => {
  it('gives every key its spans in ascending order, past the initial sizes of its arrays', () => {
    const spans = randomSpans(20_000, 7_000_000_000, 1)
    const open = new OpenPostings()
    for (const { seq, startUs, hashes } of spans) open.addSpan(seq, startUs, hashes)
    const lists = expected(spans)
    for (const [hash, seqs] of lists) expect(open.get(hash)).toEqual(seqs)
    expect(open.get(4_000_000_000)).toBeUndefined()
    expect(pairs(open.sorted())).toEqual([...lists].sort((a, b) => a[0] - b[0]))
    expect(open.spanCount).toBe(20_000)
    expect(open.firstSeq).toBe(7_000_000_000)
    expect([open.minStartUs, open.maxStartUs]).toEqual([Math.min(...spans.map((s) => s.startUs)), Math.max(...spans.map((s) => s.startUs))])
  })

  it('starts afresh after clear()', () => {
    const open = new OpenPostings()
    for (const { seq, startUs, hashes } of randomSpans(5_000, 1, 2)) open.addSpan(seq, startUs, hashes)
    open.clear()
    const spans = randomSpans(3_000, 5_001, 3)
    for (const { seq, startUs, hashes } of spans) open.addSpan(seq, startUs, hashes)
    expect(new Map(pairs(open.sorted()))).toEqual(expected(spans))
    expect(open.get(randomSpans(1, 1, 2)[0]!.hashes[2]!)).toBeUndefined()
  })

  it('gives back its spare room when it shrinks, keeps its postings, and grows again', () => {
    setFlagsFromString('--expose-gc')
    const collect = runInNewContext('gc') as () => void
    const arrayBufferBytes = () => {
      collect()
      return process.memoryUsage().arrayBuffers
    }
    const open = new OpenPostings()
    // 120,000 entries: room for 131,072 (1 MiB), kept after clear().
    for (const { seq, startUs, hashes } of randomSpans(20_000, 1, 5)) open.addSpan(seq, startUs, hashes)
    open.clear()
    const spans = randomSpans(3_000, 20_001, 6)
    for (const { seq, startUs, hashes } of spans.slice(0, 1_000)) open.addSpan(seq, startUs, hashes)
    expect(open.get(spans[0]!.hashes[2]!)).toEqual([20_001]) // a sorted run before the shrink
    const before = arrayBufferBytes()
    open.shrink()
    expect(before - arrayBufferBytes()).toBeGreaterThan(900_000)
    for (const [hash, seqs] of expected(spans.slice(0, 1_000))) expect(open.get(hash)).toEqual(seqs)
    for (const { seq, startUs, hashes } of spans.slice(1_000)) open.addSpan(seq, startUs, hashes)
    const lists = expected(spans)
    for (const [hash, seqs] of lists) expect(open.get(hash)).toEqual(seqs)
    expect(new Map(pairs(open.sorted()))).toEqual(lists)
  })

  it('takes the postings a PostingsDelta carries', () => {
    const spans = randomSpans(2_000, 10, 4)
    const delta = new PostingsDelta()
    for (const { seq, startUs, hashes } of spans) delta.addSpan(seq, startUs, hashes)
    const open = new OpenPostings()
    open.addDelta(delta.finish())
    expect(new Map(pairs(open.sorted()))).toEqual(expected(spans))
  })

  it('answers between deltas of every size, as its sorted runs are merged', () => {
    const spans = randomSpans(6_000, 1_000, 5)
    const open = new OpenPostings()
    let added = 0
    for (const size of [1, 1, 7, 3, 200, 13, 1, 900, 64, 64, 2_000, 5, 1_200, 1_541]) {
      const delta = new PostingsDelta()
      for (const { seq, startUs, hashes } of spans.slice(added, added + size)) delta.addSpan(seq, startUs, hashes)
      open.addDelta(delta.finish())
      added += size
      const lists = expected(spans.slice(0, added))
      for (const [hash, seqs] of lists) expect(open.get(hash)).toEqual(seqs)
    }
    expect(added).toBe(spans.length)
    expect(new Map(pairs(open.sorted()))).toEqual(expected(spans))
  })

  it('answers for a full segment written in many deltas, its longest runs left unmerged', () => {
    const spans = randomSpans(60_000, 1, 6)
    const open = new OpenPostings()
    for (let added = 0; added < spans.length; added += 1_000) {
      const delta = new PostingsDelta()
      for (const { seq, startUs, hashes } of spans.slice(added, added + 1_000)) delta.addSpan(seq, startUs, hashes)
      open.addDelta(delta.finish())
    }
    const lists = expected(spans)
    for (const [hash, seqs] of [...lists].filter((_, i) => i % 97 === 0 || i < 40)) expect(open.get(hash)).toEqual(seqs)
    expect(new Map(pairs(open.sorted()))).toEqual(lists)
  })
})
