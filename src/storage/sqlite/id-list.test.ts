import { describe, expect, it } from 'vitest'
import { decodeIdList, encodeIdList, intersectIdLists } from './id-list.js'

describe('id lists', () => {
  it('round-trip ascending ids, large gaps included, in a byte or two per close id', () => {
    const ids = [1, 2, 3, 130, 131, 20_000, 2 ** 40, 2 ** 52 + 7]
    expect(decodeIdList(encodeIdList(ids))).toEqual(ids)
    const dense = Array.from({ length: 1000 }, (_, i) => 5_000_000 + i * 3)
    expect(encodeIdList(dense).length).toBeLessThan(1010)
    expect(decodeIdList(encodeIdList([]))).toEqual([])
  })

  it('intersect', () => {
    expect(intersectIdLists([[1, 3, 5, 7, 9], [3, 4, 5, 9], [0, 3, 9, 10]])).toEqual([3, 9])
    expect(intersectIdLists([[1, 2], []])).toEqual([])
    expect(intersectIdLists([[4, 8]])).toEqual([4, 8])
  })
})
