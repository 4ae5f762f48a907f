import { describe, expect, it } from 'vitest'
import { ByteReader, ByteWriter, varintLength } from './bytes.js'

describe('varints', () => {
  const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21, 2 ** 35 + 3, Number.MAX_SAFE_INTEGER]

  it('read back as written, each in the bytes varintLength says', () => {
    for (const value of values) {
      const writer = new ByteWriter()
      writer.varint(value)
      expect(writer.size).toBe(varintLength(value))
      expect(new ByteReader(writer.toBuffer()).varint()).toBe(value)
    }
  })
})
