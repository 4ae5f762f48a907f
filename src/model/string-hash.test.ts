import { describe, expect, it } from 'vitest'
import { hashJoined, hashString } from './string-hash.js'

describe('hashString', () => {
  it('gives safe integers, stable across calls', () => {
    for (const text of ['', 'a', 'http.method\0GET', 'ü💥', 'x'.repeat(10_000)]) {
      const hash = hashString(text)
      expect(Number.isSafeInteger(hash)).toBe(true)
      expect(hash).toBeGreaterThanOrEqual(0)
      expect(hashString(text)).toBe(hash)
    }
  })

  it('gives the values stored indexes were written with', () => {
    expect(['', 't\0http.method\0GET', 'ü💥'].map(hashString)).toEqual([3522674919635979, 8262533066685106, 6666996875833535])
  })

  it('has no collisions among a million similar keys', () => {
    const seen = new Set<number>()
    for (let i = 0; i < 1_000_000; i++) seen.add(hashString(`user.id\0user-${i}`))
    expect(seen.size).toBe(1_000_000)
  })

  it('hashes parts as the string they make joined by NUL characters', () => {
    for (const parts of [[''], ['', ''], ['t', 'http.method', 'GET'], ['k', 'ü💥'], ['a\0b', '', 'c']]) {
      expect(hashJoined(...parts)).toBe(hashString(parts.join('\0')))
    }
  })
})
