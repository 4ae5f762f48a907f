import { afterEach, describe, expect, it, vi } from 'vitest'
import { type Released, releaseFreeMemory, releaseMemoryWhenIdle, trimUnavailable } from './release-memory.js'

describe('releaseFreeMemory', () => {
  it('hands the pages of collected buffers back to the system, also below a buffer still alive', async () => {
    expect(trimUnavailable).toBeUndefined()
    // 64 KB buffers come from glibc's heap; the one allocated last keeps its top from shrinking.
    let garbage: Buffer[] | undefined = Array.from({ length: 1500 }, () => Buffer.alloc(64 * 1024, 1))
    const alive = Buffer.alloc(64 * 1024, 1)
    expect(garbage.length * alive.length).toBe(1500 * 64 * 1024)
    garbage = undefined
    const { rssBeforeBytes, rssAfterBytes } = await releaseFreeMemory()
    expect(rssBeforeBytes - rssAfterBytes).toBeGreaterThan(60e6)
  })
})

describe('releaseMemoryWhenIdle', () => {
  afterEach(() => vi.useRealTimers())

  it('releases once per quiet spell, after the activity has stood still for the idle time', async () => {
    vi.useFakeTimers()
    let activity = 0
    const releases: number[] = []
    const release = async (): Promise<Released> => {
      releases.push(Date.now())
      return { rssBeforeBytes: 2, rssAfterBytes: 1, pausedMs: 0 }
    }
    const results: Released[] = []
    const start = Date.now()
    const stop = releaseMemoryWhenIdle(() => activity, 1_000, release, (result) => results.push(result))
    // The first quiet spell, after the start.
    await vi.advanceTimersByTimeAsync(1_000)
    expect(releases).toEqual([start + 1_000])
    await vi.advanceTimersByTimeAsync(5_000)
    expect(releases).toHaveLength(1)
    // Busy: no release however long it lasts.
    for (let i = 0; i < 20; i++) {
      activity++
      await vi.advanceTimersByTimeAsync(500)
    }
    expect(releases).toHaveLength(1)
    // Quiet again: one release, 1 to 1.5 s after the last activity.
    const lastActivity = Date.now()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(releases).toHaveLength(2)
    expect(releases[1]! - lastActivity).toBeGreaterThanOrEqual(1_000)
    expect(releases[1]! - lastActivity).toBeLessThanOrEqual(1_500)
    expect(results).toEqual([{ rssBeforeBytes: 2, rssAfterBytes: 1, pausedMs: 0 }, { rssBeforeBytes: 2, rssAfterBytes: 1, pausedMs: 0 }])
    stop()
    activity++
    await vi.advanceTimersByTimeAsync(10_000)
    expect(releases).toHaveLength(2)
  })
})
