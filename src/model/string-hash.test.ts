import { describe, expect, it } from 'vitest'
import { hashString } from './string-hash.js'

describe('hashString', () => {
  it('gives safe integers, stable across calls', () => {
    for (const text of ['', 'a', 'http.method\0GET', 'ü💥', 'x'.repeat(10_000)]) {
      const hash = hashString(text)
      expect(Number.isSafeInteger(hash)).toBe(true)
      expect(hash).toBeGreaterThanOrEqual(0)
      expect(hashString(text)).toBe(hash)
    }
  })

  it('has no collisions among a million similar keys', () => {
    const seen = new Set<number>()
    for (let i = 0; i < 1_000_000; i++) seen.add(hashString(`user.id\0user-${i}`))
    expect(seen.size).toBe(1_000_000)
  })
})
