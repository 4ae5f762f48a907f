import { describe, expect, it, vi } from 'vitest'
import { decompressBlock } from './block-compression.js'
import { BlockMerges } from './block-merges.js'

/** A small block of `spans` lines, its first span `id`. */
const block = (id: number, spans: number) => {
  const lines = Array.from({ length: spans }, (_, i) => `{"span":${id + i}}`)
  const summaryLines = lines.map((_, i) => ({ traceId: 'a'.repeat(32), serviceId: 1, operationId: 1, startUs: id + i, durationUs: 1 }))
  return { id, text: Buffer.from(lines.join('\n')), summaryLines }
}

describe('block merges', () => {
  it('hands over a merge once compressed in the background, its lines those of its blocks in order', async () => {
    const merges = new BlockMerges(8)
    merges.hold(block(1, 3))
    expect(merges.fits(5)).toBe(true)
    merges.hold(block(4, 3))
    expect(merges.fits(3)).toBe(false)
    merges.mergeHeld(true)
    expect(merges.fits(8)).toBe(true)
    // Not on the thread that started it before its event loop turns.
    expect(merges.takeCompressed()).toEqual([])
    const merged = await vi.waitFor(() => {
      const [done] = merges.takeCompressed()
      if (!done) throw new Error('not compressed yet')
      return done
    })
    expect([merged.firstId, merged.lastId, merged.summaryLines.length]).toEqual([1, 4, 6])
    expect(decompressBlock(merged.data, merged.text.length).toString()).toBe([1, 2, 3, 4, 5, 6].map((seq) => `{"span":${seq}}`).join('\n'))
    expect(merges.takeCompressed()).toEqual([])
  })

  it('compresses a merge at once when asked to', () => {
    const merges = new BlockMerges(8)
    merges.hold(block(1, 3))
    merges.mergeHeld(false)
    expect(merges.takeCompressed().map((merge) => merge.firstId)).toEqual([1])
  })

  it('compresses a merge at once while two are under way', () => {
    const merges = new BlockMerges(8)
    for (const id of [1, 4, 7]) {
      merges.hold(block(id, 3))
      merges.mergeHeld(true)
    }
    expect(merges.takeCompressed().map((merge) => merge.firstId)).toEqual([7])
  })

  it('compresses at once what is not done when everything is taken, the blocks held merged too', () => {
    const merges = new BlockMerges(8)
    merges.hold(block(1, 3))
    merges.mergeHeld(true)
    merges.hold(block(4, 2))
    merges.hold(block(6, 2))
    const all = merges.takeAll()
    expect(all.map(({ firstId, lastId }) => [firstId, lastId])).toEqual([[1, 1], [4, 6]])
    expect(decompressBlock(all[1]!.data, null).toString()).toBe(['{"span":4}', '{"span":5}', '{"span":6}', '{"span":7}'].join('\n'))
    expect(merges.takeAll()).toEqual([])
  })

  it('forgets merges under way and blocks held, as after a rollback', async () => {
    const merges = new BlockMerges(8)
    merges.hold(block(1, 3))
    merges.mergeHeld(true)
    merges.hold(block(4, 3))
    merges.forget()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(merges.takeCompressed()).toEqual([])
    expect(merges.takeAll()).toEqual([])
  })
})
