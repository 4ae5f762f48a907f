import { describe, expect, it } from 'vitest'
import { NewestTraces } from './newest-traces.js'

/** The same answer the slow way: every trace's newest start, sorted, the first `limit`. */
function expected(adds: [string, number][], limit: number): string[] {
  const newest = new Map<string, number>()
  for (const [id, startUs] of adds) newest.set(id, Math.max(startUs, newest.get(id) ?? -Infinity))
  return [...newest]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([id]) => id)
}

describe('newest traces', () => {
  it('keeps the traces whose newest span started last, ties to the smaller id, whatever order spans come in', () => {
    let seed = 7
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n)
    for (const limit of [1, 3, 20, 500]) {
      for (let round = 0; round < 20; round++) {
        // Few distinct starts and ids, so that ties and spans of a kept trace are common.
        const adds = Array.from({ length: 2000 }, (): [string, number] => [`t${random(700)}`, random(300)])
        const newest = new NewestTraces(limit)
        for (const [i, [id, startUs]] of adds.entries()) {
          newest.add(id, startUs)
          // Asking for the oldest start now and then, as searches do, starts the heap mid-way.
          if (i % 97 === 0 && newest.full) expect(newest.oldestStartUs).toBe(newest.startByTraceId.get(expected(adds.slice(0, i + 1), limit).at(-1)!))
        }
        expect(newest.traceIds()).toEqual(expected(adds, limit))
      }
    }
  })

  it('is not full below its limit and reports no oldest start when empty', () => {
    const newest = new NewestTraces(2)
    expect(newest.oldestStartUs).toBe(-Infinity)
    newest.add('a', 5)
    newest.add('a', 3)
    expect(newest.full).toBe(false)
    expect(newest.isNewer('a', 5)).toBe(false)
    newest.add('b', 1)
    expect(newest.full).toBe(true)
    expect(newest.oldestStartUs).toBe(1)
  })
})
