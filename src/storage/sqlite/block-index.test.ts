import { describe, expect, it } from 'vitest'
import { BlockIndex } from './block-index.js'

describe('block index', () => {
  it('finds the block of a span, the newest start up to a block, and forgets deleted blocks', () => {
    const index = new BlockIndex()
    index.addAll([1, 3, 500, 4, 2, 300, 6, 5, 900])
    expect([0, 1, 3, 4, 5, 6, 10, 11].map((seq) => index.find(seq))).toEqual([-1, 0, 0, 1, 1, 2, 2, -1])
    expect([0, 1, 2].map((position) => index.newestStartUpTo(position))).toEqual([500, 500, 900])
    index.remove(new Set([1]))
    expect(index.find(2)).toBe(-1)
    expect(index.blockId(index.find(4))).toBe(4)
    expect(index.newestStartUpTo(0)).toBe(300)
    expect([4, 6, 10, 11].map((seq) => index.find(seq))).toEqual([0, 1, 1, -1])
    expect(index.newestStartUpTo(1)).toBe(900)
  })

  it('replaces the newest blocks by the block they were merged into', () => {
    const index = new BlockIndex()
    // Blocks 1, 4 and 6; then 4 and 6 merged into 4, and a new block 11.
    index.addAll([1, 3, 500, 4, 2, 300, 6, 5, 900, 4, 7, 950, 11, 1, 100])
    expect([3, 4, 6, 10, 11].map((seq) => index.blockId(index.find(seq)))).toEqual([1, 4, 4, 4, 11])
    expect(index.find(12)).toBe(-1)
    expect([0, 1, 2].map((position) => index.newestStartUpTo(position))).toEqual([500, 950, 950])
  })

  it('puts a block merged from blocks older than the newest in their place', () => {
    const index = new BlockIndex()
    // Blocks 1, 4, 6, 11 and 12; then 4 and 6 merged into 4 while 11 and 12 stay.
    index.addAll([1, 3, 500, 4, 2, 300, 6, 5, 900, 11, 1, 100, 12, 2, 1000, 4, 7, 900])
    expect([3, 4, 6, 10, 11, 12, 13].map((seq) => index.blockId(index.find(seq)))).toEqual([1, 4, 4, 4, 11, 12, 12])
    expect(index.find(14)).toBe(-1)
    expect([0, 1, 2, 3].map((position) => index.newestStartUpTo(position))).toEqual([500, 900, 900, 1000])
  })
})
